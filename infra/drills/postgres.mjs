// A private PostgreSQL cluster for the fault drills: its own data directory and port, so that
// restarting it (drill R3) touches nobody else's databases.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../testing/free-port.mjs';

/** Debian's PostgreSQL binaries; POSTGRES_BIN_DIR names another directory. */
function binDir() {
  if (process.env.POSTGRES_BIN_DIR) return process.env.POSTGRES_BIN_DIR;
  for (const version of ['17', '16', '15', '14']) {
    const dir = `/usr/lib/postgresql/${version}/bin`;
    if (existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found: install postgresql or set POSTGRES_BIN_DIR.');
}

/** PostgreSQL refuses to run as root: then the cluster belongs to the `postgres` user. */
function asServerUser(command, args) {
  const root = userInfo().uid === 0;
  const result = root
    ? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8' })
    : spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

function uidOf(user) {
  const result = spawnSync('id', ['-u', user], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', user], { encoding: 'utf8' });
  return { uid: Number(result.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * Creates and starts a throw-away cluster (trust authentication on 127.0.0.1, user `postgres`).
 * `restart()` is `pg_ctl restart -m fast` (connections are cut); `destroy()` stops it and deletes it.
 */
export async function startPrivatePostgres({ maxConnections = 300 } = {}) {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'ratsweg-drill-pg-'));
  const dataDir = join(dir, 'data');
  if (userInfo().uid === 0) {
    const { uid, gid } = uidOf('postgres');
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const port = await freePort();
  asServerUser(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-instructions']);
  const conf = [
    `port = ${port}`,
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${dir}'`,
    `max_connections = ${maxConnections}`,
    'shared_buffers = 128MB',
  ].join('\n');
  const confFile = join(dataDir, 'postgresql.auto.conf');
  writeFileSync(confFile, conf + '\n');
  if (userInfo().uid === 0) {
    const { uid, gid } = uidOf('postgres');
    chownSync(confFile, uid, gid);
  }
  const logFile = join(dir, 'postgres.log');
  const ctl = (...args) => asServerUser(join(bin, 'pg_ctl'), ['-D', dataDir, '-l', logFile, '-w', '-t', '60', ...args]);
  ctl('start');
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    host: '127.0.0.1',
    url,
    logFile,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    /** Stops the server (fast: open transactions are rolled back, connections cut). */
    stop() {
      ctl('stop', '-m', 'fast');
    },
    start() {
      ctl('start');
    },
    restart() {
      ctl('restart', '-m', 'fast');
    },
    destroy() {
      try {
        ctl('stop', '-m', 'immediate');
      } catch {
        // not running
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
