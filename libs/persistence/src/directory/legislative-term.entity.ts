import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A Wahlperiode of the council. */
@Entity({ name: 'legislative_term' })
export class LegislativeTermEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  tenant!: string;

  @Column({ type: 'text' })
  name!: string;

  /** `YYYY-MM-DD`. */
  @Column({ name: 'start_date', type: 'date' })
  startDate!: string;

  /** `YYYY-MM-DD`, not before `startDate`. */
  @Column({ name: 'end_date', type: 'date' })
  endDate!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'modified_at', type: 'timestamptz' })
  modifiedAt!: Date;
}
