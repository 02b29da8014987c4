import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** How long the first answer to a key is kept and replayed. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export interface IdempotencyClaim {
  tenant: string;
  /** Who sent the request: `user:<id>`, `api-key:<id>` or `anonymous:<address>`. */
  actor: string;
  /** SHA-256 (hex) of the Idempotency-Key. */
  keyHash: string;
  method: string;
  path: string;
  fingerprint: string;
  /** A pending claim older than this may be taken over by the same request (its first attempt crashed). */
  leaseSeconds: number;
}

export interface IdempotencyRecord {
  method: string;
  path: string;
  fingerprint: string;
  state: 'pending' | 'done';
  status: number | null;
  responseHeaders: Record<string, string | string[]> | null;
  /** The sealed answer; see the API's idempotency interceptor. */
  responseBody: Buffer | null;
  lockedUntil: Date;
}

export type ClaimOutcome = { claimed: true; claimId: string } | { claimed: false; existing: IdempotencyRecord };

/** The stored first answers to requests sent with an `Idempotency-Key`. */
export class IdempotencyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims the key for this request, or returns the record that holds it. An expired record,
   * and a pending one of the same request whose lease ran out, are taken over.
   */
  async claim(claim: IdempotencyClaim): Promise<ClaimOutcome> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const claimId = randomUUID();
      const claimed = (await this.dataSource.query(
        `INSERT INTO "idempotency_record" AS r
           ("tenant", "actor", "key_hash", "method", "path", "fingerprint", "state", "claim_id", "locked_until", "expires_at")
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, now() + make_interval(secs => $8::int), now() + make_interval(secs => $9::int))
         ON CONFLICT ("tenant", "actor", "key_hash") DO UPDATE SET
           "method" = EXCLUDED."method", "path" = EXCLUDED."path", "fingerprint" = EXCLUDED."fingerprint", "state" = 'pending',
           "claim_id" = EXCLUDED."claim_id", "locked_until" = EXCLUDED."locked_until", "status" = NULL, "response_headers" = NULL,
           "response_body" = NULL, "created_at" = now(), "completed_at" = NULL, "expires_at" = EXCLUDED."expires_at"
         WHERE r."expires_at" <= now()
            OR (r."state" = 'pending' AND r."locked_until" <= now() AND r."fingerprint" = EXCLUDED."fingerprint")
         RETURNING "claim_id" AS "claimId"`,
        [claim.tenant, claim.actor, claim.keyHash, claim.method, claim.path, claim.fingerprint, claimId, claim.leaseSeconds, IDEMPOTENCY_TTL_SECONDS],
      )) as { claimId: string }[];
      if (claimed.length > 0) return { claimed: true, claimId };
      const existing = (await this.dataSource.query(
        `SELECT "method", "path", "fingerprint", "state", "status", "response_headers" AS "responseHeaders", "response_body" AS "responseBody",
                "locked_until" AS "lockedUntil"
         FROM "idempotency_record" WHERE "tenant" = $1 AND "actor" = $2 AND "key_hash" = $3 AND "expires_at" > now()`,
        [claim.tenant, claim.actor, claim.keyHash],
      )) as IdempotencyRecord[];
      // Gone in between (released or expired): claim again.
      if (existing[0]) return { claimed: false, existing: existing[0] };
    }
    throw new Error('could not claim an idempotency key: the record kept changing');
  }

  /** Stores the answer of a claimed request; false when the claim was lost meanwhile. */
  async complete(tenant: string, claimId: string, status: number, headers: Record<string, string | string[]>, body: Buffer): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `UPDATE "idempotency_record" SET "state" = 'done', "status" = $3, "response_headers" = $4, "response_body" = $5, "completed_at" = now()
       WHERE "tenant" = $1 AND "claim_id" = $2 AND "state" = 'pending' RETURNING 1 AS "done"`,
      [tenant, claimId, status, JSON.stringify(headers), body],
    )) as [unknown[], number];
    return rows[1] > 0;
  }

  /** Gives the key back after a failed request, so that it can be retried. */
  async release(tenant: string, claimId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM "idempotency_record" WHERE "tenant" = $1 AND "claim_id" = $2 AND "state" = 'pending'`, [tenant, claimId]);
  }

  /** Deletes the tenant's expired records; returns how many. */
  async purgeExpired(tenant: string): Promise<number> {
    const rows = (await this.dataSource.query(
      `WITH "gone" AS (DELETE FROM "idempotency_record" WHERE "tenant" = $1 AND "expires_at" <= now() RETURNING 1)
       SELECT count(*)::int AS "count" FROM "gone"`,
      [tenant],
    )) as { count: number }[];
    return rows[0]?.count ?? 0;
  }
}
