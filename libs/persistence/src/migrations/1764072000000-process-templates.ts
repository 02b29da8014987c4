import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ProcessTemplates1764072000000 implements MigrationInterface {
  name = 'ProcessTemplates1764072000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "process_template" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "tenant" text NOT NULL,
        "key" text NOT NULL,
        "version" integer NOT NULL,
        "definition" jsonb NOT NULL,
        "created_by" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_process_template" PRIMARY KEY ("id"),
        CONSTRAINT "uq_process_template_tenant_key_version" UNIQUE ("tenant", "key", "version"),
        CONSTRAINT "ck_process_template_version" CHECK ("version" > 0)
      )`);
    await queryRunner.query(`ALTER TABLE "round" ADD "next_reminder_at" timestamptz`);
    await queryRunner.query(`ALTER TABLE "round" ADD "next_deadline_at" timestamptz`);
    await queryRunner.query(`ALTER TABLE "round" ADD "meetings" jsonb NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE "round" ADD "parameters" jsonb NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE "round" ADD "standing_orders" jsonb`);
    await queryRunner.query(`CREATE INDEX "ix_round_tenant_next_deadline" ON "round" ("tenant", "next_deadline_at") WHERE "status" = 'running'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_round_tenant_next_deadline"`);
    await queryRunner.query(`ALTER TABLE "round" DROP COLUMN "standing_orders"`);
    await queryRunner.query(`ALTER TABLE "round" DROP COLUMN "parameters"`);
    await queryRunner.query(`ALTER TABLE "round" DROP COLUMN "meetings"`);
    await queryRunner.query(`ALTER TABLE "round" DROP COLUMN "next_deadline_at"`);
    await queryRunner.query(`ALTER TABLE "round" DROP COLUMN "next_reminder_at"`);
    await queryRunner.query(`DROP TABLE "process_template"`);
  }
}
