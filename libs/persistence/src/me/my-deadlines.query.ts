import type { LocalizedText } from '@ratsweg/domain';
import type { DataSource } from 'typeorm';

export interface MyDeadlineListQuery {
  tenant: string;
  personId: string;
  /** Only deadlines before this instant. */
  before?: Date;
  /** Only deadlines that have passed (true) or not yet (false), measured at `now`. */
  overdue?: boolean;
  now: Date;
  limit: number;
  /** From the previous page: the (deadline, round, stage) it ended with. */
  after?: { deadlineAt: string; roundId: string; stageKey: string };
}

export interface MyDeadlineRow {
  roundId: string;
  roundTitle: string;
  stageKey: string;
  stageTitle: LocalizedText;
  body: string;
  deadlineAt: Date;
  /** The exact deadline as PostgreSQL prints it, for the next page's cursor. */
  sortKey: string;
  nextReminderAt: Date | null;
  /** The person's role in the body (the leading one when they hold several). */
  role: string;
}

/**
 * The deadlines that concern a person, from the read model: open stages with a deadline of
 * running rounds, whose responsible body the person is a member of today (Europe/Berlin, as for
 * notifications). Sorted by deadline, then round and stage, with keyset pagination on that triple.
 */
export async function listMyDeadlines(dataSource: DataSource, query: MyDeadlineListQuery): Promise<MyDeadlineRow[]> {
  const params: unknown[] = [query.tenant, query.personId];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (query.before) where.push(`"deadlineAt" < ${param(query.before)}::timestamptz`);
  if (query.overdue === true) where.push(`"deadlineAt" < ${param(query.now)}::timestamptz`);
  if (query.overdue === false) where.push(`"deadlineAt" >= ${param(query.now)}::timestamptz`);
  if (query.after) {
    where.push(
      `("deadlineAt", "roundId", "stageKey") > (${param(query.after.deadlineAt)}::timestamptz, ${param(query.after.roundId)}::uuid, ${param(query.after.stageKey)}::text)`,
    );
  }
  const sql = `
    WITH "mine" AS (
      SELECT DISTINCT ON (b."key") b."key" AS "bodyKey", m."role"
      FROM "membership" m JOIN "body" b ON b."tenant" = m."tenant" AND b."id" = m."body_id"
      WHERE m."tenant" = $1 AND m."person_id" = $2
        AND m."start_date" <= (now() AT TIME ZONE 'Europe/Berlin')::date
        AND (m."end_date" IS NULL OR m."end_date" >= (now() AT TIME ZONE 'Europe/Berlin')::date)
      ORDER BY b."key", CASE m."role" WHEN 'chair' THEN 0 WHEN 'deputy_chair' THEN 1 WHEN 'secretary' THEN 2 ELSE 3 END
    ), "item" AS (
      SELECT r."id" AS "roundId", r."title" AS "roundTitle", s."value"->>'key' AS "stageKey", s."value"->'title' AS "stageTitle",
             s."value"->>'body' AS "body", (s."value"->'deadline'->>'at')::timestamptz AS "deadlineAt", "mine"."role",
             (SELECT min((reminder->>'at')::timestamptz) FROM jsonb_array_elements(COALESCE(s."value"->'reminders', '[]'::jsonb)) reminder
              WHERE reminder->>'sentAt' IS NULL) AS "nextReminderAt"
      FROM "round" r
      CROSS JOIN LATERAL jsonb_array_elements(r."stages") s
      JOIN "mine" ON "mine"."bodyKey" = s."value"->>'body'
      WHERE r."tenant" = $1 AND r."status" = 'running'
        AND r."open_stage_bodies" && ARRAY(SELECT "bodyKey" FROM "mine")
        AND s."value"->>'status' = 'open' AND s."value"->'deadline'->>'at' IS NOT NULL
    )
    SELECT "roundId", "roundTitle", "stageKey", "stageTitle", "body", "deadlineAt", "deadlineAt"::text AS "sortKey", "nextReminderAt", "role"
    FROM "item" ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY "deadlineAt", "roundId", "stageKey"
    LIMIT ${param(query.limit)}`;
  return (await dataSource.query(sql, params)) as MyDeadlineRow[];
}
