import { Column, Entity, PrimaryColumn, Unique } from 'typeorm';

export const BODY_CLASSIFICATIONS = ['council', 'committee', 'working_group', 'advisory_board', 'administrative_board', 'department'] as const;
export type BodyClassification = (typeof BODY_CLASSIFICATIONS)[number];

/** A council, committee or other body of the municipality (OParl Organization). */
@Entity({ name: 'body' })
@Unique('uq_body_tenant_key', ['tenant', 'key'])
export class BodyEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  tenant!: string;

  /** What process templates name as a stage's `body`, e.g. `rat` or `ausschuss-digitales`. */
  @Column({ type: 'text' })
  key!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'short_name', type: 'text' })
  shortName!: string;

  @Column({ type: 'text' })
  classification!: BodyClassification;

  @Column({ name: 'start_date', type: 'date' })
  startDate!: string;

  /** The last day of the body; null while it exists. */
  @Column({ name: 'end_date', type: 'date', nullable: true })
  endDate!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'modified_at', type: 'timestamptz' })
  modifiedAt!: Date;
}
