import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** Append-only: one row per change of a round; never updated, never deleted. */
@Entity({ name: 'audit_entry' })
@Unique('uq_audit_entry_round_seq_position', ['roundId', 'seq', 'position'])
export class AuditEntryEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'round_id', type: 'uuid' })
  roundId!: string;

  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'integer' })
  position!: number;

  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text' })
  actor!: string;

  @Column({ name: 'stage_key', type: 'text', nullable: true })
  stageKey!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  details!: Record<string, unknown> | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;
}
