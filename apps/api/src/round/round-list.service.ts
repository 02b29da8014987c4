import { Inject, Injectable } from '@nestjs/common';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import type { ListRoundsQuery } from '@ratsweg/contracts';
import { isoInstantSchema, isUuid, type Outcome, type RoundStatus } from '@ratsweg/domain';
import { listRounds, type RoundSortField, type RoundSummaryRow } from '@ratsweg/persistence';
import { DataSource } from 'typeorm';
import type { Locale } from '../i18n/locale.util.js';
import { ProblemException, text } from '../problem-details/problem.exception.js';

export interface RoundSummaryResponse {
  id: string;
  title: string;
  templateKey: string;
  templateVersion: number;
  status: RoundStatus;
  result?: Outcome;
  openStages: { key: string; title: string; body?: string; deadline?: string; overdue: boolean }[];
  nextDeadlineAt?: string;
  nextReminderAt?: string;
  overdue: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface RoundPage {
  data: RoundSummaryResponse[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  next?: string;
}

/** Lists rounds from the read model: consistent with the workflows once their recordings have run. */
@Injectable()
export class RoundListService {
  constructor(
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async list(query: ListRoundsQuery, locale: Locale, now = new Date()): Promise<RoundPage> {
    const descending = query.sort.startsWith('-');
    const sort = query.sort.replace(/^-/, '') as RoundSortField;
    const after = query.cursor ? decodeCursor(query.cursor, query.sort) : undefined;
    const { rows, last } = await listRounds(this.dataSource, {
      tenant: this.config.RATSWEG_TENANT,
      ...(query.status ? { status: query.status } : {}),
      ...(query.template ? { template: query.template } : {}),
      ...(query.body ? { body: query.body } : {}),
      ...(query.stage ? { stage: query.stage } : {}),
      ...(query.overdue !== undefined ? { overdue: query.overdue } : {}),
      ...(query.q ? { q: query.q } : {}),
      sort,
      descending,
      limit: query.limit,
      ...(after ? { after } : {}),
      now,
    });
    return {
      data: rows.map((row) => presentRoundSummary(row, locale, now)),
      ...(last ? { next: encodeCursor(query.sort, last) } : {}),
    };
  }
}

export function presentRoundSummary(row: RoundSummaryRow, locale: Locale, now: Date): RoundSummaryResponse {
  const running = row.status === 'running';
  const openStages = row.stages
    .filter((stage) => stage.status === 'open')
    .map((stage) => ({
      key: stage.key,
      title: stage.title[locale],
      ...(stage.body ? { body: stage.body } : {}),
      ...(stage.deadline ? { deadline: stage.deadline.at } : {}),
      overdue: stage.deadline !== undefined && Date.parse(stage.deadline.at) < now.getTime(),
    }));
  return {
    id: row.id,
    title: row.title,
    templateKey: row.templateKey,
    templateVersion: row.templateVersion,
    status: row.status,
    ...(row.result ? { result: row.result } : {}),
    openStages,
    ...(row.nextDeadlineAt ? { nextDeadlineAt: row.nextDeadlineAt.toISOString() } : {}),
    ...(row.nextReminderAt ? { nextReminderAt: row.nextReminderAt.toISOString() } : {}),
    overdue: running && row.nextDeadlineAt !== null && row.nextDeadlineAt.getTime() < now.getTime(),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function encodeCursor(sort: string, last: { value: string | null; id: string }): string {
  return Buffer.from(JSON.stringify({ s: sort, v: last.value, i: last.id })).toString('base64url');
}

function decodeCursor(cursor: string, sort: string): { value: string | null; id: string } {
  const invalid = () =>
    new ProblemException('validation-failed', text('Ungültiger Cursor.', 'Invalid cursor.'), [
      { field: 'cursor', message: 'not a cursor of this list and sort order' },
    ]);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const { s, v, i } = (decoded ?? {}) as { s?: unknown; v?: unknown; i?: unknown };
  if (s !== sort || typeof i !== 'string' || !isUuid(i) || !(v === null || typeof v === 'string')) throw invalid();
  if (v !== null && sort.replace(/^-/, '') !== 'title' && !isoInstantSchema.safeParse(v).success) throw invalid();
  return { value: v, id: i };
}
