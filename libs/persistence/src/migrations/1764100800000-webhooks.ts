import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook subscriptions: a tenant's endpoints that receive the round changes as CloudEvents.
 * Deliveries go through the outbox (`delivery` with channel `webhook`); the secret stays here
 * and is read at send time only.
 */
export class Webhooks1764100800000 implements MigrationInterface {
  name = 'Webhooks1764100800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "webhook_subscription" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "tenant" text NOT NULL,
        "url" text NOT NULL,
        "secret" text NOT NULL,
        "event_types" text[] NOT NULL DEFAULT '{}',
        "active" boolean NOT NULL DEFAULT true,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "modified_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_webhook_subscription" PRIMARY KEY ("id"),
        CONSTRAINT "ck_webhook_subscription_url" CHECK ("url" ~* '^https?://'),
        CONSTRAINT "ck_webhook_subscription_secret" CHECK (char_length("secret") >= 32)
      )`);
    await queryRunner.query(`CREATE INDEX "ix_webhook_subscription_tenant_active" ON "webhook_subscription" ("tenant") WHERE "active"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "webhook_subscription"`);
  }
}
