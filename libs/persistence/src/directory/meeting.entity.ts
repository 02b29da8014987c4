import { Column, Entity, PrimaryColumn } from 'typeorm';

export const MEETING_STATES = ['scheduled', 'invited', 'held', 'cancelled'] as const;
export type MeetingState = (typeof MEETING_STATES)[number];

/** A meeting of a body (OParl Meeting); it may serve a meeting of a participation round. */
@Entity({ name: 'meeting' })
export class MeetingEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  tenant!: string;

  @Column({ name: 'body_id', type: 'uuid' })
  bodyId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'timestamptz' })
  start!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  end!: Date | null;

  @Column({ type: 'text', nullable: true })
  location!: string | null;

  @Column({ type: 'text', default: 'scheduled' })
  state!: MeetingState;

  /** The round whose template meeting `meetingKey` this meeting is; both set or both null. */
  @Column({ name: 'round_id', type: 'uuid', nullable: true })
  roundId!: string | null;

  @Column({ name: 'meeting_key', type: 'text', nullable: true })
  meetingKey!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'modified_at', type: 'timestamptz' })
  modifiedAt!: Date;
}
