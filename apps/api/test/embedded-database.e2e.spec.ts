import { migrateUp, startEmbeddedPostgres, type EmbeddedPostgres } from '@ratsweg/persistence';
import { freePort } from '../../../infra/testing/free-port.mjs';
import { TestSystem } from './support/system.js';

describe('the embedded default database (PGlite over the Postgres wire protocol)', () => {
  let embedded: EmbeddedPostgres;
  let system: TestSystem;

  beforeAll(async () => {
    embedded = await startEmbeddedPostgres({ port: await freePort(), maxConnections: 20 });
    await migrateUp({ url: embedded.url });
    system = await new TestSystem({ databaseUrl: embedded.url }).start();
  });

  afterAll(async () => {
    await system?.stop();
    await embedded?.stop();
  });

  it('should carry a round from start to completion', async () => {
    const created = await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title: 'Eingebettet' });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    for (const stage of ['fachausschuss', 'ratsbeschluss']) {
      const decided = await system.request('POST', `/api/v1/rounds/${id}/stages/${stage}/decision`, { outcome: 'approved' });
      expect(decided.status).toBe(200);
    }
    const read = await system.request('GET', `/api/v1/rounds/${id}`);
    expect(read.body).toMatchObject({ status: 'completed', stages: [{ status: 'completed' }, { status: 'completed' }] });
  });
});
