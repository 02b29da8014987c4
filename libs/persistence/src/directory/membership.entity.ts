import { Column, Entity, PrimaryColumn } from 'typeorm';

export const MEMBERSHIP_ROLES = ['chair', 'deputy_chair', 'member', 'secretary'] as const;
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];

/** A person's seat in a body for a period (OParl Membership). */
@Entity({ name: 'membership' })
export class MembershipEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  tenant!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @Column({ name: 'body_id', type: 'uuid' })
  bodyId!: string;

  @Column({ type: 'text' })
  role!: MembershipRole;

  @Column({ name: 'voting_right', type: 'boolean' })
  votingRight!: boolean;

  /** The first day of the membership. */
  @Column({ name: 'start_date', type: 'date' })
  startDate!: string;

  /** The last day of the membership; null while it lasts. */
  @Column({ name: 'end_date', type: 'date', nullable: true })
  endDate!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'modified_at', type: 'timestamptz' })
  modifiedAt!: Date;
}
