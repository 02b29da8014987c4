import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What the list of rounds filters and sorts by. */
export class RoundList1764082800000 implements MigrationInterface {
  name = 'RoundList1764082800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "round" ADD "open_stage_bodies" text[] NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`
      UPDATE "round" SET "open_stage_bodies" = COALESCE(
        (SELECT array_agg(DISTINCT s->>'body') FROM jsonb_array_elements("stages") s WHERE s->>'status' = 'open' AND s->>'body' IS NOT NULL),
        '{}')`);
    await queryRunner.query(`CREATE INDEX "ix_round_tenant_created" ON "round" ("tenant", "created_at", "id")`);
    await queryRunner.query(`CREATE INDEX "ix_round_tenant_template" ON "round" ("tenant", "template_key")`);
    await queryRunner.query(`CREATE INDEX "ix_round_open_stage_keys" ON "round" USING gin ("open_stage_keys")`);
    await queryRunner.query(`CREATE INDEX "ix_round_open_stage_bodies" ON "round" USING gin ("open_stage_bodies")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_round_open_stage_bodies"`);
    await queryRunner.query(`DROP INDEX "ix_round_open_stage_keys"`);
    await queryRunner.query(`DROP INDEX "ix_round_tenant_template"`);
    await queryRunner.query(`DROP INDEX "ix_round_tenant_created"`);
    await queryRunner.query(`ALTER TABLE "round" DROP COLUMN "open_stage_bodies"`);
  }
}
