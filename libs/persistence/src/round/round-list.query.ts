import type { DataSource } from 'typeorm';
import type { RoundEntity } from './round.entity.js';

export const ROUND_SORT_FIELDS = ['createdAt', 'updatedAt', 'title', 'nextDeadlineAt'] as const;
export type RoundSortField = (typeof ROUND_SORT_FIELDS)[number];

/** What a list shows of a round: its stages (for the open ones) and dates, not its meetings, parameters or rules. */
export type RoundSummaryRow = Pick<
  RoundEntity,
  'id' | 'title' | 'templateKey' | 'templateVersion' | 'status' | 'result' | 'stages' | 'nextDeadlineAt' | 'nextReminderAt' | 'createdAt' | 'updatedAt'
>;

/** The columns of a summary, named as the row's properties: the rows need no mapping. */
const SUMMARY_COLUMNS = `r."id", r."title", r."template_key" AS "templateKey", r."template_version" AS "templateVersion", r."status", r."result",
    r."stages", r."next_deadline_at" AS "nextDeadlineAt", r."next_reminder_at" AS "nextReminderAt", r."created_at" AS "createdAt", r."updated_at" AS "updatedAt"`;

export interface RoundListQuery {
  tenant: string;
  status?: RoundEntity['status'][];
  template?: string;
  /** Rounds with an open stage of this body: what awaits the body. */
  body?: string;
  /** Rounds in which this stage is open. */
  stage?: string;
  overdue?: boolean;
  /** Words to find in the title. */
  q?: string;
  sort: RoundSortField;
  descending: boolean;
  limit: number;
  /** From the previous page: where it ended. */
  after?: { value: string | null; id: string };
  now: Date;
}

const SORT_COLUMNS: Record<RoundSortField, { column: string; kind: 'timestamp' | 'text' }> = {
  createdAt: { column: 'r."created_at"', kind: 'timestamp' },
  updatedAt: { column: 'r."updated_at"', kind: 'timestamp' },
  title: { column: 'lower(r."title")', kind: 'text' },
  nextDeadlineAt: { column: `COALESCE(r."next_deadline_at", 'infinity'::timestamptz)`, kind: 'timestamp' },
};

/**
 * The statement of one page (with one row more than the page, to tell whether another follows).
 * On its own so that the benchmark can time the very same statement through `pg` (P7).
 */
export function roundListStatement(query: RoundListQuery): { sql: string; params: unknown[] } {
  const sort = SORT_COLUMNS[query.sort];
  const where: string[] = ['r."tenant" = $1'];
  const params: unknown[] = [query.tenant];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  if (query.status?.length) where.push(`r."status" = ANY(${param(query.status)})`);
  if (query.template) where.push(`r."template_key" = ${param(query.template)}`);
  if (query.body) where.push(`r."open_stage_bodies" @> ARRAY[${param(query.body)}]::text[]`);
  if (query.stage) where.push(`r."open_stage_keys" @> ARRAY[${param(query.stage)}]::text[]`);
  if (query.overdue === true) where.push(`r."status" = 'running' AND r."next_deadline_at" < ${param(query.now)}`);
  if (query.overdue === false) where.push(`NOT (r."status" = 'running' AND r."next_deadline_at" IS NOT NULL AND r."next_deadline_at" < ${param(query.now)})`);
  if (query.q) {
    for (const word of query.q.split(/\s+/).filter(Boolean).slice(0, 5)) {
      where.push(`r."title" ILIKE ${param(`%${word.replace(/[\\%_]/g, (character) => `\\${character}`)}%`)}`);
    }
  }
  if (query.after) {
    const comparison = query.descending ? '<' : '>';
    const value = sort.kind === 'timestamp' ? `${param(query.after.value ?? 'infinity')}::timestamptz` : param(query.after.value);
    where.push(`(${sort.column}, r."id") ${comparison} (${value}, ${param(query.after.id)}::uuid)`);
  }
  const direction = query.descending ? 'DESC' : 'ASC';
  // One query for the whole page, only the columns a summary shows, named as the row's properties.
  const sql = `SELECT ${SUMMARY_COLUMNS}, ${sort.column} AS "sortValue" FROM "round" r WHERE ${where.join(' AND ')}
    ORDER BY ${sort.column} ${direction}, r."id" ${direction} LIMIT ${param(query.limit + 1)}`;
  return { sql, params };
}

/**
 * One page of rounds from the read model, filtered and sorted, with keyset pagination on
 * (sort value, id), so pages stay stable while rounds are added.
 */
export async function listRounds(dataSource: DataSource, query: RoundListQuery): Promise<{ rows: RoundSummaryRow[]; last?: { value: string | null; id: string } }> {
  const { sql, params } = roundListStatement(query);
  const page = (await dataSource.query(sql, params)) as (RoundSummaryRow & { sortValue?: Date | string | null })[];
  const more = page.length > query.limit;
  const tail = more ? page[query.limit - 1] : undefined;
  const raw = tail?.sortValue;
  const rows: RoundSummaryRow[] = page.slice(0, query.limit);
  if (!tail) return { rows };
  const value = raw instanceof Date && Number.isFinite(raw.getTime()) ? raw.toISOString() : typeof raw === 'string' && raw !== 'infinity' ? raw : null;
  return { rows, last: { value, id: tail.id } };
}
