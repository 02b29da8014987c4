import { compressDurations, type ProcessTemplate } from '@ratsweg/domain';
import pg from 'pg';
import { eventually, type TestSystem } from './system.js';

/** Stores `template` (durations compressed: one day lasts `secondsPerDay` seconds) as a new version. */
export async function uploadTemplate(system: TestSystem, template: ProcessTemplate, version: number): Promise<ProcessTemplate> {
  const stored = { ...template, version };
  const response = await system.request('POST', '/api/v1/templates', stored);
  if (response.status !== 201) throw new Error(`template upload failed: ${response.status} ${JSON.stringify(response.body)}`);
  return stored;
}

export function fast(template: ProcessTemplate, secondsPerDay = 0.1): ProcessTemplate {
  return compressDurations(template, secondsPerDay);
}

export async function startRound(system: TestSystem, body: Record<string, unknown>): Promise<string> {
  const response = await system.request('POST', '/api/v1/rounds', body);
  if (response.status !== 201) throw new Error(`round start failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.id as string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the round as the API returns it
export type RoundBody = any;

/** Polls the round until `check` holds; returns the round then. */
export async function roundWhen(system: TestSystem, id: string, check: (round: RoundBody) => boolean, timeoutMs = 30_000): Promise<RoundBody> {
  return eventually(async () => {
    const { body } = await system.request('GET', `/api/v1/rounds/${id}`);
    return check(body) ? body : undefined;
  }, timeoutMs);
}

export function stageOf(round: RoundBody, key: string): RoundBody {
  const stage = round.stages.find((candidate: { key: string }) => candidate.key === key);
  if (!stage) throw new Error(`no stage ${key}`);
  return stage;
}

export interface AuditRow {
  seq: number;
  action: string;
  actor: string;
  stage_key: string | null;
  details: Record<string, unknown> | null;
}

export async function auditOf(roundId: string): Promise<AuditRow[]> {
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    const { rows } = await db.query('SELECT seq, action, actor, stage_key, details FROM audit_entry WHERE round_id = $1 ORDER BY seq, position', [roundId]);
    return rows as AuditRow[];
  } finally {
    await db.end();
  }
}

export const inMinutes = (minutes: number): string => new Date(Date.now() + minutes * 60_000).toISOString();
