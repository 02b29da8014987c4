import { createHash } from 'node:crypto';
import { isUuid } from '@ratsweg/domain';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditRepository, roundChain } from '../audit/audit.repository.js';

/** A public comment as stored; `authorEmail` never leaves the API except in the staff's CSV export. */
export interface PublicCommentRow {
  id: string;
  tenant: string;
  roundId: string;
  stageKey: string;
  body: string;
  authorName: string | null;
  authorEmail: string | null;
  locale: 'de' | 'en';
  createdAt: Date;
  hiddenAt: Date | null;
  /** `user:<id>` of the moderator. */
  hiddenBy: string | null;
  hiddenReason: string | null;
  personalDataErasedAt: Date | null;
  /** The exact `created_at` (microseconds) as text, for the next page's cursor. */
  sortKey: string;
}

export interface NewPublicComment {
  tenant: string;
  roundId: string;
  /** The public consultation stage the comment is about; it must be open when the comment is stored. */
  stageKey: string;
  body: string;
  authorName?: string;
  /** Lower-cased. */
  authorEmail?: string;
  locale: 'de' | 'en';
}

export interface CommentCounts {
  visible: number;
  hidden: number;
}

export interface CommentListOptions {
  /** Hidden comments too (staff only). */
  includeHidden: boolean;
  limit: number;
  /** The (sortKey, id) of the previous page's last comment. */
  after?: { sortKey: string; id: string };
}

export interface CommentModeration {
  tenant: string;
  roundId: string;
  id: string;
  actor: string;
  reason: string;
}

export type HideResult = { status: 'hidden'; comment: PublicCommentRow } | { status: 'already-hidden' } | { status: 'not-found' };

const COLUMNS = `"id", "tenant", "round_id" AS "roundId", "stage_key" AS "stageKey", "body", "author_name" AS "authorName", "author_email" AS "authorEmail",
  "locale", "created_at" AS "createdAt", "hidden_at" AS "hiddenAt", "hidden_by" AS "hiddenBy", "hidden_reason" AS "hiddenReason",
  "personal_data_erased_at" AS "personalDataErasedAt", "created_at"::text AS "sortKey"`;

/**
 * Public comments on rounds. They live only here, never in workflow histories, so that a
 * commenter's name and e-mail address can be erased on request.
 */
export class CommentRepository {
  private readonly audit: AuditRepository;

  constructor(private readonly dataSource: DataSource) {
    this.audit = new AuditRepository(dataSource);
  }

