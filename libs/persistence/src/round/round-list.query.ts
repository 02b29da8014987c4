import type { RoundStatus } from '@ratsweg/domain';
import type { DataSource } from 'typeorm';
import { RoundEntity } from './round.entity.js';

export const ROUND_SORT_FIELDS = ['createdAt', 'updatedAt', 'title', 'nextDeadlineAt'] as const;
export type RoundSortField = (typeof ROUND_SORT_FIELDS)[number];

export interface RoundListQuery {
  tenant: string;
  status?: RoundStatus[];
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
 * One page of rounds from the read model, filtered and sorted, with keyset pagination on
 * (sort value, id), so pages stay stable while rounds are added.
 */
export async function listRounds(dataSource: DataSource, query: RoundListQuery): Promise<{ rows: RoundEntity[]; last?: { value: string | null; id: string } }> {
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
  // One query for the whole page: the rows themselves, not their ids and then the rows by id.
  const sql = `SELECT r.*, ${sort.column} AS "sort_value" FROM "round" r WHERE ${where.join(' AND ')}
    ORDER BY ${sort.column} ${direction}, r."id" ${direction} LIMIT ${param(query.limit + 1)}`;
  const page = (await dataSource.query(sql, params)) as (Record<string, unknown> & { id: string; sort_value: Date | string | null })[];
  const more = page.length > query.limit;
  const visible = page.slice(0, query.limit);
  const columns = dataSource.getMetadata(RoundEntity).columns;
  const rows = visible.map((raw) => {
    const row = new RoundEntity();
    for (const column of columns) column.setEntityValue(row, raw[column.databaseName]);
    return row;
  });
  const tail = visible.at(-1);
  if (!more || !tail) return { rows };
  const raw = tail.sort_value;
  const value = raw instanceof Date && Number.isFinite(raw.getTime()) ? raw.toISOString() : typeof raw === 'string' && raw !== 'infinity' ? raw : null;
  return { rows, last: { value, id: tail.id } };
}
