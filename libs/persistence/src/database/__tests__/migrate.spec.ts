import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freePort } from '../../../../../infra/testing/free-port.mjs';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../embedded-postgres.js';
import { MIGRATIONS } from '../data-source.js';
import { migrateDown, migrateUp } from '../migrate.util.js';

describe('migrations', () => {
  const server = process.env.RATSWEG_TEST_DATABASE_SERVER;
  let url: string;
  let embedded: EmbeddedPostgres | undefined;

  beforeAll(async () => {
    if (server) {
      const database = new URL(server);
      database.pathname = `/ratsweg_migrate_${randomBytes(4).toString('hex')}`;
      url = database.toString();
    } else {
      embedded = await startEmbeddedPostgres({ port: await freePort() });
      url = embedded.url;
    }
  });

  afterAll(async () => {
    if (embedded) return embedded.stop();
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)} WITH (FORCE)`);
    await client.end();
  });

  const tables = async (): Promise<string[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migration' ORDER BY table_name",
    );
    await client.end();
    return rows.map((row: { table_name: string }) => row.table_name);
  };

  it('should create the database when missing, migrate up, revert every migration and migrate up again', async () => {
    const names = MIGRATIONS.map((migration) => new migration().name);
    expect(await migrateUp({ url })).toEqual(names);
    expect(await tables()).toEqual(expect.arrayContaining(['audit_chain_head', 'audit_entry', 'process_template', 'round']));
    expect(await migrateUp({ url })).toEqual([]);
    for (let step = 0; step < names.length; step += 1) await migrateDown({ url });
    expect(await tables()).toEqual([]);
    expect(await migrateUp({ url })).toEqual(names);
  });
});
