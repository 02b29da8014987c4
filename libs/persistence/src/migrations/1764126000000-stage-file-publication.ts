import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A stage file can be published: then the public consultation page shows and serves it (the draft
 * the citizens comment on). `published_at`/`published_by` say when and by whom; both are null
 * while the file is staff-only (every file starts so). Publishing and withdrawing are audited in
 * the round's chain.
 */
export class StageFilePublication1764126000000 implements MigrationInterface {
  name = 'StageFilePublication1764126000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "stage_file" ADD COLUMN "published_at" timestamptz, ADD COLUMN "published_by" text`);
    await queryRunner.query(
      `ALTER TABLE "stage_file" ADD CONSTRAINT "ck_stage_file_published" CHECK (("published_at" IS NULL) = ("published_by" IS NULL))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_stage_file_published" ON "stage_file" ("tenant", "round_id") WHERE "published_at" IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_stage_file_published"`);
    await queryRunner.query(`ALTER TABLE "stage_file" DROP CONSTRAINT "ck_stage_file_published"`);
    await queryRunner.query(`ALTER TABLE "stage_file" DROP COLUMN "published_by", DROP COLUMN "published_at"`);
  }
}
