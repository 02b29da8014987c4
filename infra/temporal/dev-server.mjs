// Starts the Temporal dev server (SQLite) with the namespace and search attributes Ratsweg needs.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { SEARCH_ATTRIBUTES, DEFAULT_NAMESPACE } from '@ratsweg/contracts';
import { Connection } from '@temporalio/client';
import { ensureTemporalCli } from './temporal-cli.mjs';

const CLI_TYPE_NAMES = { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList', TEXT: 'Text', INT: 'Int', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime' };

/**
 * @param {object} options
 * @param {string} [options.dbFile] SQLite file; omitted: in memory, lost when the server stops
 * @param {number} [options.port] gRPC port (default 7233)
 * @param {number} [options.uiPort] web UI port; `headless` disables the UI
 * @param {boolean} [options.headless]
 * @param {string} [options.namespace]
 * @param {Record<string, unknown>} [options.dynamicConfig]
 * @param {(line: string) => void} [options.log]
 */
export async function startTemporalDevServer(options = {}) {
  const log = options.log ?? ((line) => console.log(line));
  const cli = ensureTemporalCli(log);
  const port = options.port ?? 7233;
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', namespace, '--log-level', 'warn'];
  if (options.dbFile) {
    mkdirSync(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  if (options.headless) args.push('--headless');
  else if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  for (const key of Object.values(SEARCH_ATTRIBUTES)) {
    args.push('--search-attribute', `${key.name}=${CLI_TYPE_NAMES[key.type]}`);
  }
  for (const [name, value] of Object.entries(options.dynamicConfig ?? {})) {
    args.push('--dynamic-config-value', `${name}=${JSON.stringify(value)}`);
  }
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  let ready = false;
  while (!ready) {
    const early = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve(undefined), 250))]);
    if (early) throw new Error(`The Temporal dev server exited (${JSON.stringify(early)}):\n${output}`);
    ready = await namespaceReady(address, namespace);
    if (!ready && Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The Temporal dev server did not become ready within 60 s:\n${output}`);
    }
  }
  return {
    address,
    namespace,
    uiUrl: options.headless ? undefined : `http://127.0.0.1:${options.uiPort ?? port + 1000}`,
    process: child,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function namespaceReady(address, namespace) {
  let connection;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1_000 });
    const described = await connection.workflowService.describeNamespace({ namespace });
    const known = described.namespaceInfo?.name === namespace;
    if (!known) return false;
    const attributes = await connection.operatorService.listSearchAttributes({ namespace });
    return Object.values(SEARCH_ATTRIBUTES).every((key) => key.name in (attributes.customAttributes ?? {}));
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await startTemporalDevServer({ dbFile: process.env.TEMPORAL_DB_FILE ?? '.data/temporal.sqlite' });
  console.log(`Temporal dev server on ${server.address}, web UI ${server.uiUrl}`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
