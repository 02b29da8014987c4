// `npm start`: the whole system on embedded defaults — Temporal dev server, database,
// migrations, worker and API. Ctrl-C stops everything it started.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, ensureDependencies, ROOT } from './bootstrap.mjs';

ensureDependencies();
build();

const { startTemporalDevServer } = await import('../temporal/dev-server.mjs');
const { migrateUp, seedDemoDirectoryAt, startEmbeddedPostgres } = await import('@ratsweg/persistence');

const dataDir = resolve(ROOT, process.env.RATSWEG_DATA_DIR ?? '.data');
mkdirSync(dataDir, { recursive: true });
const port = Number(process.env.PORT ?? 3000);
const stops = [];
const children = [];
let stopping = false;

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping Ratsweg …');
  for (const child of children.reverse()) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((done) => {
        const timer = setTimeout(() => (child.kill('SIGKILL'), done()), 15_000);
        child.once('exit', () => (clearTimeout(timer), done()));
      });
    }
  }
  for (const stop of stops.reverse()) await stop().catch((error) => console.error(error));
  console.log('Stopped.');
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('exit', () => children.forEach((child) => child.exitCode === null && child.kill('SIGKILL')));

function startNode(name, script, env) {
  // Own process group: Ctrl-C reaches only this launcher, which stops the parts in order.
  const child = spawn(process.execPath, ['--enable-source-maps', script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const prefix = `[${name}] `;
  const forward = (stream) => (chunk) =>
    stream.write(chunk.toString().replace(/^(?=.)/gm, prefix));
  child.stdout.on('data', forward(process.stdout));
  child.stderr.on('data', forward(process.stderr));
  child.once('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited unexpectedly (${code ?? signal}); stopping everything.`);
      void shutdown(1);
    }
  });
  children.push(child);
  return child;
}

try {
  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  let temporalUi;
  if (!temporalAddress) {
    const temporal = await startTemporalDevServer({
      dbFile: join(dataDir, 'temporal.sqlite'),
      port: Number(process.env.TEMPORAL_PORT ?? 7233),
      uiPort: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
    });
    // Own process group too, so it outlives the worker while the worker drains.
    stops.push(() => temporal.stop());
    temporalAddress = temporal.address;
    temporalUi = temporal.uiUrl;
  }

  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const embedded = await startEmbeddedPostgres({
      dataDir: join(dataDir, 'pglite'),
      port: Number(process.env.EMBEDDED_DB_PORT ?? 5433),
      maxConnections: 40,
    });
    stops.push(() => embedded.stop());
    databaseUrl = embedded.url;
  }
  const applied = await migrateUp({ url: databaseUrl });
  if (applied.length > 0) console.log(`Database migrated: ${applied.join(', ')}`);
  // First run: a fictional municipality's directory, so that there is something to look at (no-op once the tenant exists).
  const seeded = await seedDemoDirectoryAt({ url: databaseUrl, tenant: process.env.RATSWEG_TENANT ?? 'default' });
  if (seeded.created) console.log(`Demo directory written for tenant "${seeded.tenant}" (Stadt Musterhausen, fictional).`);

  const admin = embeddedAdministrator();
  const env = {
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    PORT: String(port),
    RATSWEG_ADMIN_EMAIL: admin.email,
    RATSWEG_ADMIN_PASSWORD: admin.password,
    // The embedded default signs in without a second factor; production keeps RATSWEG_REQUIRE_MFA=true.
    RATSWEG_REQUIRE_MFA: process.env.RATSWEG_REQUIRE_MFA ?? 'false',
    // PGlite is one session: a NOTIFY reaches the connection that sent it, not a listener. The dispatcher polls.
    ...(process.env.DATABASE_URL ? {} : { NOTIFICATION_WAKEUP: process.env.NOTIFICATION_WAKEUP ?? 'false' }),
  };
  startNode('worker', 'apps/worker/dist/main.js', env);
  startNode('api', 'apps/api/dist/main.js', env);

  const host = process.env.HOST ?? '127.0.0.1';
  const base = `http://${host}:${port}`;
  await waitUntilReady(`${base}/health/ready`);
  const workerBase = `http://${process.env.WORKER_HTTP_HOST ?? '127.0.0.1'}:${process.env.WORKER_HTTP_PORT ?? '3001'}`;
  await waitUntilReady(`${workerBase}/health/ready`);
  if (stopping) await new Promise(() => undefined);
  console.log(
    [
      '',
      `Ratsweg is running.`,
      `  Web:          ${base}/`,
      `  API:          ${base}/api/v1/templates`,
      `  Sign in:      POST ${base}/api/v1/auth/login as ${admin.email} / ${admin.password}${admin.fromEnv ? ' (from RATSWEG_ADMIN_*)' : ` (kept in ${admin.file})`}`,
      `  OpenAPI:      ${base}/api/docs`,
      `  Worker:       ${workerBase}/health/ready, ${workerBase}/metrics`,
      temporalUi ? `  Temporal UI:  ${temporalUi}` : `  Temporal:     ${temporalAddress}`,
      `  Database:     ${process.env.DATABASE_URL ? 'DATABASE_URL' : `embedded PGlite in ${join(dataDir, 'pglite')}`}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await shutdown(1);
}

/**
 * The first administrator of the embedded system: from RATSWEG_ADMIN_EMAIL/PASSWORD, else a
 * password generated on the first run and kept (readable only by this user) in the data directory.
 */
function embeddedAdministrator() {
  if (process.env.RATSWEG_ADMIN_EMAIL && process.env.RATSWEG_ADMIN_PASSWORD) {
    return { email: process.env.RATSWEG_ADMIN_EMAIL, password: process.env.RATSWEG_ADMIN_PASSWORD, fromEnv: true };
  }
  const file = join(dataDir, 'admin-credentials.json');
  if (!existsSync(file)) {
    const generated = { email: 'admin@ratsweg.localhost', password: randomBytes(15).toString('base64url') };
    writeFileSync(file, JSON.stringify(generated, null, 2) + '\n', { mode: 0o600 });
  }
  return { ...JSON.parse(readFileSync(file, 'utf8')), file, fromEnv: false };
}

async function waitUntilReady(url) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && !stopping) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  if (!stopping) throw new Error(`Not ready after two minutes: ${url}`);
}
