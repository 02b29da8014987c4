import type { MigrationInterface, QueryRunner } from 'typeorm';
import { auditHash } from '../audit/audit-hash.util.js';

/** Hash-chains the audit trail (one chain per round, one per tenant's directory). */
export class AuditChain1764079200000 implements MigrationInterface {
  name = 'AuditChain1764079200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "audit_entry"
        ALTER COLUMN "round_id" DROP NOT NULL,
        ALTER COLUMN "seq" DROP NOT NULL,
        ALTER COLUMN "position" DROP NOT NULL,
        ADD "tenant" text,
        ADD "chain" text,
        ADD "chain_position" integer,
        ADD "subject_type" text,
        ADD "subject_id" text,
        ADD "before" jsonb,
        ADD "after" jsonb,
        ADD "idempotency_key" text,
        ADD "prev_hash" text,
        ADD "hash" text`);
    await queryRunner.query(`
      UPDATE "audit_entry" a SET
        "tenant" = r."tenant",
        "chain" = 'round:' || a."round_id",
        "subject_type" = 'round',
        "subject_id" = a."round_id"::text,
        "chain_position" = n."chain_position",
        "idempotency_key" = r."workflow_id" || ':' || a."seq" || ':' || a."position"
      FROM "round" r,
        (SELECT "id", row_number() OVER (PARTITION BY "round_id" ORDER BY "seq", "position", "id")::int AS "chain_position" FROM "audit_entry") n
      WHERE r."id" = a."round_id" AND n."id" = a."id"`);
    await queryRunner.query(`
      CREATE TABLE "audit_chain_head" (
        "chain" text NOT NULL,
        "position" integer NOT NULL,
        "hash" text,
        CONSTRAINT "pk_audit_chain_head" PRIMARY KEY ("chain")
      )`);
    // Entries written before the chain existed are chained now, in their order.
    const rows = (await queryRunner.query(
      `SELECT "id", "tenant", "chain", "chain_position", "subject_type", "subject_id", "action", "actor", "stage_key", "details", "before", "after", "occurred_at"
       FROM "audit_entry" ORDER BY "chain", "chain_position"`,
    )) as {
      id: string;
      tenant: string;
      chain: string;
      chain_position: number;
      subject_type: string;
      subject_id: string;
      action: string;
      actor: string;
      stage_key: string | null;
      details: unknown;
      before: unknown;
      after: unknown;
      occurred_at: Date;
    }[];
    const heads = new Map<string, { position: number; hash: string }>();
    for (const row of rows) {
      const prevHash = heads.get(row.chain)?.hash ?? null;
      const hash = auditHash({
        tenant: row.tenant,
        chain: row.chain,
        chainPosition: row.chain_position,
        subjectType: row.subject_type,
        subjectId: row.subject_id,
        action: row.action,
        actor: row.actor,
        stageKey: row.stage_key,
        details: row.details,
        before: row.before,
        after: row.after,
        occurredAt: new Date(row.occurred_at).toISOString(),
        prevHash,
      });
      await queryRunner.query('UPDATE "audit_entry" SET "prev_hash" = $2, "hash" = $3 WHERE "id" = $1', [row.id, prevHash, hash]);
      heads.set(row.chain, { position: row.chain_position, hash });
    }
    for (const [chain, head] of heads) {
      await queryRunner.query('INSERT INTO "audit_chain_head" ("chain", "position", "hash") VALUES ($1, $2, $3)', [chain, head.position, head.hash]);
    }
    await queryRunner.query(`
      ALTER TABLE "audit_entry"
        ALTER COLUMN "tenant" SET NOT NULL,
        ALTER COLUMN "chain" SET NOT NULL,
        ALTER COLUMN "chain_position" SET NOT NULL,
        ALTER COLUMN "subject_type" SET NOT NULL,
        ALTER COLUMN "subject_id" SET NOT NULL,
        ALTER COLUMN "hash" SET NOT NULL,
        ADD CONSTRAINT "uq_audit_entry_chain_position" UNIQUE ("chain", "chain_position"),
        ADD CONSTRAINT "uq_audit_entry_idempotency_key" UNIQUE ("idempotency_key")`);
    await queryRunner.query(`CREATE INDEX "ix_audit_entry_tenant_chain" ON "audit_entry" ("tenant", "chain", "chain_position")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "audit_entry" WHERE "round_id" IS NULL`);
    await queryRunner.query(`DROP INDEX "ix_audit_entry_tenant_chain"`);
    await queryRunner.query(`DROP TABLE "audit_chain_head"`);
    await queryRunner.query(`
      ALTER TABLE "audit_entry"
        DROP CONSTRAINT "uq_audit_entry_idempotency_key",
        DROP CONSTRAINT "uq_audit_entry_chain_position",
        DROP COLUMN "hash", DROP COLUMN "prev_hash", DROP COLUMN "idempotency_key", DROP COLUMN "after", DROP COLUMN "before",
        DROP COLUMN "subject_id", DROP COLUMN "subject_type", DROP COLUMN "chain_position", DROP COLUMN "chain", DROP COLUMN "tenant",
        ALTER COLUMN "round_id" SET NOT NULL,
        ALTER COLUMN "seq" SET NOT NULL,
        ALTER COLUMN "position" SET NOT NULL`);
  }
}
