import type { Outcome, RoundStatus, StageState, StandingOrders } from '@ratsweg/domain';
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** Read model of a round, projected from its workflow; Temporal stays the source of truth. */
@Entity({ name: 'round' })
export class RoundEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Index('uq_round_workflow_id', { unique: true })
  @Column({ name: 'workflow_id', type: 'text' })
  workflowId!: string;

  @Column({ type: 'text' })
  tenant!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ name: 'template_key', type: 'text' })
  templateKey!: string;

  @Column({ name: 'template_version', type: 'integer' })
  templateVersion!: number;

  @Column({ type: 'text' })
  status!: RoundStatus;

  @Column({ type: 'text', nullable: true })
  result!: Outcome | null;

  @Column({ name: 'cancel_reason', type: 'text', nullable: true })
  cancelReason!: string | null;

  @Column({ name: 'open_stage_keys', type: 'text', array: true })
  openStageKeys!: string[];

  @Column({ name: 'open_stage_bodies', type: 'text', array: true })
  openStageBodies!: string[];

  @Column({ type: 'jsonb' })
  stages!: StageState[];

  @Column({ type: 'jsonb' })
  meetings!: Record<string, string>;

  @Column({ type: 'jsonb' })
  parameters!: Record<string, string | number | boolean>;

  @Column({ name: 'standing_orders', type: 'jsonb', nullable: true })
  standingOrders!: StandingOrders | null;

  @Column({ name: 'next_reminder_at', type: 'timestamptz', nullable: true })
  nextReminderAt!: Date | null;

  @Column({ name: 'next_deadline_at', type: 'timestamptz', nullable: true })
  nextDeadlineAt!: Date | null;

  /** Sequence number of the last recording applied; older recordings never overwrite newer ones. */
  @Column({ type: 'integer' })
  seq!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
