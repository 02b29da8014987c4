import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The council directory: the municipality (tenant), legislative terms, bodies, persons, their
 * memberships and the bodies' meetings. Every row belongs to one tenant; references between
 * rows include the tenant, so a row can never point into another tenant's directory.
 */
export class Directory1764086400000 implements MigrationInterface {
  name = 'Directory1764086400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "tenant" (
        "key" text NOT NULL,
        "name" text NOT NULL,
        "short_name" text NOT NULL,
        "ags" text NOT NULL,
        "standing_orders" jsonb NOT NULL,
        "website" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "modified_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_tenant" PRIMARY KEY ("key"),
        CONSTRAINT "ck_tenant_ags" CHECK ("ags" ~ '^[0-9]{8}$'),
        CONSTRAINT "ck_tenant_standing_orders" CHECK (jsonb_typeof("standing_orders") = 'object')
      )`);
    await queryRunner.query(`
      CREATE TABLE "legislative_term" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "tenant" text NOT NULL,
        "name" text NOT NULL,
        "start_date" date NOT NULL,
        "end_date" date NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "modified_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_legislative_term" PRIMARY KEY ("id"),
        CONSTRAINT "fk_legislative_term_tenant" FOREIGN KEY ("tenant") REFERENCES "tenant" ("key"),
        CONSTRAINT "ck_legislative_term_dates" CHECK ("end_date" >= "start_date")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_legislative_term_tenant_start" ON "legislative_term" ("tenant", "start_date", "id")`);
    await queryRunner.query(`
      CREATE TABLE "body" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "tenant" text NOT NULL,
        "key" text NOT NULL,
        "name" text NOT NULL,
        "short_name" text NOT NULL,
        "classification" text NOT NULL,
        "start_date" date NOT NULL,
        "end_date" date,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "modified_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_body" PRIMARY KEY ("id"),
        CONSTRAINT "uq_body_tenant_key" UNIQUE ("tenant", "key"),
        CONSTRAINT "uq_body_tenant_id" UNIQUE ("tenant", "id"),
        CONSTRAINT "fk_body_tenant" FOREIGN KEY ("tenant") REFERENCES "tenant" ("key"),
        CONSTRAINT "ck_body_key" CHECK ("key" ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
        CONSTRAINT "ck_body_classification" CHECK (
          "classification" IN ('council', 'committee', 'working_group', 'advisory_board', 'administrative_board', 'department')),
        CONSTRAINT "ck_body_dates" CHECK ("end_date" IS NULL OR "end_date" >= "start_date")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_body_tenant_name" ON "body" ("tenant", "name", "id")`);
    await queryRunner.query(`
      CREATE TABLE "person" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "tenant" text NOT NULL,
        "given_name" text NOT NULL,
        "family_name" text NOT NULL,
        "form_of_address" text,
        "title" text,
        "email" text,
        "locale" text NOT NULL DEFAULT 'de',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "modified_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_person" PRIMARY KEY ("id"),
        CONSTRAINT "uq_person_tenant_id" UNIQUE ("tenant", "id"),
        CONSTRAINT "fk_person_tenant" FOREIGN KEY ("tenant") REFERENCES "tenant" ("key"),
        CONSTRAINT "ck_person_locale" CHECK ("locale" IN ('de', 'en'))
      )`);
    await queryRunner.query(`CREATE INDEX "ix_person_tenant_name" ON "person" ("tenant", "family_name", "given_name", "id")`);
    await queryRunner.query(`
      CREATE TABLE "membership" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "tenant" text NOT NULL,
        "person_id" uuid NOT NULL,
        "body_id" uuid NOT NULL,
        "role" text NOT NULL,
        "voting_right" boolean NOT NULL DEFAULT true,
        "start_date" date NOT NULL,
        "end_date" date,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "modified_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_membership" PRIMARY KEY ("id"),
        CONSTRAINT "fk_membership_tenant" FOREIGN KEY ("tenant") REFERENCES "tenant" ("key"),
        CONSTRAINT "fk_membership_person" FOREIGN KEY ("tenant", "person_id") REFERENCES "person" ("tenant", "id"),
        CONSTRAINT "fk_membership_body" FOREIGN KEY ("tenant", "body_id") REFERENCES "body" ("tenant", "id"),
        CONSTRAINT "ck_membership_role" CHECK ("role" IN ('chair', 'deputy_chair', 'member', 'secretary')),
        CONSTRAINT "ck_membership_dates" CHECK ("end_date" IS NULL OR "end_date" >= "start_date")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_membership_tenant_start" ON "membership" ("tenant", "start_date", "id")`);
    await queryRunner.query(`CREATE INDEX "ix_membership_tenant_body" ON "membership" ("tenant", "body_id", "start_date")`);
    await queryRunner.query(`CREATE INDEX "ix_membership_tenant_person" ON "membership" ("tenant", "person_id", "start_date")`);
    await queryRunner.query(`
      CREATE TABLE "meeting" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "tenant" text NOT NULL,
        "body_id" uuid NOT NULL,
        "name" text NOT NULL,
        "start" timestamptz NOT NULL,
        "end" timestamptz,
        "location" text,
        "state" text NOT NULL DEFAULT 'scheduled',
        "round_id" uuid,
        "meeting_key" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "modified_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_meeting" PRIMARY KEY ("id"),
        CONSTRAINT "uq_meeting_tenant_id" UNIQUE ("tenant", "id"),
        CONSTRAINT "fk_meeting_tenant" FOREIGN KEY ("tenant") REFERENCES "tenant" ("key"),
        CONSTRAINT "fk_meeting_body" FOREIGN KEY ("tenant", "body_id") REFERENCES "body" ("tenant", "id"),
        CONSTRAINT "fk_meeting_round" FOREIGN KEY ("round_id") REFERENCES "round" ("id"),
        CONSTRAINT "ck_meeting_state" CHECK ("state" IN ('scheduled', 'invited', 'held', 'cancelled')),
        CONSTRAINT "ck_meeting_dates" CHECK ("end" IS NULL OR "end" >= "start"),
        CONSTRAINT "ck_meeting_round_link" CHECK (("round_id" IS NULL) = ("meeting_key" IS NULL))
      )`);
    await queryRunner.query(`CREATE INDEX "ix_meeting_tenant_start" ON "meeting" ("tenant", "start", "id")`);
    await queryRunner.query(`CREATE INDEX "ix_meeting_round" ON "meeting" ("round_id", "meeting_key") WHERE "round_id" IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "meeting"`);
    await queryRunner.query(`DROP TABLE "membership"`);
    await queryRunner.query(`DROP TABLE "person"`);
    await queryRunner.query(`DROP TABLE "body"`);
    await queryRunner.query(`DROP TABLE "legislative_term"`);
    await queryRunner.query(`DROP TABLE "tenant"`);
  }
}
