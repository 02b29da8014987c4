// The real Temporal server (not the dev server) on PostgreSQL: builds `temporal-server` and
// `temporal-sql-tool` once per machine, creates and migrates its two databases, and starts it
// from infra/temporal/config/ratsweg.yaml with the namespace and search attributes Ratsweg needs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_NAMESPACE, SEARCH_ATTRIBUTES } from '@ratsweg/contracts';
import { Connection } from '@temporalio/client';
import pg from 'pg';
import { createServer } from 'node:net';
import { ratswegCacheDir } from './temporal-cli.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CONFIG_DIR = 'infra/temporal/config';
const CONFIG_ENV = 'ratsweg';

/**
 * Server versions tried in this order. v1.29.1 is the server inside Temporal CLI v1.5.1 (the dev
 * server the tests use) and speaks the API of SDK 1.24; it `go install`s cleanly (its go.mod has
 * no `replace` directive). The neighbours are fallbacks if the module proxy lacks it.
 */
export const TEMPORAL_SERVER_VERSIONS = ['v1.29.1', 'v1.29.0', 'v1.28.1'];

const SQL_PLUGIN = 'postgres12';
/** Schemas embedded in temporal-sql-tool (go.temporal.io/server/schema). */
const SCHEMAS = { default: 'postgresql/v12/temporal', visibility: 'postgresql/v12/visibility' };

/**
 * A free TCP port on 127.0.0.1 below 32768: the schema stores membership ports in a `smallint`
 * column (cluster_membership.rpc_port), so the kernel's ephemeral ports (32768 and up) do not fit.
 */
export async function freeServerPort() {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port between 20000 and 32000 on 127.0.0.1');
}

/** Search-attribute types of the operator API (temporal.api.enums.v1.IndexedValueType). */
const INDEXED_VALUE_TYPE = { TEXT: 1, KEYWORD: 2, INT: 3, DOUBLE: 4, BOOL: 5, DATETIME: 6, KEYWORD_LIST: 7 };

function onPath(command) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

function findGo() {
  return onPath('go') ?? ['/usr/local/go/bin/go', join(homedir(), 'go', 'bin', 'go')].find((path) => existsSync(path));
}

function binDir(version) {
  return join(ratswegCacheDir(), 'temporal-server', version, 'bin');
}

/**
 * `{ server, sqlTool, version }`: `TEMPORAL_SERVER_BIN` and `TEMPORAL_SQL_TOOL` when set, else a
 * build cached under ~/.cache/ratsweg/temporal-server/<version>/bin, else it builds both with Go
 * (`go install go.temporal.io/server/cmd/server@<version>` and `…/cmd/tools/sql@<version>`).
 */
export function ensureTemporalServer(log = (line) => console.log(line)) {
  if (process.env.TEMPORAL_SERVER_BIN || process.env.TEMPORAL_SQL_TOOL) {
    const server = process.env.TEMPORAL_SERVER_BIN;
    const sqlTool = process.env.TEMPORAL_SQL_TOOL;
    if (!server || !sqlTool || !existsSync(server) || !existsSync(sqlTool)) {
      throw new Error(`TEMPORAL_SERVER_BIN and TEMPORAL_SQL_TOOL must both name existing files (now: ${server ?? '—'}, ${sqlTool ?? '—'}).`);
    }
    return { server, sqlTool, version: 'from TEMPORAL_SERVER_BIN' };
  }
  for (const version of TEMPORAL_SERVER_VERSIONS) {
    const server = join(binDir(version), 'temporal-server');
    const sqlTool = join(binDir(version), 'temporal-sql-tool');
    if (existsSync(server) && existsSync(sqlTool)) return { server, sqlTool, version };
  }
  const go = findGo();
  if (!go) {
    throw new Error(
      [
        'The Temporal server is not built and Go is not installed to build it.',
        '  - install Go 1.24 or newer (https://go.dev/dl/) and run this again: it builds',
        `    go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSIONS[0]} and …/cmd/tools/sql into ${join(ratswegCacheDir(), 'temporal-server')}`,
        '  - or set TEMPORAL_SERVER_BIN and TEMPORAL_SQL_TOOL to binaries of Temporal Server 1.29.',
      ].join('\n'),
    );
  }
  for (const version of TEMPORAL_SERVER_VERSIONS) {
    const bin = binDir(version);
    mkdirSync(bin, { recursive: true });
    log(`Building Temporal Server ${version} and its SQL schema tool with ${go} (once per machine; this takes several minutes) …`);
    const result = spawnSync(go, ['install', `go.temporal.io/server/cmd/server@${version}`, `go.temporal.io/server/cmd/tools/sql@${version}`], {
      stdio: 'inherit',
      env: { ...process.env, GOBIN: bin, GOFLAGS: '-mod=mod', CGO_ENABLED: process.env.CGO_ENABLED ?? '0' },
    });
    if (result.status === 0 && existsSync(join(bin, 'server')) && existsSync(join(bin, 'sql'))) {
      renameSync(join(bin, 'server'), join(bin, 'temporal-server'));
      renameSync(join(bin, 'sql'), join(bin, 'temporal-sql-tool'));
      log(`Temporal Server ${version} built in ${bin}`);
      return { server: join(bin, 'temporal-server'), sqlTool: join(bin, 'temporal-sql-tool'), version };
    }
    log(`Building Temporal Server ${version} failed; trying the next version.`);
  }
  throw new Error(`None of the Temporal Server versions ${TEMPORAL_SERVER_VERSIONS.join(', ')} could be built with ${go}.`);
}

