import { createDataSource, migrateUp, seedDemoDirectory, startEmbeddedPostgres, type EmbeddedPostgres } from '@ratsweg/persistence';
import pg from 'pg';
import { freePort } from '../../../infra/testing/free-port.mjs';
import { eventually, TestSystem } from './support/system.js';

describe('the embedded default database (PGlite over the Postgres wire protocol)', () => {
  let embedded: EmbeddedPostgres;
  let system: TestSystem;

  beforeAll(async () => {
    embedded = await startEmbeddedPostgres({ port: await freePort(), maxConnections: 20 });
    await migrateUp({ url: embedded.url });
    system = new TestSystem({ databaseUrl: embedded.url, env: { NOTIFICATION_DISPATCH_INTERVAL_MS: '100' } });
    const dataSource = await createDataSource({ url: embedded.url, poolSize: 1 }).initialize();
    await seedDemoDirectory(dataSource, system.tenant);
    await dataSource.destroy();
    await system.start();
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

  it('should keep concurrent queries of several connections apart (requests in parallel, mail fan-out to the local mailbox)', async () => {
    const started = await Promise.all(
      Array.from({ length: 8 }, (_, n) => system.request('POST', '/api/v1/rounds', { templateKey: 'beschlussvorlage', templateVersion: 1, title: `Parallel ${n}` })),
    );
    expect(started.map((response) => response.status)).toEqual(Array(8).fill(201));
    const lists = await Promise.all(Array.from({ length: 12 }, () => system.request('GET', '/api/v1/rounds?limit=5')));
    expect(lists.map((response) => response.status)).toEqual(Array(12).fill(200));

    // Opening the council stage of a round invites every member of the council by mail.
    const id = await system
      .request('POST', '/api/v1/rounds', { templateKey: 'beschlussvorlage', templateVersion: 1, title: 'Einladungen', meetings: { rat: '2030-04-25T15:00:00Z' } })
      .then((response) => response.body.id as string);
    for (const [stage, outcome] of [['vorlage', 'completed'], ['fachausschuss', 'approved'], ['hauptausschuss', 'approved']] as const) {
      expect((await system.request('POST', `/api/v1/rounds/${id}/stages/${stage}/decision`, { outcome })).status).toBe(200);
    }
    const db = new pg.Client({ connectionString: embedded.url });
    await db.connect();
    try {
      await eventually(async () => {
        const { rows } = await db.query(`SELECT count(*)::int AS n FROM delivery WHERE tenant = $1 AND channel = 'email' AND status <> 'sent'`, [system.tenant]);
        const sent = await db.query(`SELECT count(*)::int AS n FROM delivery WHERE tenant = $1 AND channel = 'email' AND status = 'sent'`, [system.tenant]);
        // The council invitations are written when the council stage opens, after the last decision returns:
        // wait for them (more than ten mails), not only for the mails sent so far.
        return rows[0].n === 0 && sent.rows[0].n > 10 ? true : undefined;
      }, 60_000);
      const failed = await db.query(`SELECT count(*)::int AS n FROM delivery_attempt WHERE outcome = 'error'`);
      expect(failed.rows[0].n).toBe(0);
      const mailbox = await db.query(`SELECT count(*)::int AS n, count(DISTINCT message_id)::int AS distinct_ids FROM local_mailbox WHERE tenant = $1`, [system.tenant]);
      expect(mailbox.rows[0].n).toBeGreaterThan(10);
      expect(mailbox.rows[0].distinct_ids).toBe(mailbox.rows[0].n);
    } finally {
      await db.end();
    }
  });
});
