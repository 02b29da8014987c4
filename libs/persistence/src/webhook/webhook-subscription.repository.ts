import { isUuid, ROUND_ACTIONS } from '@ratsweg/domain';
import type { DataSource, EntityManager } from 'typeorm';

export { toWebhookCloudEvent, webhookEventType, type WebhookCloudEvent } from './webhook-cloud-event.util.js';

/** The round changes a webhook can subscribe to: every recorded kind of change. */
export const WEBHOOK_EVENT_TYPES = ROUND_ACTIONS;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export interface WebhookSubscriptionRow {
  id: string;
  tenant: string;
  url: string;
  /** Never logged, never in an audit entry, returned by the API only once when generated. */
  secret: string;
  /** Empty: every event type. */
  eventTypes: string[];
  active: boolean;
  createdAt: Date;
  modifiedAt: Date;
}

/** The endpoint and secret a webhook delivery is sent with, read at send time. */
export interface WebhookTarget {
  id: string;
  secret: string;
  active: boolean;
}

const COLUMNS = `"id", "tenant", "url", "secret", "event_types" AS "eventTypes", "active", "created_at" AS "createdAt", "modified_at" AS "modifiedAt"`;

/** The tenant's webhook subscriptions. */
export class WebhookSubscriptionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The active subscriptions of a tenant that want `kind`; called inside the outbox expansion. */
  static async activeFor(manager: EntityManager, tenant: string, kind: string): Promise<{ id: string; url: string }[]> {
    return (await manager.query(
      `SELECT "id", "url" FROM "webhook_subscription"
       WHERE "tenant" = $1 AND "active" AND (cardinality("event_types") = 0 OR $2 = ANY ("event_types")) ORDER BY "created_at", "id"`,
      [tenant, kind],
    )) as { id: string; url: string }[];
  }

  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * One page of the tenant's subscriptions, oldest first (by creation, then id), after `after`
   * (the `sortKey` and id of the previous page's last row); `eventType`: those that receive it.
   */
  async list(
    tenant: string,
    options: { active?: boolean; eventType?: string; after?: { sortKey: string; id: string }; limit: number },
  ): Promise<(WebhookSubscriptionRow & { sortKey: string })[]> {
    return (await this.dataSource.query(
      `SELECT ${COLUMNS}, "created_at"::text AS "sortKey" FROM "webhook_subscription"
       WHERE "tenant" = $1
         AND ($2::boolean IS NULL OR "active" = $2)
         AND ($3::text IS NULL OR cardinality("event_types") = 0 OR $3 = ANY ("event_types"))
         AND ($4::timestamptz IS NULL OR ("created_at", "id") > ($4::timestamptz, $5::uuid))
       ORDER BY "created_at", "id" LIMIT $6`,
      [tenant, options.active ?? null, options.eventType ?? null, options.after?.sortKey ?? null, options.after?.id ?? null, options.limit],
    )) as (WebhookSubscriptionRow & { sortKey: string })[];
  }

  /** One subscription of the tenant; null for an unknown (or malformed) id. `FOR UPDATE` with a manager. */
  async find(tenant: string, id: string, manager?: EntityManager): Promise<WebhookSubscriptionRow | null> {
    if (!isUuid(id)) return null;
    const rows = (await (manager ?? this.dataSource.manager).query(
      `SELECT ${COLUMNS} FROM "webhook_subscription" WHERE "tenant" = $1 AND "id" = $2${manager ? ' FOR UPDATE' : ''}`,
      [tenant, id],
    )) as WebhookSubscriptionRow[];
    return rows[0] ?? null;
  }

  async insert(manager: EntityManager, row: WebhookSubscriptionRow): Promise<void> {
    await manager.query(
      `INSERT INTO "webhook_subscription" ("id", "tenant", "url", "secret", "event_types", "active", "created_at", "modified_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [row.id, row.tenant, row.url, row.secret, row.eventTypes, row.active, row.createdAt, row.modifiedAt],
    );
  }

  async update(manager: EntityManager, row: WebhookSubscriptionRow): Promise<void> {
    await manager.query(
      `UPDATE "webhook_subscription" SET "url" = $3, "secret" = $4, "event_types" = $5, "active" = $6, "modified_at" = $7 WHERE "tenant" = $1 AND "id" = $2`,
      [row.tenant, row.id, row.url, row.secret, row.eventTypes, row.active, row.modifiedAt],
    );
  }

  /** Secrets and state of the subscriptions behind claimed webhook deliveries (by subscription id). */
  async targets(ids: readonly string[]): Promise<Map<string, WebhookTarget>> {
    const valid = [...new Set(ids)].filter((id) => isUuid(id));
    if (valid.length === 0) return new Map();
    const rows = (await this.dataSource.query(`SELECT "id", "secret", "active" FROM "webhook_subscription" WHERE "id" = ANY ($1::uuid[])`, [
      valid,
    ])) as WebhookTarget[];
    return new Map(rows.map((row) => [row.id, row]));
  }
}
