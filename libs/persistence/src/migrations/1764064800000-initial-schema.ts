import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764064800000 implements MigrationInterface {
  name = 'InitialSchema1764064800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "round" (
        "id" uuid NOT NULL,
        "workflow_id" text NOT NULL,
        "tenant" text NOT NULL,
        "title" text NOT NULL,
        "template_key" text NOT NULL,
        "template_version" integer NOT NULL,
        "status" text NOT NULL,
        "result" text,
        "cancel_reason" text,
        "open_stage_keys" text[] NOT NULL DEFAULT '{}',
        "stages" jsonb NOT NULL,
        "seq" integer NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL,
        CONSTRAINT "pk_round" PRIMARY KEY ("id"),
        CONSTRAINT "ck_round_status" CHECK ("status" IN ('running', 'completed', 'cancelled', 'failed'))
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_round_workflow_id" ON "round" ("workflow_id")`);
    await queryRunner.query(`CREATE INDEX "ix_round_tenant_status" ON "round" ("tenant", "status", "created_at")`);
    await queryRunner.query(`
      CREATE TABLE "audit_entry" (
        "id" bigint GENERATED ALWAYS AS IDENTITY,
        "round_id" uuid NOT NULL,
        "seq" integer NOT NULL,
        "position" integer NOT NULL,
        "action" text NOT NULL,
        "actor" text NOT NULL,
        "stage_key" text,
        "details" jsonb,
        "occurred_at" timestamptz NOT NULL,
        "recorded_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_audit_entry" PRIMARY KEY ("id"),
        CONSTRAINT "uq_audit_entry_round_seq_position" UNIQUE ("round_id", "seq", "position"),
        CONSTRAINT "fk_audit_entry_round" FOREIGN KEY ("round_id") REFERENCES "round" ("id")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "audit_entry"`);
    await queryRunner.query(`DROP TABLE "round"`);
  }
}
