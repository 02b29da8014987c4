import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Append-only audit trail: one row per change of a round or of the directory, never updated,
 * never deleted. Entries form hash chains (one per round, one per tenant's directory): each
 * carries the hash of the one before it, so an edited or deleted row is detected.
 */
@Entity({ name: 'audit_entry' })
export class AuditEntryEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'text' })
  tenant!: string;

  /** `round:<id>` or `directory:<tenant>`. */
  @Column({ type: 'text' })
  chain!: string;

  @Column({ name: 'chain_position', type: 'integer' })
  chainPosition!: number;

  @Column({ name: 'round_id', type: 'uuid', nullable: true })
  roundId!: string | null;

  @Column({ name: 'subject_type', type: 'text' })
  subjectType!: string;

  @Column({ name: 'subject_id', type: 'text' })
  subjectId!: string;

  /** Sequence number of the round's recording that wrote it (rounds only). */
  @Column({ type: 'integer', nullable: true })
  seq!: number | null;

  @Column({ type: 'integer', nullable: true })
  position!: number | null;

  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text' })
  actor!: string;

  @Column({ name: 'stage_key', type: 'text', nullable: true })
  stageKey!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  details!: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  before!: unknown;

  @Column({ type: 'jsonb', nullable: true })
  after!: unknown;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey!: string | null;

  @Column({ name: 'prev_hash', type: 'text', nullable: true })
  prevHash!: string | null;

  @Column({ type: 'text' })
  hash!: string;
}
