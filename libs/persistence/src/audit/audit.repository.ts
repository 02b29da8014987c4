import type { DataSource, EntityManager } from 'typeorm';
import { AuditEntryEntity } from './audit-entry.entity.js';
import { auditHash, type HashedAuditFields } from './audit-hash.util.js';

export interface AuditAppend {
  tenant: string;
  /** `round:<id>` for a round's changes, `directory:<tenant>` for administrative changes of the directory. */
  chain: string;
  subjectType: string;
  subjectId: string;
  action: string;
  /** User id, `system`, or `system:<component>`; never a password or token. */
  actor: string;
  roundId?: string;
  stageKey?: string;
  details?: Record<string, unknown>;
  before?: unknown;
  after?: unknown;
  occurredAt: Date;
  /** Appending the same key twice adds nothing the second time. */
  idempotencyKey?: string;
  seq?: number;
  position?: number;
}

export interface AuditVerification {
  valid: boolean;
  entries: number;
  /** The first entry that does not match its chain, with the reason. */
  firstBroken?: { position: number; id: string | null; reason: string };
}

export function roundChain(roundId: string): string {
  return `round:${roundId}`;
}

export function directoryChain(tenant: string): string {
  return `directory:${tenant}`;
}

/** Appends to and verifies the hash-chained audit trail. */
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Appends entries to their chains inside the caller's transaction, in the order given. Each
   * chain's head row is locked first, so concurrent appends to one chain line up one after the
   * other; entries whose idempotency key is already in the trail are skipped (checked under that
   * lock, so a retry running beside its first attempt cannot slip in twice). Three statements per
   * chain, however many entries: lock the head, find known keys, insert the entries and move the
   * head in one; two on a chain that has no entries yet (a round's first recording), which has no
   * keys to find.
   */
  async append(manager: EntityManager, entries: AuditAppend[]): Promise<void> {
    const chains = new Map<string, AuditAppend[]>();
    for (const entry of entries) {
      const chainEntries = chains.get(entry.chain);
      if (chainEntries) chainEntries.push(entry);
      else chains.set(entry.chain, [entry]);
    }
    for (const [chain, chainEntries] of chains) await this.appendToChain(manager, chain, chainEntries);
  }

  private async appendToChain(manager: EntityManager, chain: string, entries: AuditAppend[]): Promise<void> {
    // Creates the head of a new chain, or locks the existing one, and reads it: one statement.
    const [head] = (await manager.query(
      `INSERT INTO "audit_chain_head" AS h ("chain", "position", "hash") VALUES ($1, 0, NULL)
       ON CONFLICT ("chain") DO UPDATE SET "position" = h."position" RETURNING "position", "hash"`,
      [chain],
    )) as { position: number; hash: string | null }[];
    const keys = entries.flatMap((entry) => (entry.idempotencyKey ? [entry.idempotencyKey] : []));
    // Read under the head's lock: at position 0 the chain has no entries (an append that ran beside
    // this one has either committed and moved the head, or rolled back and left nothing).
    const known = new Set(
      keys.length === 0 || (head?.position ?? 0) === 0
        ? []
        : ((await manager.query('SELECT "idempotency_key" AS "key" FROM "audit_entry" WHERE "idempotency_key" = ANY($1)', [keys])) as { key: string }[]).map(
            (row) => row.key,
          ),
    );
    let position = head?.position ?? 0;
    let prevHash = head?.hash ?? null;
    const rows: Record<string, unknown>[] = [];
    for (const entry of entries) {
      if (entry.idempotencyKey && known.has(entry.idempotencyKey)) continue;
      // The same key twice in one call is one entry.
      if (entry.idempotencyKey) known.add(entry.idempotencyKey);
      position += 1;
      const fields: HashedAuditFields = {
        tenant: entry.tenant,
        chain,
        chainPosition: position,
        subjectType: entry.subjectType,
        subjectId: entry.subjectId,
        action: entry.action,
        actor: entry.actor,
        stageKey: entry.stageKey ?? null,
        details: entry.details ?? null,
        before: entry.before ?? null,
        after: entry.after ?? null,
        occurredAt: entry.occurredAt.toISOString(),
        prevHash,
      };
      const hash = auditHash(fields);
      rows.push({
        tenant: fields.tenant,
        chain,
        chain_position: position,
        round_id: entry.roundId ?? null,
        subject_type: fields.subjectType,
        subject_id: fields.subjectId,
        seq: entry.seq ?? null,
        position: entry.position ?? null,
        action: fields.action,
        actor: fields.actor,
        stage_key: fields.stageKey,
        details: fields.details,
        before: fields.before,
        after: fields.after,
        occurred_at: fields.occurredAt,
        idempotency_key: entry.idempotencyKey ?? null,
        prev_hash: fields.prevHash,
        hash,
      });
      prevHash = hash;
    }
    if (rows.length === 0) return;
    // All entries in one statement with one parameter, as the outbox writes its deliveries, and the
    // head moved by the same statement (a data-modifying WITH runs to completion, read or not).
    await manager.query(
      `WITH "appended" AS (INSERT INTO "audit_entry" ("tenant", "chain", "chain_position", "round_id", "subject_type", "subject_id", "seq", "position",
         "action", "actor", "stage_key", "details", "before", "after", "occurred_at", "idempotency_key", "prev_hash", "hash")
       SELECT e."tenant", e."chain", e."chain_position", e."round_id", e."subject_type", e."subject_id", e."seq", e."position",
         e."action", e."actor", e."stage_key", e."details", e."before", e."after", e."occurred_at", e."idempotency_key", e."prev_hash", e."hash"
       FROM jsonb_to_recordset($1::jsonb) AS e("tenant" text, "chain" text, "chain_position" integer, "round_id" uuid, "subject_type" text,
         "subject_id" text, "seq" integer, "position" integer, "action" text, "actor" text, "stage_key" text, "details" jsonb, "before" jsonb,
         "after" jsonb, "occurred_at" timestamptz, "idempotency_key" text, "prev_hash" text, "hash" text)
       ORDER BY e."chain_position")
       UPDATE "audit_chain_head" SET "position" = $3, "hash" = $4 WHERE "chain" = $2`,
      [JSON.stringify(rows), chain, position, prevHash],
    );
  }

  /** Appends in a transaction of its own. */
  async appendNow(entries: AuditAppend[]): Promise<void> {
    await this.dataSource.transaction((manager) => this.append(manager, entries));
  }

  async list(tenant: string, chain: string): Promise<AuditEntryEntity[]> {
    return this.dataSource.getRepository(AuditEntryEntity).find({ where: { tenant, chain }, order: { chainPosition: 'ASC' } });
  }

  /**
   * One page of a chain, by position, after `afterPosition`; `actions`: only these actions,
   * `stageKey`: only entries of this stage, `since`: only entries that occurred then or later.
   */
  async listPage(
    tenant: string,
    chain: string,
    options: { actions?: readonly string[]; stageKey?: string; since?: Date; afterPosition?: number; limit: number },
  ): Promise<AuditEntryEntity[]> {
    const query = this.dataSource
      .getRepository(AuditEntryEntity)
      .createQueryBuilder('e')
      .where('e.tenant = :tenant AND e.chain = :chain', { tenant, chain });
    if (options.actions) query.andWhere('e.action IN (:...actions)', { actions: [...options.actions] });
    if (options.stageKey !== undefined) query.andWhere('e.stageKey = :stageKey', { stageKey: options.stageKey });
    if (options.since) query.andWhere('e.occurredAt >= :since', { since: options.since });
    if (options.afterPosition !== undefined) query.andWhere('e.chainPosition > :after', { after: options.afterPosition });
    return query.orderBy('e.chainPosition', 'ASC').limit(options.limit).getMany();
  }

  /** Recomputes the chain: any edited, inserted or deleted entry breaks it at that point. */
  async verify(tenant: string, chain: string): Promise<AuditVerification> {
    // One snapshot for entries and chain head: an append committing in between is no break.
    const { entries, head } = await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const rows = await manager.getRepository(AuditEntryEntity).find({ where: { tenant, chain }, order: { chainPosition: 'ASC' } });
      const [last] = (await manager.query('SELECT "position", "hash" FROM "audit_chain_head" WHERE "chain" = $1', [chain])) as {
        position: number;
        hash: string | null;
      }[];
      return { entries: rows, head: last };
    });
    let previous: string | null = null;
    for (const [index, entry] of entries.entries()) {
      const broken = (reason: string): AuditVerification => ({
        valid: false,
        entries: entries.length,
        firstBroken: { position: index + 1, id: entry.id, reason },
      });
      if (entry.chainPosition !== index + 1) return broken(`entry ${index + 1} is missing (found position ${entry.chainPosition})`);
      if (entry.prevHash !== previous) return broken('does not point to the hash of the entry before it');
      const expected = auditHash({
        tenant: entry.tenant,
        chain: entry.chain,
        chainPosition: entry.chainPosition,
        subjectType: entry.subjectType,
        subjectId: entry.subjectId,
        action: entry.action,
        actor: entry.actor,
        stageKey: entry.stageKey,
        details: entry.details,
        before: entry.before,
        after: entry.after,
        occurredAt: entry.occurredAt.toISOString(),
        prevHash: entry.prevHash,
      });
      if (expected !== entry.hash) return broken('its content does not match its hash (changed after it was written)');
      previous = entry.hash;
    }
    const headPosition = head?.position ?? 0;
    if (headPosition !== entries.length || (head?.hash ?? null) !== previous) {
      return {
        valid: false,
        entries: entries.length,
        firstBroken: { position: entries.length + 1, id: null, reason: `the chain ended at entry ${headPosition}; later entries are missing` },
      };
    }
    return { valid: true, entries: entries.length };
  }
}
