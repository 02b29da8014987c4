// Helpers of the benchmark harness: child processes, statistics, a counting SMTP server.
import { spawn } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../testing/free-port.mjs';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns something other than undefined; fails after `timeoutMs`. */
export async function until(what, check, timeoutMs = 60_000, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`benchmark: ${what} did not happen within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

/** A Node process of the system (API, worker, baseline worker); its output goes to `logFile`. */
export class Child {
  constructor(name, script, env, logFile, nodeArgs = []) {
    this.name = name;
    this.output = '';
    this.log = createWriteStream(logFile, { flags: 'a' });
    this.process = spawn(process.execPath, [...nodeArgs, script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk) => {
      this.log.write(chunk);
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    this.process.stdout.on('data', keep);
    this.process.stderr.on('data', keep);
    this.exited = new Promise((resolve) => this.process.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid() {
    return this.process.pid;
  }

  async waitFor(pattern, timeoutMs = 90_000) {
    let exited;
    void this.exited.then((how) => (exited = how));
    return until(
      `${this.name} printing ${pattern}`,
      () => {
        if (exited) throw new Error(`${this.name} exited (${JSON.stringify(exited)}):\n${this.output.slice(-4000)}`);
        return pattern.exec(this.output) ?? undefined;
      },
      timeoutMs,
      50,
    );
  }

  /** Resident set size in bytes (Linux /proc). */
  rss() {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    if (!match) throw new Error(`no VmRSS for ${this.name}`);
    return Number(match[1]) * 1024;
  }

  async stop() {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
    this.log.end();
  }
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Nearest-rank percentile. */
export const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
};

export const round = (value, digits = 3) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : value);

/** Times `task` in milliseconds. */
export async function timed(task) {
  const started = performance.now();
  const value = await task();
  return { ms: performance.now() - started, value };
}

/** Runs `count` tasks with at most `concurrency` at once; returns the elapsed milliseconds. */
export async function pool(count, concurrency, task) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const index = next;
        next += 1;
        await task(index);
      }
    }),
  );
  return performance.now() - started;
}

/**
 * A real SMTP server that only counts: the Message-ID and arrival time of each message (no MIME
 * parsing, so that the receiving side costs both senders the same and little).
 */
export class CountingSmtpServer {
  constructor() {
    this.received = [];
    this.port = 0;
  }

  get url() {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start() {
    this.port = await freePort();
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      maxClients: 100,
      onData: (stream, _session, callback) => {
        let head = '';
        stream.on('data', (chunk) => {
          if (head.length < 16_384) head += chunk.toString('latin1');
        });
        stream.on('end', () => {
          const messageId = /^message-id:\s*(\S+)/im.exec(head)?.[1] ?? '';
          this.received.push({ messageId, at: performance.now() });
          callback();
        });
      },
    });
    this.server.on('error', () => undefined);
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', resolve);
    });
    return this;
  }

  duplicates() {
    return this.received.length - new Set(this.received.map((mail) => mail.messageId)).size;
  }

  async stop() {
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); 0 once it has gone. */
function cpuMsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

function postgresPids() {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * Where the CPU time of a measured stretch goes: each named process, and all PostgreSQL server
 * processes of the machine together (backends live as long as their connections; one that ended
 * meanwhile is not counted).
 */
export class CpuMeter {
  constructor(processes) {
    this.processes = processes;
  }

  snapshot() {
    const named = Object.fromEntries(Object.entries(this.processes).map(([name, pid]) => [name, cpuMsOf(pid)]));
    const postgres = new Map(postgresPids().map((pid) => [pid, cpuMsOf(pid)]));
    return { named, postgres };
  }

  /** CPU ms per unit of work between two snapshots, by process. */
  per(before, after, units) {
    const result = {};
    for (const name of Object.keys(this.processes)) result[name] = (after.named[name] - before.named[name]) / units;
    let postgres = 0;
    for (const [pid, ms] of after.postgres) if (before.postgres.has(pid)) postgres += ms - before.postgres.get(pid);
    result.postgres = postgres / units;
    return result;
  }
}