/**
 * @typedef {object} TemporalDatabaseSettings
 * @property {string} [host] PostgreSQL host (default 127.0.0.1)
 * @property {number} [port] default 5432
 * @property {string} [user] default postgres
 * @property {string} [password]
 * @property {string} [database] the default store (default `temporal`)
 * @property {string} [visibilityDatabase] the visibility store (default `temporal_visibility`)
 */

function withDefaults(db = {}) {
  return {
    host: db.host ?? process.env.TEMPORAL_SERVER_DB_HOST ?? '127.0.0.1',
    port: Number(db.port ?? process.env.TEMPORAL_SERVER_DB_PORT ?? 5432),
    user: db.user ?? process.env.TEMPORAL_SERVER_DB_USER ?? 'postgres',
    password: db.password ?? process.env.TEMPORAL_SERVER_DB_PASSWORD ?? '',
    database: db.database ?? process.env.TEMPORAL_SERVER_DB ?? 'temporal',
    visibilityDatabase: db.visibilityDatabase ?? process.env.TEMPORAL_SERVER_VISIBILITY_DB ?? 'temporal_visibility',
  };
}

/**
 * Creates the two databases when missing, sets up the schema version table on a new one, and
 * migrates both to the newest schema the tool carries (`update-schema` is a no-op when current).
 * @param {TemporalDatabaseSettings} [settings]
 */
export async function setupTemporalDatabases(settings, log = (line) => console.log(line)) {
  const db = withDefaults(settings);
  const { sqlTool } = ensureTemporalServer(log);
  const connection = ['--plugin', SQL_PLUGIN, '--endpoint', db.host, '--port', String(db.port), '--user', db.user, ...(db.password ? ['--password', db.password] : [])];
  for (const [store, name] of [['default', db.database], ['visibility', db.visibilityDatabase]]) {
    const admin = new pg.Client({ host: db.host, port: db.port, user: db.user, password: db.password, database: 'postgres' });
    await admin.connect();
    let exists;
    try {
      exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
    } finally {
      await admin.end();
    }
    const run = (args) => {
      const result = spawnSync(sqlTool, [...connection, '--database', name, ...args], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`temporal-sql-tool ${args.join(' ')} on ${name} failed:\n${result.stdout}\n${result.stderr}`);
    };
    if (!exists) run(['create-database']);
    const client = new pg.Client({ host: db.host, port: db.port, user: db.user, password: db.password, database: name });
    await client.connect();
    let versioned;
    try {
      versioned = (await client.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_version'")).rowCount === 1;
    } finally {
      await client.end();
    }
    if (!versioned) run(['setup-schema', '--version', '0.0']);
    run(['update-schema', '--schema-name', SCHEMAS[store]]);
  }
  return db;
}

/**
 * Starts the Temporal server from infra/temporal/config/ratsweg.yaml on the ports its
 * TEMPORAL_SERVER_*_PORT variables name, else on free ones,
 * after setting up its databases; registers the namespace and Ratsweg's search attributes and
 * waits until they can be used. `stop()` and `start()` stop it and start it again on the same
 * ports and databases (the fault drills stop the server under load).
 * @param {object} [options]
 * @param {TemporalDatabaseSettings} [options.db]
 * @param {number} [options.port] frontend gRPC port (TEMPORAL_ADDRESS); default: TEMPORAL_SERVER_FRONTEND_PORT, else a free one
 * @param {string} [options.namespace]
 * @param {string} [options.logLevel] default warn
 * @param {(line: string) => void} [options.log]
 */
export async function startTemporalServer(options = {}) {
  const log = options.log ?? ((line) => console.log(line));
  const { server, version } = ensureTemporalServer(log);
  const db = await setupTemporalDatabases(options.db, log);
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  // Each port from its variable when set, else a free one.
  const port = async (name) => (process.env[name] ? Number(process.env[name]) : await freeServerPort());
  const ports = {
    TEMPORAL_SERVER_FRONTEND_PORT: options.port ?? (await port('TEMPORAL_SERVER_FRONTEND_PORT')),
    TEMPORAL_SERVER_FRONTEND_HTTP_PORT: await port('TEMPORAL_SERVER_FRONTEND_HTTP_PORT'),
    TEMPORAL_SERVER_FRONTEND_MEMBERSHIP_PORT: await port('TEMPORAL_SERVER_FRONTEND_MEMBERSHIP_PORT'),
    TEMPORAL_SERVER_HISTORY_PORT: await port('TEMPORAL_SERVER_HISTORY_PORT'),
    TEMPORAL_SERVER_HISTORY_MEMBERSHIP_PORT: await port('TEMPORAL_SERVER_HISTORY_MEMBERSHIP_PORT'),
    TEMPORAL_SERVER_MATCHING_PORT: await port('TEMPORAL_SERVER_MATCHING_PORT'),
    TEMPORAL_SERVER_MATCHING_MEMBERSHIP_PORT: await port('TEMPORAL_SERVER_MATCHING_MEMBERSHIP_PORT'),
    TEMPORAL_SERVER_WORKER_PORT: await port('TEMPORAL_SERVER_WORKER_PORT'),
    TEMPORAL_SERVER_WORKER_MEMBERSHIP_PORT: await port('TEMPORAL_SERVER_WORKER_MEMBERSHIP_PORT'),
    TEMPORAL_SERVER_METRICS_PORT: await port('TEMPORAL_SERVER_METRICS_PORT'),
  };

  const env = {
    ...process.env,
    ...Object.fromEntries(Object.entries(ports).map(([name, value]) => [name, String(value)])),
    TEMPORAL_SERVER_DB_HOST: db.host,
    TEMPORAL_SERVER_DB_PORT: String(db.port),
    TEMPORAL_SERVER_DB_USER: db.user,
    TEMPORAL_SERVER_DB_PASSWORD: db.password,
    TEMPORAL_SERVER_DB: db.database,
    TEMPORAL_SERVER_VISIBILITY_DB: db.visibilityDatabase,
    TEMPORAL_SERVER_LOG_LEVEL: options.logLevel ?? process.env.TEMPORAL_SERVER_LOG_LEVEL ?? 'warn',
    TEMPORAL_SERVER_DYNAMIC_CONFIG: join(ROOT, CONFIG_DIR, 'dynamicconfig.yaml'),
  };
  const address = `127.0.0.1:${ports.TEMPORAL_SERVER_FRONTEND_PORT}`;
  let child;
  let exited;
  let output = '';

  async function start() {
    output = '';
    child = spawn(server, ['--root', ROOT, '--config', CONFIG_DIR, '--env', CONFIG_ENV, '--allow-no-auth', 'start'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk) => {
      output = (output + chunk.toString()).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + 120_000;
    for (;;) {
      const early = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve(undefined), 250))]);
      if (early) throw new Error(`The Temporal server exited (${JSON.stringify(early)}):\n${output}`);
      if (await registerNamespace(address, namespace)) return;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`The Temporal server did not become ready within 120 s:\n${output}`);
      }
    }
  }

  async function stop(signal = 'SIGTERM') {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }

  await start();
  return {
    address,
    namespace,
    version,
    db,
    ports,
    get process() {
      return child;
    },
    get log() {
      return output;
    },
    start,
    stop,
  };
}

