import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox: `notification` rows are written with the round's recorded change;
 * the dispatcher expands them to one `delivery` per recipient and channel, each under a unique
 * idempotency key, and records every attempt.
 */
export class Notifications1764097200000 implements MigrationInterface {
  name = 'Notifications1764097200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "notification" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "tenant" text NOT NULL,
        "round_id" uuid NOT NULL,
        "stage_key" text,
        "kind" text NOT NULL,
        "audience" text NOT NULL,
        "occurrence" text NOT NULL,
        "idempotency_key" text NOT NULL,
        "payload" jsonb NOT NULL,
        "status" text NOT NULL DEFAULT 'pending',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expanded_at" timestamptz,
        CONSTRAINT "pk_notification" PRIMARY KEY ("id"),
        CONSTRAINT "uq_notification_idempotency_key" UNIQUE ("idempotency_key"),
        CONSTRAINT "fk_notification_round" FOREIGN KEY ("round_id") REFERENCES "round" ("id"),
        CONSTRAINT "ck_notification_status" CHECK ("status" IN ('pending', 'expanded'))
      )`);
    await queryRunner.query(`CREATE INDEX "ix_notification_pending" ON "notification" ("created_at") WHERE "status" = 'pending'`);
    await queryRunner.query(`
      CREATE TABLE "delivery" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "tenant" text NOT NULL,
        "notification_id" uuid NOT NULL,
        "channel" text NOT NULL,
        "recipient" text NOT NULL,
        "address" text,
        "locale" text NOT NULL DEFAULT 'de',
        "idempotency_key" text NOT NULL,
        "message_id" text NOT NULL,
        "subject" text NOT NULL,
        "body_text" text NOT NULL,
        "body_html" text NOT NULL,
        "ics" text,
        "status" text NOT NULL DEFAULT 'pending',
        "attempts" integer NOT NULL DEFAULT 0,
        "next_attempt_at" timestamptz NOT NULL DEFAULT now(),
        "last_error" text,
        "sent_at" timestamptz,
        "read_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_delivery" PRIMARY KEY ("id"),
        CONSTRAINT "uq_delivery_idempotency_key" UNIQUE ("idempotency_key"),
        CONSTRAINT "fk_delivery_notification" FOREIGN KEY ("notification_id") REFERENCES "notification" ("id"),
        CONSTRAINT "ck_delivery_channel" CHECK ("channel" IN ('email', 'inbox', 'webhook')),
        CONSTRAINT "ck_delivery_status" CHECK ("status" IN ('pending', 'sending', 'sent', 'failed'))
      )`);
    await queryRunner.query(`CREATE INDEX "ix_delivery_due" ON "delivery" ("next_attempt_at") WHERE "status" IN ('pending', 'sending')`);
    await queryRunner.query(`CREATE INDEX "ix_delivery_inbox" ON "delivery" ("tenant", "recipient", "created_at") WHERE "channel" = 'inbox'`);
    await queryRunner.query(`
      CREATE TABLE "delivery_attempt" (
        "id" bigint GENERATED ALWAYS AS IDENTITY,
        "delivery_id" uuid NOT NULL,
        "attempted_at" timestamptz NOT NULL DEFAULT now(),
        "outcome" text NOT NULL,
        "error" text,
        CONSTRAINT "pk_delivery_attempt" PRIMARY KEY ("id"),
        CONSTRAINT "fk_delivery_attempt_delivery" FOREIGN KEY ("delivery_id") REFERENCES "delivery" ("id"),
        CONSTRAINT "ck_delivery_attempt_outcome" CHECK ("outcome" IN ('sent', 'error'))
      )`);
    await queryRunner.query(`
      CREATE TABLE "local_mailbox" (
        "id" bigint GENERATED ALWAYS AS IDENTITY,
        "tenant" text NOT NULL,
        "message_id" text NOT NULL,
        "recipient" text NOT NULL,
        "subject" text NOT NULL,
        "body_text" text NOT NULL,
        "body_html" text NOT NULL,
        "ics" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_local_mailbox" PRIMARY KEY ("id"),
        CONSTRAINT "uq_local_mailbox_message_id" UNIQUE ("message_id")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "local_mailbox"`);
    await queryRunner.query(`DROP TABLE "delivery_attempt"`);
    await queryRunner.query(`DROP TABLE "delivery"`);
    await queryRunner.query(`DROP TABLE "notification"`);
  }
}
