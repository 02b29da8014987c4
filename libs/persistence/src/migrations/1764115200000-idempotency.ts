import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `idempotency_record`: the first answer to a POST sent with an `Idempotency-Key`, so that a
 * repeated request gets that answer again instead of doing the work twice.
 *
 * - One row per tenant, caller (`actor`: `user:<id>`, `api-key:<id>`, or `anonymous:<address>`)
 *   and key. The key itself is not kept, only its SHA-256 (`key_hash`): answers may carry
 *   credentials shown once (a session token, a new API key), and the stored answer
 *   (`response_body`) is sealed with a key derived from the Idempotency-Key, so a copy of the
 *   database does not reveal them.
 * - `fingerprint`: SHA-256 of method, path (with query) and the canonical request body; the same
 *   key with another request is refused.
 * - `state`: `pending` while the first request runs (claimed by `claim_id`, until `locked_until`,
 *   after which a request that crashed half-way may be retried), `done` once its answer is stored.
 *   A request that fails leaves no row (it is released), so it can be retried with the same key.
 * - Rows expire after 24 hours (`expires_at`) and are purged; an expired row is taken over by the
 *   next claim of its key.
 */
export class Idempotency1764115200000 implements MigrationInterface {
  name = 'Idempotency1764115200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "idempotency_record" (
        "tenant" text NOT NULL,
        "actor" text NOT NULL,
        "key_hash" text NOT NULL,
        "method" text NOT NULL,
        "path" text NOT NULL,
        "fingerprint" text NOT NULL,
        "state" text NOT NULL,
        "claim_id" uuid NOT NULL,
        "locked_until" timestamptz NOT NULL,
        "status" integer,
        "response_headers" jsonb,
        "response_body" bytea,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "completed_at" timestamptz,
        "expires_at" timestamptz NOT NULL,
        CONSTRAINT "pk_idempotency_record" PRIMARY KEY ("tenant", "actor", "key_hash"),
        CONSTRAINT "ck_idempotency_record_state" CHECK ("state" IN ('pending', 'done')),
        CONSTRAINT "ck_idempotency_record_done" CHECK ("state" = 'pending' OR ("status" IS NOT NULL AND "response_headers" IS NOT NULL AND "response_body" IS NOT NULL)),
        CONSTRAINT "ck_idempotency_record_status" CHECK ("status" IS NULL OR "status" BETWEEN 100 AND 599)
      )`);
    await queryRunner.query(`CREATE INDEX "ix_idempotency_record_expiry" ON "idempotency_record" ("tenant", "expires_at")`);
    await queryRunner.query(`CREATE INDEX "ix_idempotency_record_claim" ON "idempotency_record" ("claim_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "idempotency_record"`);
  }
}
