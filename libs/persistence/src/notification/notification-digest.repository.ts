import type { DataSource } from 'typeorm';
import type { DueDelivery } from './outbox.repository.js';

export interface DueDigestDelivery extends DueDelivery {
  locale: 'de' | 'en';
  createdAt: Date;
}

/**
 * The digest e-mails (`delivery.digest`): created pending with `next_attempt_at` at the next
 * 07:00 Europe/Berlin, never claimed by the one-by-one e-mail loop. When due, all of one
 * recipient's are leased together, sent as one message, and marked sent in one transaction.
 */
export class NotificationDigestRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Leases every due digest delivery of up to `recipientLimit` recipients for `leaseMs`.
   * A recipient is claimed whole or not at all: the claim holds a transaction-level advisory
   * lock per recipient, so two dispatchers at the same moment never split one digest (row
   * locks alone would: each could lock a part of the recipient's rows). A recipient another
   * dispatcher holds is skipped, as SKIP LOCKED does for rows; its rows are leased when that
   * claim commits, so the next claim finds none of them due.
   */
  async claimDue(tenant: string, recipientLimit: number, leaseMs: number): Promise<DueDigestDelivery[]> {
    return this.dataSource.transaction(async (manager) => {
      const candidates = (await manager.query(
        `SELECT DISTINCT "recipient" FROM "delivery"
         WHERE "tenant" = $1 AND "digest" AND "channel" = 'email' AND "status" IN ('pending', 'sending') AND "next_attempt_at" <= now()
         ORDER BY "recipient" LIMIT $2`,
        [tenant, recipientLimit],
      )) as { recipient: string }[];
      if (candidates.length === 0) return [];
      const locked = (await manager.query(
        `SELECT "recipient" FROM unnest($2::text[]) AS "candidate" ("recipient")
         WHERE pg_try_advisory_xact_lock(hashtextextended('ratsweg-digest:' || $1 || ':' || "recipient", 0))`,
        [tenant, candidates.map((candidate) => candidate.recipient)],
      )) as { recipient: string }[];
      if (locked.length === 0) return [];
      // A statement begun after the locks: it sees what a claim that held them before has committed.
      const result = (await manager.query(
        `UPDATE "delivery" d SET "status" = 'sending', "attempts" = d."attempts" + 1, "next_attempt_at" = now() + ($2 * interval '1 millisecond')
         WHERE d."tenant" = $1 AND d."digest" AND d."channel" = 'email' AND d."status" IN ('pending', 'sending') AND d."next_attempt_at" <= now()
           AND d."recipient" = ANY($3::text[])
         RETURNING d."id", d."tenant", d."channel", d."recipient", d."address", d."idempotency_key" AS "idempotencyKey", d."message_id" AS "messageId",
           d."subject", d."body_text" AS "bodyText", d."body_html" AS "bodyHtml", d."ics", d."attempts", d."locale", d."created_at" AS "createdAt"`,
        [tenant, leaseMs, locked.map((row) => row.recipient)],
      )) as [DueDigestDelivery[], number] | DueDigestDelivery[];
      return Array.isArray(result[0]) ? (result[0] as DueDigestDelivery[]) : (result as DueDigestDelivery[]);
    });
  }

  /** All deliveries of one sent digest, in one transaction (one attempt row each). */
  async markSent(ids: string[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`UPDATE "delivery" SET "status" = 'sent', "sent_at" = now(), "last_error" = NULL WHERE "id" = ANY($1::uuid[])`, [ids]);
      await manager.query(`INSERT INTO "delivery_attempt" ("delivery_id", "outcome") SELECT unnest($1::uuid[]), 'sent'`, [ids]);
    });
  }

  /** A failed digest: all its deliveries retry together at `retryAt`, or are given up when undefined. */
  async markFailed(ids: string[], error: string, retryAt?: Date): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE "delivery" SET "status" = $2, "next_attempt_at" = COALESCE($3, "next_attempt_at"), "last_error" = $4 WHERE "id" = ANY($1::uuid[])`,
        [ids, retryAt ? 'pending' : 'failed', retryAt ?? null, error.slice(0, 2000)],
      );
      await manager.query(`INSERT INTO "delivery_attempt" ("delivery_id", "outcome", "error") SELECT unnest($1::uuid[]), 'error', $2`, [ids, error.slice(0, 2000)]);
    });
  }
}
