import type { StandingOrders } from '@ratsweg/domain';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The municipality an installation serves (OParl Body); `key` is the `RATSWEG_TENANT` setting. */
@Entity({ name: 'tenant' })
export class TenantEntity {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'short_name', type: 'text' })
  shortName!: string;

  /** Amtlicher Gemeindeschlüssel: exactly 8 digits. */
  @Column({ type: 'text' })
  ags!: string;

  /** Validated with `standingOrdersSchema` before it is written. */
  @Column({ name: 'standing_orders', type: 'jsonb' })
  standingOrders!: StandingOrders;

  @Column({ type: 'text', nullable: true })
  website!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'modified_at', type: 'timestamptz' })
  modifiedAt!: Date;
}
