import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from '../../../infra/testing/free-port.mjs';
import { startTemporalDevServer, type TemporalDevServer } from '../../../infra/temporal/dev-server.mjs';
import { roundWhen, stageOf } from './support/rounds.js';
import { TestSystem, type HttpResult } from './support/system.js';

/** A Temporal server of this test's own (SQLite file), so that it can be stopped and started again. */
describe('while the Temporal server is down', () => {
  const dbFile = join(process.env.RATSWEG_TEST_SCRATCH as string, `temporal-outage-${randomUUID()}.sqlite`);
  let port = 0;
  let temporal: TemporalDevServer | undefined;
  let system: TestSystem;

  const startTemporal = async () => {
    temporal = await startTemporalDevServer({ dbFile, port, headless: true, log: () => undefined });
  };

  const expectUnavailable = (response: HttpResult) => {
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: '/problems/service-unavailable', status: 503 });
    expect(response.headers.get('retry-after')).toBe('5');
  };

  /**
   * What a client does after an outage: sends the same request (same Idempotency-Key) again while the
   * API still answers 503 — its connection to Temporal reconnects with back-off after the restart.
   */
  const retryWhileUnavailable = async (send: () => Promise<HttpResult>): Promise<HttpResult> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const response = await send();
      if (response.status !== 503 || Date.now() > deadline) return response;
      expectUnavailable(response);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  beforeAll(async () => {
    port = await freePort();
    await startTemporal();
    system = new TestSystem({ env: { TEMPORAL_ADDRESS: `127.0.0.1:${port}` } });
    await system.start();
  });

  afterAll(async () => {
    await system.stop();
    await temporal?.stop();
  });

  it('should answer 503 Problem Details, and start one round and record one decision when the same requests are retried afterwards', async () => {
    const running = await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title: 'Vor dem Ausfall' }, { 'idempotency-key': randomUUID() });
    expect(running.status).toBe(201);
    const runningId: string = running.body.id;

    await temporal?.stop();

    const title = `Während des Ausfalls ${randomUUID()}`;
    const startKey = randomUUID();
    expectUnavailable(await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title }, { 'idempotency-key': startKey }));
    const decisionKey = randomUUID();
    const decide = () => system.request('POST', `/api/v1/rounds/${runningId}/stages/fachausschuss/decision`, { outcome: 'approved' }, { 'idempotency-key': decisionKey });
    expectUnavailable(await decide());
    // Reads come from PostgreSQL and still work.
    expect((await system.request('GET', `/api/v1/rounds/${runningId}`)).status).toBe(200);

    await startTemporal();

    const started = await retryWhileUnavailable(() =>
      system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title }, { 'idempotency-key': startKey }),
    );
    expect(started.status).toBe(201);
    const again = await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title }, { 'idempotency-key': startKey });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(again.body.id).toBe(started.body.id);
    const listed = await system.request('GET', `/api/v1/rounds?q=${encodeURIComponent(title)}`);
    expect(listed.body.data.map((round: { id: string }) => round.id)).toEqual([started.body.id]);

    const decided = await retryWhileUnavailable(decide);
    expect(decided.status).toBe(200);
    const round = await roundWhen(system, runningId, (body) => stageOf(body, 'ratsbeschluss').status === 'open');
    expect(stageOf(round, 'fachausschuss').decisions).toHaveLength(1);
  });

  it('should find the round an earlier attempt started when the answer was lost, instead of starting a second one', async () => {
    // The API process that ran the first attempt died after starting the workflow, before it could
    // store the answer; once its claim on the key has expired (here: deleted, instead of waiting
    // five minutes), the same request runs again and must name that round.
    const title = `Verlorene Antwort ${randomUUID()}`;
    const key = randomUUID();
    const first = await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title }, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    const client = await system.temporalClient();
    const pg = await import('pg');
    const db = new pg.default.Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    try {
      await db.query('DELETE FROM idempotency_record WHERE tenant = $1', [system.tenant]);
    } finally {
      await db.end();
    }
    const second = await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title }, { 'idempotency-key': key });
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotency-replayed')).toBeNull();
    expect(second.body.id).toBe(first.body.id);
    const listed = await system.request('GET', `/api/v1/rounds?q=${encodeURIComponent(title)}`);
    expect(listed.body.data).toHaveLength(1);
    const workflows = [];
    for await (const workflow of client.workflow.list({ query: `WorkflowId="round-${first.body.id as string}"` })) workflows.push(workflow);
    expect(workflows).toHaveLength(1);
  });
});
