import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What each person wants from notifications: e-mails at once or as one daily digest, kinds
 * they do not want by e-mail (the in-app inbox always receives everything), and the secret
 * token of their personal calendar feed. `delivery.digest` marks e-mails that wait for the
 * digest: the dispatcher sends them combined, never one by one.
 */
export class NotificationPreferences1764104400000 implements MigrationInterface {
  name = 'NotificationPreferences1764104400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "notification_preference" (
        "tenant" text NOT NULL,
        "person_id" uuid NOT NULL,
        "delivery_mode" text NOT NULL DEFAULT 'immediate',
        "opted_out_kinds" text[] NOT NULL DEFAULT '{}',
        "calendar_token" text,
        "modified_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_notification_preference" PRIMARY KEY ("tenant", "person_id"),
        CONSTRAINT "uq_notification_preference_calendar_token" UNIQUE ("calendar_token"),
        CONSTRAINT "fk_notification_preference_person" FOREIGN KEY ("tenant", "person_id") REFERENCES "person" ("tenant", "id"),
        CONSTRAINT "ck_notification_preference_delivery_mode" CHECK ("delivery_mode" IN ('immediate', 'digest'))
      )`);
    await queryRunner.query(`ALTER TABLE "delivery" ADD COLUMN "digest" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`CREATE INDEX "ix_delivery_digest_due" ON "delivery" ("next_attempt_at") WHERE "digest" AND "status" IN ('pending', 'sending')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_delivery_digest_due"`);
    await queryRunner.query(`ALTER TABLE "delivery" DROP COLUMN "digest"`);
    await queryRunner.query(`DROP TABLE "notification_preference"`);
  }
}