  /**
   * How many comments a stage received, visible and hidden; called inside the recording
   * transaction that closes a public consultation (so the count goes into the notification).
   */
  static async countFor(manager: EntityManager, tenant: string, roundId: string, stageKey: string): Promise<CommentCounts> {
    const [row] = (await manager.query(
      `SELECT count(*) FILTER (WHERE "hidden_at" IS NULL)::int AS "visible", count(*) FILTER (WHERE "hidden_at" IS NOT NULL)::int AS "hidden"
       FROM "public_comment" WHERE "tenant" = $1 AND "round_id" = $2 AND "stage_key" = $3`,
      [tenant, roundId, stageKey],
    )) as CommentCounts[];
    return { visible: row?.visible ?? 0, hidden: row?.hidden ?? 0 };
  }

  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Stores a comment if the stage is still an open public consultation whose deadline has not
   * passed; null otherwise. The round's row is share-locked meanwhile: a recording that closes
   * the stage either waits for this comment (and counts it) or has closed it before (and the
   * comment is refused) — no comment slips in unnoticed at the close.
   */
  async create(comment: NewPublicComment): Promise<PublicCommentRow | null> {
    return this.dataSource.transaction(async (manager) => {
      const open = (await manager.query(
        `SELECT 1 FROM "round" r
         WHERE r."tenant" = $1 AND r."id" = $2 AND r."status" = 'running'
           AND EXISTS (
             SELECT 1 FROM jsonb_array_elements(r."stages") s
             WHERE s->>'key' = $3 AND s->>'type' = 'public_consultation' AND s->>'status' = 'open'
               AND (s->'deadline'->>'at' IS NULL OR (s->'deadline'->>'at')::timestamptz > now()))
         FOR SHARE`,
        [comment.tenant, comment.roundId, comment.stageKey],
      )) as unknown[];
      if (open.length === 0) return null;
      const [row] = rowsOf(
        await manager.query(
          `INSERT INTO "public_comment" ("tenant", "round_id", "stage_key", "body", "author_name", "author_email", "locale")
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
          [comment.tenant, comment.roundId, comment.stageKey, comment.body, comment.authorName ?? null, comment.authorEmail?.toLowerCase() ?? null, comment.locale],
        ),
      );
      return row ?? null;
    });
  }

  /** A round's comments, oldest first, one page at a time. */
  async list(tenant: string, roundId: string, options: CommentListOptions): Promise<PublicCommentRow[]> {
    if (!isUuid(roundId)) return [];
    return (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM "public_comment"
       WHERE "tenant" = $1 AND "round_id" = $2 AND ($3::boolean OR "hidden_at" IS NULL)
         AND ($5::timestamptz IS NULL OR ("created_at", "id") > ($5::timestamptz, $6::uuid))
       ORDER BY "created_at", "id" LIMIT $4`,
      [tenant, roundId, options.includeHidden, options.limit, options.after?.sortKey ?? null, options.after?.id ?? null],
    )) as PublicCommentRow[];
  }

  /**
   * Hides a comment from the public, recorded in the round's audit chain in the same
   * transaction. The entry names the comment and moderator; the reason only as a SHA-256
   * (a moderator's words may quote the commenter, and the audit trail cannot be erased).
   */
  async hide(moderation: CommentModeration): Promise<HideResult> {
    if (!isUuid(moderation.id) || !isUuid(moderation.roundId)) return { status: 'not-found' };
    return this.dataSource.transaction(async (manager) => {
      const [current] = (await manager.query(
        `SELECT ${COLUMNS} FROM "public_comment" WHERE "tenant" = $1 AND "round_id" = $2 AND "id" = $3 FOR UPDATE`,
        [moderation.tenant, moderation.roundId, moderation.id],
      )) as PublicCommentRow[];
      if (!current) return { status: 'not-found' };
      if (current.hiddenAt) return { status: 'already-hidden' };
      const [hidden] = rowsOf(
        await manager.query(
          `UPDATE "public_comment" SET "hidden_at" = now(), "hidden_by" = $4, "hidden_reason" = $5
           WHERE "tenant" = $1 AND "round_id" = $2 AND "id" = $3 RETURNING ${COLUMNS}`,
          [moderation.tenant, moderation.roundId, moderation.id, moderation.actor, moderation.reason],
        ),
      );
      if (!hidden) return { status: 'not-found' };
      await this.audit.append(manager, [
        {
          tenant: moderation.tenant,
          chain: roundChain(moderation.roundId),
          subjectType: 'public_comment',
          subjectId: hidden.id,
          roundId: moderation.roundId,
          stageKey: hidden.stageKey,
          action: 'comment.hidden',
          actor: moderation.actor,
          details: { comment: hidden.id, reasonSha256: createHash('sha256').update(moderation.reason).digest('hex') },
          occurredAt: new Date(hidden.hiddenAt as Date),
        },
      ]);
      return { status: 'hidden', comment: hidden };
    });
  }

  /** Every comment of a round, hidden ones too, oldest first: the rows of the staff's export. */
  async exportRows(tenant: string, roundId: string): Promise<PublicCommentRow[]> {
    if (!isUuid(roundId)) return [];
    return (await this.dataSource.query(`SELECT ${COLUMNS} FROM "public_comment" WHERE "tenant" = $1 AND "round_id" = $2 ORDER BY "created_at", "id"`, [
      tenant,
      roundId,
    ])) as PublicCommentRow[];
  }

  /**
   * Erases a commenter's personal data on request: name and e-mail address of every comment
   * given with `email` become NULL, the text stays. Returns the ids of the comments changed
   * (how many: its length). Runs in the caller's transaction, so the audit entry commits with it.
   */
  async erasePersonalData(manager: EntityManager, tenant: string, email: string): Promise<string[]> {
    const rows = rowsOf(
      await manager.query(
        `UPDATE "public_comment" SET "author_name" = NULL, "author_email" = NULL, "personal_data_erased_at" = now()
         WHERE "tenant" = $1 AND "author_email" = $2 RETURNING "id"`,
        [tenant, email.trim().toLowerCase()],
      ),
    ) as { id: string }[];
    return rows.map((row) => row.id).sort();
  }

  /** How many comments a stage received, visible and hidden. */
  async countByStage(tenant: string, roundId: string, stageKey: string): Promise<CommentCounts> {
    if (!isUuid(roundId)) return { visible: 0, hidden: 0 };
    return CommentRepository.countFor(this.dataSource.manager, tenant, roundId, stageKey);
  }
}

/** TypeORM answers an INSERT … RETURNING with the rows, an UPDATE … RETURNING with [rows, count]. */
function rowsOf(result: unknown): PublicCommentRow[] {
  const value = result as [PublicCommentRow[], number] | PublicCommentRow[];
  return Array.isArray(value[0]) ? (value[0] as PublicCommentRow[]) : (value as PublicCommentRow[]);
}
