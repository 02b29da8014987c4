import type { EntityManager } from 'typeorm';

export const OPARL_IMPORT_KINDS = ['organization', 'person', 'membership', 'meeting'] as const;
export type OparlImportKind = (typeof OPARL_IMPORT_KINDS)[number];

/** A row of `oparl_import_ref`: which directory row an OParl object (by its URL) became. */
export interface OparlImportRef {
  tenant: string;
  oparlId: string;
  kind: OparlImportKind;
  localId: string;
  contentHash: string;
  importedAt: Date;
}

const COLUMNS = `"tenant", "oparl_id" AS "oparlId", "kind", "local_id" AS "localId", "content_hash" AS "contentHash", "imported_at" AS "importedAt"`;

/** `oparl_import_ref` in the caller's transaction (plain SQL: the table has no entity). */
export class OparlImportRefRepository {
  /** The reference, locked until the transaction ends. */
  async lock(manager: EntityManager, tenant: string, oparlId: string): Promise<OparlImportRef | undefined> {
    const rows = (await manager.query(`SELECT ${COLUMNS} FROM "oparl_import_ref" WHERE "tenant" = $1 AND "oparl_id" = $2 FOR UPDATE`, [
      tenant,
      oparlId,
    ])) as OparlImportRef[];
    return rows[0];
  }

  /** The local ids of the objects of one kind imported before, by their OParl URL. */
  async localIds(manager: EntityManager, tenant: string, kind: OparlImportKind): Promise<Map<string, string>> {
    const rows = (await manager.query(`SELECT "oparl_id" AS "oparlId", "local_id" AS "localId" FROM "oparl_import_ref" WHERE "tenant" = $1 AND "kind" = $2`, [
      tenant,
      kind,
    ])) as { oparlId: string; localId: string }[];
    return new Map(rows.map((row) => [row.oparlId, row.localId]));
  }

  async save(manager: EntityManager, ref: OparlImportRef): Promise<void> {
    await manager.query(
      `INSERT INTO "oparl_import_ref" ("tenant", "oparl_id", "kind", "local_id", "content_hash", "imported_at")
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ("tenant", "oparl_id") DO UPDATE
         SET "kind" = EXCLUDED."kind", "local_id" = EXCLUDED."local_id", "content_hash" = EXCLUDED."content_hash", "imported_at" = EXCLUDED."imported_at"`,
      [ref.tenant, ref.oparlId, ref.kind, ref.localId, ref.contentHash, ref.importedAt],
    );
  }
}
