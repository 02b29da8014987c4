// Jest global set-up: the real components every test talks to, started once per run.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import pg from 'pg';
import { bundleWorkflowCode } from '@temporalio/worker';
import { migrateUp, startEmbeddedPostgres } from '@ratsweg/persistence';
import { WORKFLOW_PRELOAD_MODULES } from '@ratsweg/contracts';
import { startTemporalDevServer } from '../temporal/dev-server.mjs';
import { freePort } from './free-port.mjs';

const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export default async function globalSetup() {
  const scratch = mkdtempSync(join(tmpdir(), 'ratsweg-test-'));
  const temporal = await startTemporalDevServer({ port: await freePort(), headless: true, log: () => undefined });
  const database = await testDatabase();
  await migrateUp({ url: database.url });

  // Bundle the workflows once; every worker the tests start loads this bundle.
  const require = createRequire(import.meta.url);
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('@ratsweg/workflows'), preloadModules: [...WORKFLOW_PRELOAD_MODULES], logger: quietLogger });
  const bundlePath = join(scratch, 'workflow-bundle.js');
  writeFileSync(bundlePath, code);

  Object.assign(process.env, {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    DATABASE_URL: database.url,
    WORKFLOW_BUNDLE_PATH: bundlePath,
    RATSWEG_TEST_SCRATCH: scratch,
    RATSWEG_TEST_DATABASE_SERVER: database.server,
  });
  globalThis.__ratswegTestTeardown = async () => {
    await temporal.stop();
    await database.drop();
  };
}

/** A fresh database on the PostgreSQL server (TEST_DATABASE_SERVER_URL or 127.0.0.1:5432), dropped afterwards. */
async function testDatabase() {
  const serverUrl = process.env.TEST_DATABASE_SERVER_URL ?? DEFAULT_SERVER_URL;
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
  } catch (error) {
    if (process.env.CI) throw new Error(`CI needs PostgreSQL at ${serverUrl}: ${error.message}`);
    console.warn(`No PostgreSQL at ${serverUrl} (${error.message}); the tests use embedded PGlite instead.`);
    const embedded = await startEmbeddedPostgres({ port: await freePort(), maxConnections: 100 });
    return { url: embedded.url, server: '', drop: () => embedded.stop() };
  }
  const name = `ratsweg_test_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    server: serverUrl,
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message, meta) => console.warn(message, meta ?? ''),
  error: (message, meta) => console.error(message, meta ?? ''),
};
