import type { DataSource } from 'typeorm';

export interface OperationalCounts {
  roundsByStatus: { status: string; count: number }[];
  deliveriesByStatus: { status: string; channel: string; count: number }[];
  /** Notifications written with a round's change that the dispatcher has not expanded into deliveries yet. */
  pendingNotifications: number;
  /** Age of the oldest delivery still to be sent (not one waiting for the daily digest); null when none waits. */
  oldestPendingDeliveryAgeSeconds: number | null;
}

/** What the metrics endpoint reports about the tenant's rounds and outbox: a few grouped counts, read at scrape time. */
export async function readOperationalCounts(dataSource: DataSource, tenant: string): Promise<OperationalCounts> {
  const rows = (await dataSource.query(
    `SELECT 'round' AS "kind", "status", NULL::text AS "channel", count(*)::float8 AS "value" FROM "round" WHERE "tenant" = $1 GROUP BY "status"
     UNION ALL
     SELECT 'delivery', "status", "channel", count(*)::float8 FROM "delivery" WHERE "tenant" = $1 GROUP BY "status", "channel"
     UNION ALL
     SELECT 'notification', 'pending', NULL, count(*)::float8 FROM "notification" WHERE "tenant" = $1 AND "status" = 'pending'
     UNION ALL
     SELECT 'oldest', NULL, NULL, EXTRACT(EPOCH FROM now() - min("created_at"))::float8 FROM "delivery"
       WHERE "tenant" = $1 AND "status" IN ('pending', 'sending') AND NOT "digest"`,
    [tenant],
  )) as { kind: string; status: string | null; channel: string | null; value: number | null }[];
  const oldest = rows.find((row) => row.kind === 'oldest')?.value;
  return {
    roundsByStatus: rows.filter((row) => row.kind === 'round').map((row) => ({ status: row.status ?? '', count: Number(row.value) })),
    deliveriesByStatus: rows
      .filter((row) => row.kind === 'delivery')
      .map((row) => ({ status: row.status ?? '', channel: row.channel ?? '', count: Number(row.value) })),
    pendingNotifications: Number(rows.find((row) => row.kind === 'notification')?.value ?? 0),
    oldestPendingDeliveryAgeSeconds: oldest === null || oldest === undefined ? null : Math.max(0, Number(oldest)),
  };
}
