import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which directory row an imported OParl object became: one row per object URL and tenant, with
 * the hash of the fields imported, so that an import run twice changes nothing.
 */
export class OparlImport1764093600000 implements MigrationInterface {
  name = 'OparlImport1764093600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "oparl_import_ref" (
        "tenant" text NOT NULL,
        "oparl_id" text NOT NULL,
        "kind" text NOT NULL,
        "local_id" uuid NOT NULL,
        "content_hash" text NOT NULL,
        "imported_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_oparl_import_ref" PRIMARY KEY ("tenant", "oparl_id"),
        CONSTRAINT "uq_oparl_import_ref_local" UNIQUE ("tenant", "kind", "local_id"),
        CONSTRAINT "fk_oparl_import_ref_tenant" FOREIGN KEY ("tenant") REFERENCES "tenant" ("key"),
        CONSTRAINT "ck_oparl_import_ref_kind" CHECK ("kind" IN ('organization', 'person', 'membership', 'meeting')),
        CONSTRAINT "ck_oparl_import_ref_oparl_id" CHECK ("oparl_id" ~ '^https?://'),
        CONSTRAINT "ck_oparl_import_ref_content_hash" CHECK ("content_hash" ~ '^[0-9a-f]{64}$')
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "oparl_import_ref"`);
  }
}
