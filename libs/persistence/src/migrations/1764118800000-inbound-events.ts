import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `inbound_event`: every CloudEvent an integration (a council information system) sent to
 * `POST /api/v1/events`, once per `source` and `id` as CloudEvents defines an event's identity,
 * so that a delivery repeated by the sender is recognised and does nothing again.
 *
 * - `status`: `processing` while it is being applied (claimed by `claim_id` until `locked_until`;
 *   after that a repeated delivery may apply it again), `applied`, or `rejected` when the rounds
 *   refused it (e.g. the stage was not open yet). Only applied events are duplicates: a refused
 *   one is tried again when delivered again, and a transient failure leaves no row.
 * - `fingerprint`: SHA-256 of type, subject and data; another event under the same source and id is refused.
 * - `result`: what it did (`{ rounds: [...] }`); `problem`: why it was refused (`{ status, code, detail }`).
 */
export class InboundEvents1764118800000 implements MigrationInterface {
  name = 'InboundEvents1764118800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "inbound_event" (
        "tenant" text NOT NULL,
        "source" text NOT NULL,
        "event_id" text NOT NULL,
        "type" text NOT NULL,
        "actor" text NOT NULL,
        "fingerprint" text NOT NULL,
        "event_time" timestamptz,
        "status" text NOT NULL,
        "claim_id" uuid NOT NULL,
        "locked_until" timestamptz NOT NULL,
        "result" jsonb,
        "problem" jsonb,
        "received_at" timestamptz NOT NULL DEFAULT now(),
        "completed_at" timestamptz,
        CONSTRAINT "pk_inbound_event" PRIMARY KEY ("tenant", "source", "event_id"),
        CONSTRAINT "ck_inbound_event_status" CHECK ("status" IN ('processing', 'applied', 'rejected')),
        CONSTRAINT "ck_inbound_event_outcome" CHECK (
          ("status" = 'processing') OR ("status" = 'applied' AND "result" IS NOT NULL) OR ("status" = 'rejected' AND "problem" IS NOT NULL)
        )
      )`);
    await queryRunner.query(`CREATE INDEX "ix_inbound_event_received" ON "inbound_event" ("tenant", "received_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "inbound_event"`);
  }
}