/**
 * Registers the namespace (30 days' retention of closed workflows) and the search attributes when
 * missing; true once both are there, false while the server cannot answer yet.
 */
async function registerNamespace(address, namespace) {
  let connection;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1_000 });
    const service = connection.workflowService;
    try {
      await service.describeNamespace({ namespace });
    } catch (error) {
      if (error?.code !== 5 /* NOT_FOUND */) return false;
      await service.registerNamespace({ namespace, workflowExecutionRetentionPeriod: { seconds: 30 * 24 * 3600 } });
    }
    const existing = (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
    const missing = Object.values(SEARCH_ATTRIBUTES).filter((key) => !(key.name in existing));
    if (missing.length > 0) {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(missing.map((key) => [key.name, INDEXED_VALUE_TYPE[key.type]])),
      });
      return false;
    }
    // A new namespace reaches every frontend's cache only after a moment; a workflow list proves it is usable.
    await service.listWorkflowExecutions({ namespace, pageSize: 1, query: `${SEARCH_ATTRIBUTES.status.name}="running"` });
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const command = process.argv[2] ?? 'start';
  if (command === 'build') {
    console.log(ensureTemporalServer());
  } else if (command === 'setup') {
    const db = await setupTemporalDatabases();
    console.log(`Temporal databases ${db.database} and ${db.visibilityDatabase} on ${db.host}:${db.port} are up to date.`);
  } else if (command === 'start') {
    const port = process.env.TEMPORAL_SERVER_FRONTEND_PORT ? Number(process.env.TEMPORAL_SERVER_FRONTEND_PORT) : 7233;
    const started = await startTemporalServer({ port, logLevel: process.env.TEMPORAL_SERVER_LOG_LEVEL ?? 'info' });
    console.log(`Temporal server on ${started.address} (namespace ${started.namespace}; databases ${started.db.database}, ${started.db.visibilityDatabase} on ${started.db.host}:${started.db.port})`);
    const stop = () => void started.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } else {
    console.error('usage: node infra/temporal/server.mjs [build|setup|start]');
    process.exit(2);
  }
}
