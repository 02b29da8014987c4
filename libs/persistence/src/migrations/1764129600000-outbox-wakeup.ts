import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications written wake the dispatchers at once: a statement that inserts notification rows
 * NOTIFYs the channel `ratsweg_outbox` on commit (once per statement and transaction, never for a
 * statement that inserted nothing). Dispatchers LISTEN on it and still poll as before, so a
 * wake-up that is lost (a dropped connection) delays a reminder by at most the poll interval.
 */
export class OutboxWakeup1764129600000 implements MigrationInterface {
  name = 'OutboxWakeup1764129600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE FUNCTION "notify_outbox"() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF EXISTS (SELECT 1 FROM "inserted") THEN PERFORM pg_notify('ratsweg_outbox', ''); END IF;
         RETURN NULL;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "tr_notification_wakeup" AFTER INSERT ON "notification"
       REFERENCING NEW TABLE AS "inserted" FOR EACH STATEMENT EXECUTE FUNCTION "notify_outbox"()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "tr_notification_wakeup" ON "notification"`);
    await queryRunner.query(`DROP FUNCTION "notify_outbox"()`);
  }
}
