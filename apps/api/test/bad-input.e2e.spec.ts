import pg from 'pg';
import { eventually, TestSystem } from './support/system.js';

describe('bad input is refused with Problem Details and changes nothing', () => {
  const system = new TestSystem();
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  let roundId: string;

  const snapshot = async () => {
    const rounds = await db.query('SELECT id, status, seq, stages FROM round WHERE tenant = $1 ORDER BY id', [system.tenant]);
    const audit = await db.query(
      'SELECT count(*)::int AS n FROM audit_entry a JOIN round r ON r.id = a.round_id WHERE r.tenant = $1',
      [system.tenant],
    );
    return { rounds: rounds.rows, audit: audit.rows[0].n as number };
  };

  beforeAll(async () => {
    await Promise.all([system.start(), db.connect()]);
    const created = await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title: 'Bestand' });
    roundId = created.body.id;
    // Wait until the workflow has recorded its start, so that later snapshots compare settled state.
    await eventually(async () => ((await db.query('SELECT seq FROM round WHERE id = $1', [roundId])).rows[0].seq >= 1 ? true : undefined));
  });

  afterAll(async () => {
    await Promise.all([system.stop(), db.end()]);
  });

  const cases: { name: string; method: string; path: () => string; body?: unknown; headers?: Record<string, string>; status: number; field?: string }[] = [
    { name: 'an unknown template', method: 'POST', path: () => '/api/v1/rounds', body: { templateKey: 'gibt-es-nicht', title: 'X' }, status: 400, field: 'templateKey' },
    { name: 'an unknown template version', method: 'POST', path: () => '/api/v1/rounds', body: { templateKey: 'kurzverfahren', templateVersion: 99, title: 'X' }, status: 400, field: 'templateVersion' },
    { name: 'a missing title', method: 'POST', path: () => '/api/v1/rounds', body: { templateKey: 'kurzverfahren' }, status: 400, field: 'title' },
    { name: 'a blank title', method: 'POST', path: () => '/api/v1/rounds', body: { templateKey: 'kurzverfahren', title: '   ' }, status: 400, field: 'title' },
    { name: 'an extra field', method: 'POST', path: () => '/api/v1/rounds', body: { templateKey: 'kurzverfahren', title: 'X', status: 'completed' }, status: 400, field: 'status' },
    { name: 'a title of the wrong type', method: 'POST', path: () => '/api/v1/rounds', body: { templateKey: 'kurzverfahren', title: 42 }, status: 400, field: 'title' },
    { name: 'malformed JSON', method: 'POST', path: () => '/api/v1/rounds', body: '{"templateKey":', status: 400 },
    { name: 'a JSON array', method: 'POST', path: () => '/api/v1/rounds', body: [], status: 400 },
    { name: 'a body that is not JSON', method: 'POST', path: () => '/api/v1/rounds', body: 'title=X', headers: { 'content-type': 'text/plain' }, status: 415 },
    { name: 'a body over the size limit', method: 'POST', path: () => '/api/v1/rounds', body: JSON.stringify({ templateKey: 'kurzverfahren', title: 'x'.repeat(2 * 1024 * 1024) }), status: 413 },
    { name: 'a decision on a stage that is not open', method: 'POST', path: () => `/api/v1/rounds/${roundId}/stages/ratsbeschluss/decision`, body: { outcome: 'approved' }, status: 409 },
    { name: 'a decision on an unknown stage', method: 'POST', path: () => `/api/v1/rounds/${roundId}/stages/gibt-es-nicht/decision`, body: { outcome: 'approved' }, status: 404 },
    { name: 'a decision on an unknown round', method: 'POST', path: () => '/api/v1/rounds/00000000-0000-4000-8000-000000000000/stages/fachausschuss/decision', body: { outcome: 'approved' }, status: 404 },
    { name: 'a decision on a round id that is no UUID', method: 'POST', path: () => "/api/v1/rounds/1' OR '1'='1/stages/fachausschuss/decision", body: { outcome: 'approved' }, status: 404 },
    { name: 'an unknown outcome', method: 'POST', path: () => `/api/v1/rounds/${roundId}/stages/fachausschuss/decision`, body: { outcome: 'vielleicht' }, status: 400, field: 'outcome' },
    { name: 'an outcome the stage does not accept', method: 'POST', path: () => `/api/v1/rounds/${roundId}/stages/fachausschuss/decision`, body: { outcome: 'acknowledged' }, status: 400, field: 'outcome' },
    { name: 'negative votes', method: 'POST', path: () => `/api/v1/rounds/${roundId}/stages/fachausschuss/decision`, body: { outcome: 'approved', votes: { yes: -1, no: 0, abstain: 0 } }, status: 400, field: 'votes.yes' },
    { name: 'a decision without a body', method: 'POST', path: () => `/api/v1/rounds/${roundId}/stages/fachausschuss/decision`, status: 400 },
    { name: 'a NUL character in the title', method: 'POST', path: () => '/api/v1/rounds', body: { templateKey: 'kurzverfahren', title: 'a\u0000b' }, status: 400, field: 'title' },
    { name: 'a control character in a resolution text', method: 'POST', path: () => `/api/v1/rounds/${roundId}/stages/fachausschuss/decision`, body: { outcome: 'approved', resolutionText: 'x\u0007y' }, status: 400, field: 'resolutionText' },
    { name: 'a cursor with a date PostgreSQL cannot read', method: 'GET', path: () => `/api/v1/rounds?cursor=${Buffer.from(JSON.stringify({ s: '-createdAt', v: '1', i: '00000000-0000-4000-8000-000000000000' })).toString('base64url')}`, status: 400, field: 'cursor' },
    { name: 'an unknown round', method: 'GET', path: () => '/api/v1/rounds/00000000-0000-4000-8000-000000000000', status: 404 },
    { name: 'an unknown route', method: 'GET', path: () => '/api/v1/gibt-es-nicht', status: 404 },
  ];

  it.each(cases)('should refuse $name with $status', async ({ method, path, body, headers, status, field }) => {
    const before = await snapshot();
    const response = await system.request(method, path(), body, headers);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
    expect(JSON.stringify(response.body)).not.toMatch(/stack|at .*\.js|SELECT|QueryFailedError/);
    if (field) expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(await snapshot()).toEqual(before);
  });

  it('should explain the refusal in English when asked to', async () => {
    const response = await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren' }, { 'accept-language': 'en' });
    expect(response.body).toMatchObject({ title: 'The request is invalid', detail: 'At least one field is invalid.' });
    expect(response.headers.get('content-language')).toBe('en');
  });

  it('should refuse deciding the same stage twice and keep the first decision', async () => {
    const first = await system.request('POST', `/api/v1/rounds/${roundId}/stages/fachausschuss/decision`, { outcome: 'approved' });
    expect(first.status).toBe(200);
    const before = await snapshot();
    const second = await system.request('POST', `/api/v1/rounds/${roundId}/stages/fachausschuss/decision`, { outcome: 'rejected' });
    expect(second.status).toBe(409);
    expect(second.body.title).toBe('Die Phase ist nicht offen');
    expect(await snapshot()).toEqual(before);
    const round = await system.request('GET', `/api/v1/rounds/${roundId}`);
    expect(round.body.stages[0]).toMatchObject({ status: 'completed', outcome: 'approved' });
  });
});
