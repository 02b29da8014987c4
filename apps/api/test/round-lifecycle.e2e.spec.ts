import type { Client } from '@temporalio/client';
import pg from 'pg';
import { TestSystem } from './support/system.js';

describe('a round over HTTP, against the real Temporal dev server and PostgreSQL', () => {
  const system = new TestSystem();
  let temporal: Client;

  beforeAll(async () => {
    await system.start();
    temporal = await system.temporalClient();
  });

  afterAll(async () => {
    await system.stop();
  });

  it('should report ready when PostgreSQL and Temporal answer', async () => {
    const ready = await system.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { database: 'up', temporal: 'up' } });
    expect((await system.request('GET', '/health/live')).status).toBe(200);
  });

  it('should list the process templates with key, title and version', async () => {
    const { status, body } = await system.request('GET', '/api/v1/templates');
    expect(status).toBe(200);
    expect(body.data).toContainEqual({ key: 'kurzverfahren', title: 'Kurzverfahren: Fachausschuss und Rat', version: 1 });
  });

  it('should serve the OpenAPI document with the round routes', async () => {
    const { status, body } = await system.request('GET', '/api/docs-json');
    expect(status).toBe(200);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/templates', '/api/v1/rounds', '/api/v1/rounds/{id}', '/api/v1/rounds/{id}/stages/{stageKey}/decision']),
    );
  });

  it('should complete a round when both stages are decided', async () => {
    const created = await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title: 'Digitale Agenda 2030' });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    expect(created.headers.get('location')).toBe(`/api/v1/rounds/${id}`);
    expect(created.body).toMatchObject({
      title: 'Digitale Agenda 2030',
      templateKey: 'kurzverfahren',
      status: 'running',
      stages: [
        { key: 'fachausschuss', type: 'committee_consultation', title: 'Beratung im Fachausschuss', status: 'open' },
        { key: 'ratsbeschluss', type: 'council_decision', title: 'Ratsbeschluss', status: 'pending' },
      ],
    });

    const first = await system.request('POST', `/api/v1/rounds/${id}/stages/fachausschuss/decision`, { outcome: 'approved' });
    expect(first.status).toBe(200);
    expect(first.body.stages.map((stage: { status: string }) => stage.status)).toEqual(['completed', 'open']);

    const second = await system.request('POST', `/api/v1/rounds/${id}/stages/ratsbeschluss/decision`, {
      outcome: 'approved',
      resolutionText: 'Der Rat beschließt die Digitale Agenda.',
      votes: { yes: 30, no: 4, abstain: 2 },
    });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ status: 'completed', result: 'approved' });

    const read = await system.request('GET', `/api/v1/rounds/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, status: 'completed' });
    expect(read.body.stages[1].decisions).toEqual([
      expect.objectContaining({
        outcome: 'approved',
        resolutionText: 'Der Rat beschließt die Digitale Agenda.',
        votes: { yes: 30, no: 4, abstain: 2 },
      }),
    ]);

    const workflow = await temporal.workflow.getHandle(`round-${id}`).result();
    expect(workflow.status).toBe('completed');
  });

  it('should answer in English when the caller asks for it', async () => {
    const { body } = await system.request('GET', '/api/v1/templates', undefined, { 'accept-language': 'en-GB,en;q=0.9' });
    expect(body.data).toContainEqual(expect.objectContaining({ key: 'kurzverfahren', title: 'Short procedure: committee and council' }));
  });

  it('should write one audit entry per change, none twice', async () => {
    const created = await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title: 'Audit' });
    const id: string = created.body.id;
    await system.request('POST', `/api/v1/rounds/${id}/stages/fachausschuss/decision`, { outcome: 'rejected' });
    await temporal.workflow.getHandle(`round-${id}`).result();
    const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT action, stage_key FROM audit_entry WHERE round_id = $1 ORDER BY seq, position', [id]);
      expect(rows).toEqual([
        { action: 'round.started', stage_key: null },
        { action: 'stage.opened', stage_key: 'fachausschuss' },
        { action: 'stage.decided', stage_key: 'fachausschuss' },
        { action: 'round.completed', stage_key: null },
      ]);
    } finally {
      await db.end();
    }
  });
});
