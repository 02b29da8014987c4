import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Documents attached to the stages of a round, stored with their SHA-512. */
export class StageFiles1764090000000 implements MigrationInterface {
  name = 'StageFiles1764090000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "stage_file" (
        "id" uuid NOT NULL,
        "tenant" text NOT NULL,
        "round_id" uuid NOT NULL,
        "stage_key" text NOT NULL,
        "name" text NOT NULL,
        "media_type" text NOT NULL,
        "size" integer NOT NULL,
        "sha512" text NOT NULL,
        "content" bytea NOT NULL,
        "created_by" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_stage_file" PRIMARY KEY ("id"),
        CONSTRAINT "fk_stage_file_round" FOREIGN KEY ("round_id") REFERENCES "round" ("id"),
        CONSTRAINT "ck_stage_file_size" CHECK ("size" >= 0 AND "size" = octet_length("content")),
        CONSTRAINT "ck_stage_file_sha512" CHECK ("sha512" ~ '^[0-9a-f]{128}$')
      )`);
    await queryRunner.query(`CREATE INDEX "ix_stage_file_round" ON "stage_file" ("tenant", "round_id", "stage_key")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "stage_file"`);
  }
}
