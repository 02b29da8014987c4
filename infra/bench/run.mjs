// `npm run bench`: what Ratsweg costs on top of the engine under it, side by side with raw
// Temporal, raw PostgreSQL and raw SMTP, on the same machine in the same run (see README,
// "Benchmarks"). `npm run bench -- --smoke` runs a small version that asserts no timings.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import nodemailer from 'nodemailer';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, TypedSearchAttributes, WorkflowIdReusePolicy } from '@temporalio/common';
import { bundleWorkflowCode } from '@temporalio/worker';
import { BUILTIN_TEMPLATES, compressDurations } from '@ratsweg/domain';
import { ROUND_WORKFLOW_TYPE, roundWorkflowId, SEARCH_ATTRIBUTES, WORKFLOW_PRELOAD_MODULES } from '@ratsweg/contracts';
import { migrateUp, roundListStatement } from '@ratsweg/persistence';
import { startTemporalDevServer } from '../temporal/dev-server.mjs';
import { freePort } from '../testing/free-port.mjs';
import { remarksFor } from './remarks.mjs';
import { writeReports } from './report.mjs';
import { Child, CountingSmtpServer, CpuMeter, median, percentile, pool, round, sleep, timed, until } from './support.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: options } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    out: { type: 'string' },
    only: { type: 'string' },
    profile: { type: 'string' },
  },
});
const SMOKE = options.smoke;
const OUT = resolve(ROOT, options.out ?? (SMOKE ? join('tmp', 'bench-smoke') : join('infra', 'reports')));
const ONLY = options.only ? new Set(options.only.split(',')) : undefined;
const wanted = (name) => !ONLY || ONLY.has(name);
/** `--profile <dir>`: API and worker write V8 CPU profiles there (open them in Chrome DevTools). */
const PROFILE = options.profile ? ['--cpu-prof', '--cpu-prof-dir', resolve(options.profile)] : [];

/** Sizes of the full run (≤ 15 min on two cores) and of the smoke run (≤ 3 min). */
const SIZE = SMOKE
  ? { reps: 2, warmups: 1, p1Samples: 8, p2Starts: 12, concurrency: 4, p3Rounds: 30, p4Mails: 30, p5Workflows: 30, p6Reports: 30, p7Rows: 1_000, p7Samples: 10 }
  : { reps: 5, warmups: 1, p1Samples: 60, p2Starts: 200, concurrency: 8, p3Rounds: 500, p4Mails: 300, p5Workflows: 300, p6Reports: 160, p7Rows: 10_000, p7Samples: 40 };

const TENANT = 'bench';
const ADMIN = { email: 'admin@bench.example', password: `Messlauf ${randomUUID()}` };
const ROUND_QUEUE = 'bench-rounds';
const BASELINE_QUEUE = 'bench-baseline';
const log = (line) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (message) => console.error(message) };

const template = (key) => BUILTIN_TEMPLATES.filter((candidate) => candidate.key === key).sort((a, b) => b.version - a.version)[0];

const cleanups = [];
const results = {};
const perRound = {};
let failed;


async function main() {
  const startedAt = new Date();
  const scratch = mkdtempSync(join(tmpdir(), 'ratsweg-bench-'));
  cleanups.push(async () => rmSync(scratch, { recursive: true, force: true }));
  log(`${SMOKE ? 'Smoke' : 'Full'} run; logs of the started processes in ${scratch}`);

  // --- the components: Temporal dev server, a database of our own, SMTP, bundles ---
  const temporalServer = await startTemporal();
  cleanups.push(() => temporalServer.stop());
  const database = await createDatabase();
  cleanups.push(() => database.drop());
  await migrateUp({ url: database.url });
  const smtp = await new CountingSmtpServer().start();
  cleanups.push(() => smtp.stop());

  const roundBundle = join(scratch, 'workflow-bundle.js');
  writeFileSync(roundBundle, (await bundleWorkflowCode({ workflowsPath: join(ROOT, 'workflows/dist/index.js'), preloadModules: [...WORKFLOW_PRELOAD_MODULES], logger: quietLogger })).code);
  const baselineBundle = join(scratch, 'baseline-bundle.js');
  writeFileSync(baselineBundle, (await bundleWorkflowCode({ workflowsPath: join(ROOT, 'infra/bench/baseline-workflows.js'), logger: quietLogger })).code);

  const connection = await Connection.connect({ address: temporalServer.address });
  cleanups.push(() => connection.close());
  const temporal = new Client({ connection, namespace: temporalServer.namespace });
  const db = new pg.Pool({ connectionString: database.url, max: 4 });
  cleanups.push(() => db.end());

  const env = {
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: temporalServer.address,
    TEMPORAL_NAMESPACE: temporalServer.namespace,
    TEMPORAL_TASK_QUEUE: ROUND_QUEUE,
    WORKFLOW_BUNDLE_PATH: roundBundle,
    RATSWEG_TENANT: TENANT,
    RATSWEG_ADMIN_EMAIL: ADMIN.email,
    RATSWEG_ADMIN_PASSWORD: ADMIN.password,
    RATSWEG_REQUIRE_MFA: 'false',
    RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
    LOG_LEVEL: 'warn',
  };
  const apiPort = await freePort();
  const api = new Child('api', join(ROOT, 'apps/api/dist/main.js'), { ...env, PORT: String(apiPort), HOST: '127.0.0.1' }, join(scratch, 'api.log'), PROFILE);
  cleanups.push(() => api.stop());
  const worker = new Child(
    'worker',
    join(ROOT, 'apps/worker/dist/main.js'),
    { ...env, LOG_LEVEL: 'log', SMTP_URL: smtp.url, NOTIFICATION_DISPATCH_INTERVAL_MS: '100', WORKER_HTTP_PORT: String(await freePort()) },
    join(scratch, 'worker.log'),
    PROFILE,
  );
  cleanups.push(() => worker.stop());
  const baseline = new Child(
    'baseline-worker',
    join(ROOT, 'infra/bench/baseline-worker.mjs'),
    { ...env, TEMPORAL_TASK_QUEUE: BASELINE_QUEUE, BASELINE_BUNDLE_PATH: baselineBundle },
    join(scratch, 'baseline-worker.log'),
  );
  cleanups.push(() => baseline.stop());
  const baselineHttpPort = await freePort();
  const baselineHttp = new Child(
    'baseline-http',
    join(ROOT, 'infra/bench/baseline-http.mjs'),
    { ...env, BASELINE_TASK_QUEUE: BASELINE_QUEUE, PORT: String(baselineHttpPort) },
    join(scratch, 'baseline-http.log'),
  );
  cleanups.push(() => baselineHttp.stop());
  const base = `http://127.0.0.1:${apiPort}`;
  await until('the API being ready', async () => (await fetch(`${base}/health/ready`).catch(() => undefined))?.ok || undefined, 120_000, 200);
  await worker.waitFor(/Ratsweg worker polling task queue/);
  await baseline.waitFor(/Baseline worker polling task queue/);
  await baselineHttp.waitFor(/Baseline HTTP starter listening/);

  const http = httpClient(base);
  http.token = await http.login(ADMIN.email, ADMIN.password);
  log('API, worker and baseline worker are up; the administrator is signed in');

  // Where each side's CPU goes (P2): every process of the run, and PostgreSQL's.
  const cpu = new CpuMeter({
    temporal: temporalServer.process.pid,
    api: api.pid,
    worker: worker.pid,
    baselineWorker: baseline.pid,
    baselineHttp: baselineHttp.pid,
    benchClient: process.pid,
  });
  const baselineHttpBase = `http://127.0.0.1:${baselineHttpPort}`;
  const ctx = { temporal, db, http, baselineHttpBase, smtp, env, scratch, roundBundle, baselineBundle, cpu, namespace: temporalServer.namespace };
  const stillOpen = { rounds: [], baseline: [] };

  if (wanted('P2') || wanted('P1')) await benchStarts(ctx, stillOpen);
  if (wanted('P1')) await benchDecisions(ctx, stillOpen);
  if (wanted('P3')) await benchCompletion(ctx);
  if (wanted('P6')) await benchLongRound(ctx);
  if (wanted('P4')) await benchReminders(ctx);
  if (wanted('P7')) await benchList(ctx);
  if (wanted('P5')) await benchMemory(ctx);

  const report = {
    mode: SMOKE ? 'smoke' : 'full',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    commit: gitCommit(),
    machine: machine(),
    settings: SIZE,
    ...results,
    perRound,
  };
  report.remarks = remarksFor(report);
  mkdirSync(OUT, { recursive: true });
  writeReports(OUT, report);
  log(`Report written to ${join(OUT, 'bench.md')} and bench.json`);

  // The smoke run asserts no timings, only that everything ran and nothing was lost or doubled.
  const problems = [];
  if (results.P3 && (results.P3.completedRatio !== 1 || results.P3.visibilityRatio !== 1)) problems.push(`P3: completed ÷ started ${results.P3.completedRatio}, visibility ÷ started ${results.P3.visibilityRatio}`);
  if (results.P4 && results.P4.duplicates !== 0) problems.push(`P4: ${results.P4.duplicates} duplicate e-mails`);
  if (problems.length > 0) throw new Error(`benchmark found errors:\n  ${problems.join('\n  ')}`);
}

// ---------------------------------------------------------------------------------------------

function httpClient(base) {
  const client = {
    base,
    token: '',
    async request(method, path, body) {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(client.token ? { authorization: `Bearer ${client.token}` } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text };
    },
    async ok(method, path, body, expected = [200, 201]) {
      const response = await client.request(method, path, body);
      if (!expected.includes(response.status)) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body;
    },
    async login(email, password) {
      return (await client.ok('POST', '/api/v1/auth/login', { email, password })).accessToken;
    },
  };
  return client;
}

/** The dev server on a free port; again on another one if a port was taken meanwhile (other programs on the machine). */
async function startTemporal() {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startTemporalDevServer({ port: await freePort(), headless: true, log: () => undefined });
    } catch (error) {
      if (attempt >= 3 || !/address already in use/.test(error.message)) throw error;
    }
  }
}

async function createDatabase() {
  const serverUrl = process.env.TEST_DATABASE_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `ratsweg_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Repetitions: warm-ups first (excluded), then `reps` measured ones; the two sides alternate who goes first. */
async function repeat(name, ours, raw) {
  const measured = [];
  for (let rep = 0; rep < SIZE.warmups + SIZE.reps; rep += 1) {
    const oursFirst = rep % 2 === 0;
    const a = oursFirst ? await ours(rep) : await raw(rep);
    const b = oursFirst ? await raw(rep) : await ours(rep);
    const [o, r] = oursFirst ? [a, b] : [b, a];
    if (rep >= SIZE.warmups) measured.push({ ours: o, raw: r });
    log(`${name} ${rep < SIZE.warmups ? 'warm-up' : `rep ${rep - SIZE.warmups + 1}/${SIZE.reps}`}: ours ${JSON.stringify(roundAll(o))}, raw ${JSON.stringify(roundAll(r))}`);
  }
  return measured;
}

const roundAll = (object) => Object.fromEntries(Object.entries(object).map(([key, value]) => [key, value && typeof value === 'object' ? roundAll(value) : round(value, 2)]));
const med = (measured, side, key) => median(measured.map((rep) => rep[side][key]));
const ratioMedian = (measured, key, invert = false) =>
  median(measured.map((rep) => (invert ? rep.raw[key] / rep.ours[key] : rep.ours[key] / rep.raw[key])));

// --- P2: round starts per second at a fixed concurrency ----------------------------------------

async function benchStarts(ctx, stillOpen) {
  const { http, temporal, cpu } = ctx;
  // Each side is timed from its first start to its last; its CPU is counted until its worker has caught up
  // (and that wait is over before the other side begins), so each start costs what it causes.
  const measuredSide = async (startAll, settle) => {
    const before = cpu.snapshot();
    const ms = await startAll();
    await settle();
    return { perSecond: (SIZE.p2Starts / ms) * 1000, cpuMsPerStart: cpu.per(before, cpu.snapshot(), SIZE.p2Starts) };
  };
  /** Baseline workflows started by `startOne` (it returns the workflow id), timed until the baseline worker has run each one's first task. */
  const baselineStarts = async (startOne) => {
    const ids = [];
    const side = await measuredSide(
      () => pool(SIZE.p2Starts, SIZE.concurrency, async () => ids.push(await startOne())),
      () => untilFirstTasksDone(ctx, ids),
    );
    return { side, ids };
  };
  let template;
  const httpStarted = [];
  const measured = await repeat(
    'P2',
    async () => {
      const ids = [];
      const side = await measuredSide(
        () =>
          pool(SIZE.p2Starts, SIZE.concurrency, async () => {
            ids.push((await http.ok('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title: 'Messlauf Start' })).id);
          }),
        () => untilRoundsRecorded(ctx),
      );
      stillOpen.rounds.push(...ids);
      // The same workflow started the way the API starts it, straight through the client: what Temporal and the
      // worker cost for our workflow (its input carries the template; four search attributes), without the API.
      template ??= await startedAsTheApiDoes(temporal, ids[0]);
      const directIds = [];
      const direct = await measuredSide(
        () =>
          pool(SIZE.p2Starts, SIZE.concurrency, async () => {
            const roundId = randomUUID();
            await temporal.workflow.start(ROUND_WORKFLOW_TYPE, {
              ...template.options,
              workflowId: roundWorkflowId(roundId),
              args: [{ ...template.input, roundId, requestedAt: new Date().toISOString() }],
            });
            directIds.push(roundId);
          }),
        () => untilRecorded(ctx, directIds),
      );
      stillOpen.rounds.push(...directIds);
      return { ...side, direct };
    },
    async () => {
      const started = await baselineStarts(async () => (await temporal.workflow.start('baselineWorkflow', { workflowId: `baseline-${randomUUID()}`, taskQueue: BASELINE_QUEUE, args: [] })).workflowId);
      stillOpen.baseline.push(...started.ids);
      // The floor under any HTTP API on this machine: the same start behind a bare node:http server
      // in a process of its own, alone and with the API's three database round trips around it.
      const overHttp = async (path) => {
        const result = await baselineStarts(async () => {
          const response = await fetch(`${ctx.baselineHttpBase}${path}`, { method: 'POST' });
          if (response.status !== 201) throw new Error(`P2: the bare HTTP starter answered ${response.status}: ${await response.text()}`);
          return (await response.json()).workflowId;
        });
        httpStarted.push(...result.ids);
        return result.side;
      };
      return { ...started.side, overHttp: await overHttp('/start'), overHttpWithQueries: await overHttp('/start?queries=1') };
    },
  );
  // Ended, so that the baseline worker holds what it held before this floor was measured (P1 decides the raw side's first ones).
  await pool(httpStarted.length, SIZE.concurrency, async (n) => temporal.workflow.getHandle(httpStarted[n]).terminate('benchmark: P2 floor measured'));
  const cpuMedian = (side) => Object.fromEntries(Object.keys(measured[0][side].cpuMsPerStart).map((name) => [name, median(measured.map((rep) => rep[side].cpuMsPerStart[name]))]));
  const total = (perProcess) => Object.values(perProcess).reduce((sum, ms) => sum + ms, 0);
  const oursCpu = cpuMedian('ours');
  const directCpu = Object.fromEntries(Object.keys(measured[0].ours.direct.cpuMsPerStart).map((name) => [name, median(measured.map((rep) => rep.ours.direct.cpuMsPerStart[name]))]));
  const rawCpu = cpuMedian('raw');
  results.P2 = {
    title: 'Round starts per second',
    ours: { perSecond: med(measured, 'ours', 'perSecond'), cpuMsPerStart: oursCpu, cpuMsPerStartTotal: total(oursCpu), does: 'POST /api/v1/rounds over HTTP: bearer check, template lookup, workflow start with search attributes, read-model row; the worker records the first state (read model, audit entries, outbox) in a local activity' },
    raw: { perSecond: med(measured, 'raw', 'perSecond'), cpuMsPerStart: rawCpu, cpuMsPerStartTotal: total(rawCpu), does: 'client.workflow.start of the baseline workflow; the baseline worker runs its first workflow task' },
    concurrency: SIZE.concurrency,
    startsPerRep: SIZE.p2Starts,
    direct: {
      perSecond: median(measured.map((rep) => rep.ours.direct.perSecond)),
      cpuMsPerStart: directCpu,
      cpuMsPerStartTotal: total(directCpu),
      does: 'client.workflow.start of the round workflow with the input and search attributes the API gives it (read off a round the API started), on the production worker: the share of Temporal and the worker, without the API',
    },
    overHttp: {
      perSecond: median(measured.map((rep) => rep.raw.overHttp.perSecond)),
      withQueriesPerSecond: median(measured.map((rep) => rep.raw.overHttpWithQueries.perSecond)),
      // Each ÷ raw in the same repetition: what one HTTP hop, and that hop with three database round trips, cost a start here.
      ratio: median(measured.map((rep) => rep.raw.overHttp.perSecond / rep.raw.perSecond)),
      withQueriesRatio: median(measured.map((rep) => rep.raw.overHttpWithQueries.perSecond / rep.raw.perSecond)),
      does: 'the baseline workflow started behind a bare node:http server in a process of its own (no framework, no authentication); and the same with two trivial statements through pg before the start and one after it, the database round trips of our API',
    },
    ratio: ratioMedian(measured, 'perSecond'),
    // ours ÷ raw = (ours ÷ direct: the API's share) × (direct ÷ raw: what our workflow costs Temporal and the worker)
    apiRatio: median(measured.map((rep) => rep.ours.perSecond / rep.ours.direct.perSecond)),
    workflowRatio: median(measured.map((rep) => rep.ours.direct.perSecond / rep.raw.perSecond)),
    cpuRatio: total(oursCpu) / total(rawCpu),
    target: '≥ 0.8',
    met: ratioMedian(measured, 'perSecond') >= 0.8,
    reps: measured,
  };
}

/**
 * Waits until the baseline worker has completed the first workflow task of each of these workflows.
 * Polling every one of them would charge the raw side's CPU with the polling, so it waits for the last
 * one started and then checks each workflow once (a rare straggler is polled until it is done).
 */
async function untilFirstTasksDone({ temporal }, workflowIds) {
  const done = async (workflowId) => {
    const raw = (await temporal.workflow.getHandle(workflowId).describe()).raw;
    return (!raw.pendingWorkflowTask && Number(raw.workflowExecutionInfo?.historyLength ?? 0) >= 4) || undefined;
  };
  const last = workflowIds.at(-1);
  if (last) await until(`${last} running its first workflow task`, () => done(last), 60_000, 100);
  for (const workflowId of workflowIds.slice(0, -1)) await until(`${workflowId} running its first workflow task`, () => done(workflowId), 60_000, 100);
}

/** The options and input with which the API started this round's workflow. */
async function startedAsTheApiDoes(temporal, roundId) {
  const handle = temporal.workflow.getHandle(roundWorkflowId(roundId));
  const [description, history] = await Promise.all([handle.describe(), handle.fetchHistory()]);
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const payload = started?.input?.payloads?.[0];
  if (!payload) throw new Error(`no input in the history of round ${roundId}`);
  return {
    input: defaultPayloadConverter.fromPayload(payload),
    options: { taskQueue: description.taskQueue, workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE, typedSearchAttributes: description.typedSearchAttributes },
  };
}

/** Waits until the worker has recorded the first state of each of these rounds (started without the API's row). */
async function untilRecorded({ db }, roundIds) {
  await until('every round started through the client recorded by the worker', async () => (await db.query(`SELECT count(*)::int AS n FROM round WHERE id = ANY($1) AND seq > 0`, [roundIds])).rows[0].n === roundIds.length || undefined, 120_000, 200);
}

/** Waits until the worker has recorded the first state of every round started so far. */
async function untilRoundsRecorded({ db }) {
  await until('every started round recorded by the worker', async () => (await db.query(`SELECT count(*)::int AS n FROM round WHERE seq = 0`)).rows[0].n === 0 || undefined, 120_000, 200);
}

// --- P1: decision latency -----------------------------------------------------------------------

async function benchDecisions(ctx, stillOpen) {
  const { http, temporal } = ctx;
  const needed = (SIZE.warmups + SIZE.reps) * SIZE.p1Samples;
  while (stillOpen.rounds.length < needed) stillOpen.rounds.push((await http.ok('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title: 'Messlauf Entscheidung' })).id);
  while (stillOpen.baseline.length < needed) {
    stillOpen.baseline.push((await temporal.workflow.start('baselineWorkflow', { workflowId: `baseline-${randomUUID()}`, taskQueue: BASELINE_QUEUE, args: [] })).workflowId);
  }
  await untilRoundsRecorded(ctx);
  const rounds = [...stillOpen.rounds];
  const workflows = [...stillOpen.baseline];
  const latencies = (samples) => ({ p50: percentile(samples, 50), p95: percentile(samples, 95), p99: percentile(samples, 99) });
  const measured = await repeat(
    'P1',
    async () => {
      const samples = [];
      for (let n = 0; n < SIZE.p1Samples; n += 1) {
        const id = rounds.shift();
        samples.push((await timed(() => http.ok('POST', `/api/v1/rounds/${id}/stages/fachausschuss/decision`, { outcome: 'approved' }))).ms);
      }
      return latencies(samples);
    },
    async () => {
      const samples = [];
      for (let n = 0; n < SIZE.p1Samples; n += 1) {
        const handle = temporal.workflow.getHandle(workflows.shift());
        samples.push((await timed(() => handle.executeUpdate('decide', { args: [{ stageKey: 'fachausschuss', outcome: 'approved' }] }))).ms);
      }
      return latencies(samples);
    },
  );
  const ratio = (key) => ratioMedian(measured, key);
  results.P1 = {
    title: 'Decision latency (ms)',
    ours: { p50: med(measured, 'ours', 'p50'), p95: med(measured, 'ours', 'p95'), p99: med(measured, 'ours', 'p99'), does: 'POST /api/v1/rounds/{id}/stages/{stage}/decision over HTTP: bearer check, stage access check, body validation, Temporal update with validator, the recording as a local activity in the worker that runs the update (since workflows v0.4.0; read model + audit + outbox in one transaction), presented round. The raw side\'s normal activity goes through the activity task queue and a second workflow task, which is why ours can be faster' },
    raw: { p50: med(measured, 'raw', 'p50'), p95: med(measured, 'raw', 'p95'), p99: med(measured, 'raw', 'p99'), does: 'client executeUpdate on the baseline workflow, whose update handler runs one no-op activity' },
    samplesPerRep: SIZE.p1Samples,
    ratio: ratio('p50'),
    ratioP95: ratio('p95'),
    ratioP99: ratio('p99'),
    target: '≤ 1.3 at p50, ≤ 1.5 at p95',
    met: ratio('p50') <= 1.3 && ratio('p95') <= 1.5,
    reps: measured,
  };
}

// --- P3: completion -----------------------------------------------------------------------------

async function benchCompletion(ctx) {
  const { http, temporal, db } = ctx;
  const key = 'bench-kurz';
  await http.ok('POST', '/api/v1/templates', { ...template('kurzverfahren'), key, version: 1 });
  let started = 0;
  const ids = [];
  const ms = await pool(SIZE.p3Rounds, SIZE.concurrency, async () => {
    const { id } = await http.ok('POST', '/api/v1/rounds', { templateKey: key, title: 'Messlauf Abschluss' });
    started += 1;
    ids.push(id);
    await http.ok('POST', `/api/v1/rounds/${id}/stages/fachausschuss/decision`, { outcome: 'approved' });
    await http.ok('POST', `/api/v1/rounds/${id}/stages/ratsbeschluss/decision`, { outcome: 'approved', resolutionText: 'Beschlossen.', votes: { yes: 20, no: 3, abstain: 1 } });
  });
  const completedCount = async () => (await db.query(`SELECT count(*)::int AS n FROM round WHERE template_key = $1 AND status = 'completed'`, [key])).rows[0].n;
  const visibleCount = async () =>
    (await temporal.workflow.count(`${SEARCH_ATTRIBUTES.template.name} = "${key}" AND ExecutionStatus = "Completed"`)).count;
  // Visibility is eventually consistent: wait (bounded) for it to catch up, then count.
  await until('the read model and Temporal visibility showing every round completed', async () => ((await completedCount()) >= started && (await visibleCount()) >= started) || undefined, 60_000, 500).catch(() => undefined);
  const completed = await completedCount();
  const visible = await visibleCount();
  results.P3 = {
    title: 'Rounds driven to completion',
    started,
    completed,
    visibleCompleted: visible,
    completedRatio: completed / started,
    visibilityRatio: visible / started,
    ratio: Math.min(completed, visible) / started,
    secondsForAll: ms / 1000,
    does: `${started} rounds of a two-stage template (a copy of kurzverfahren) started and decided over HTTP, ${SIZE.concurrency} at a time: completed in the read model ÷ started, and Temporal visibility count (RatswegTemplate = "${key}" AND ExecutionStatus = "Completed") ÷ started`,
    target: '= 1 (both)',
    met: completed === started && visible === started,
  };
  log(`P3: ${started} started, ${completed} completed, ${visible} visible as completed (${round(ms / 1000, 1)} s)`);
  perRound.kurzverfahren = await costsOf(ctx, ids[0]);
}

// --- P6: history of a round over years --------------------------------------------------------

const inMinutes = (minutes) => new Date(Date.now() + minutes * 60_000).toISOString();

/** The digitale-agenda template with every duration shrunk (one day = 0.1 s) and `reports` status reports `every` apart. */
function digitaleAgenda(every, reports) {
  const fast = compressDurations(template('digitale-agenda'), 0.1);
  return { ...fast, stages: fast.stages.map((stage) => (stage.statusReports ? { ...stage, statusReports: { ...stage.statusReports, every, count: reports } } : stage)) };
}

async function driveDigitaleAgenda({ http }, version, title) {
  const { id } = await http.ok('POST', '/api/v1/rounds', {
    templateKey: 'digitale-agenda',
    templateVersion: version,
    title,
    meetings: { 'digitales-forum': inMinutes(60), fachausschuss: inMinutes(60), rat: inMinutes(90) },
  });
  const decide = (stage, body) => http.ok('POST', `/api/v1/rounds/${id}/stages/${stage}/decision`, body);
  for (const stage of ['digitales-forum', 'werkstaetten', 'leitlinien-entwurf']) await decide(stage, { outcome: 'completed' });
  // The online discussion closes by itself when its (compressed) six weeks are over.
  await until('the briefings opening', async () => {
    const round = await http.ok('GET', `/api/v1/rounds/${id}`);
    return round.stages.find((stage) => stage.key === 'unterrichtung-arbeitskreis')?.status === 'open' || undefined;
  }, 120_000, 200);
  for (const stage of ['unterrichtung-arbeitskreis', 'unterrichtung-fachbeirat']) await decide(stage, { outcome: 'acknowledged' });
  await decide('fachausschuss', { outcome: 'approved' });
  await decide('ratsbeschluss', { outcome: 'approved', resolutionText: 'Der Rat beschließt die Digitale Agenda.', votes: { yes: 41, no: 5, abstain: 2 } });
  await until('the round completing', async () => (await http.ok('GET', `/api/v1/rounds/${id}`)).status === 'completed' || undefined, 600_000, 500);
  return id;
}

/** Status reports this far apart each get their own timer and recording even on a busy machine (closer ones would be recorded together). */
const REPORT_EVERY = 'PT0.75S';

async function benchLongRound(ctx) {
  const { http } = ctx;
  const reports = SIZE.p6Reports;
  const real = template('digitale-agenda');
  const realReports = real.stages.find((stage) => stage.statusReports)?.statusReports;
  await http.ok('POST', '/api/v1/templates', { ...digitaleAgenda(REPORT_EVERY, reports), version: 2 });
  await http.ok('POST', '/api/v1/templates', { ...digitaleAgenda(REPORT_EVERY, realReports.count), version: 3 });
  // The long one and one with the shipped template's own number of reports (for the per-round costs), side by side.
  const started = performance.now();
  const [longId, realId] = await Promise.all([driveDigitaleAgenda(ctx, 2, 'Messlauf Jahrzehnte'), driveDigitaleAgenda(ctx, 3, 'Messlauf Digitale Agenda')]);
  const long = await costsOf(ctx, longId);
  perRound['digitale-agenda'] = await costsOf(ctx, realId);
  const largest = Math.max(...long.temporal.historyEventsPerRun);
  results.P6 = {
    title: 'Largest history of one run ÷ 4,096',
    largestRunEvents: largest,
    runs: long.temporal.runs,
    eventsAllRuns: long.temporal.historyEvents,
    historyEventsPerRun: long.temporal.historyEventsPerRun,
    activities: long.temporal.activities,
    timers: long.temporal.timers,
    historyBytes: long.temporal.historyBytes,
    statusReports: reports,
    years: reports * monthsOf(realReports.every) / 12,
    continueAsNewAfterEvents: 1_000,
    secondsForRun: (performance.now() - started) / 1000,
    does: `one round of digitale-agenda with every duration compressed (one day = 0.1 s) and ${reports} quarterly implementation status reports (${reports * monthsOf(realReports.every) / 12} years; the shipped template has ${realReports.count}), ${REPORT_EVERY} apart (long enough for each report to get its own timer and recording, as over real months), driven through every stage over HTTP with the production worker and its default ROUND_HISTORY_EVENT_LIMIT (1,000); the history of every run of the chain fetched from Temporal`,
    ratio: largest / 4_096,
    target: '≤ 0.5',
    met: largest / 4_096 <= 0.5,
  };
  log(`P6: ${long.temporal.runs} runs, largest ${largest} events (${round(largest / 4096)})`);
}

const monthsOf = (iso) => {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(iso);
  if (!match) return NaN;
  return Number(match[1] ?? 0) * 12 + Number(match[2] ?? 0) + Number(match[3] ?? 0) * 7 / 30.44 + Number(match[4] ?? 0) / 30.44;
};

/** What one round costs: Temporal history (all runs), activities, timers, database rows and bytes, notifications. */
async function costsOf({ temporal, db }, roundId) {
  const workflowId = roundWorkflowId(roundId);
  const runs = [];
  for await (const execution of temporal.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runs.push(execution.runId);
  let events = 0;
  let activities = 0;
  let localActivities = 0;
  let timers = 0;
  let workflowTasks = 0;
  let updates = 0;
  let historyBytes = 0;
  const historyEventsPerRun = [];
  for (const runId of runs) {
    const handle = temporal.workflow.getHandle(workflowId, runId);
    historyBytes += Number((await handle.describe()).raw.workflowExecutionInfo?.historySizeBytes ?? 0);
    const history = await handle.fetchHistory();
    const list = history.events ?? [];
    historyEventsPerRun.push(list.length);
    events += list.length;
    for (const event of list) {
      if (event.activityTaskScheduledEventAttributes) activities += 1;
      // A local activity leaves one marker (the recordings since workflows v0.4.0).
      if (event.markerRecordedEventAttributes?.markerName === 'core_local_activity') localActivities += 1;
      if (event.timerStartedEventAttributes) timers += 1;
      if (event.workflowTaskCompletedEventAttributes) workflowTasks += 1;
      if (event.workflowExecutionUpdateAcceptedEventAttributes) updates += 1;
    }
  }
  const rowsOf = async (sql) => (await db.query(sql, [roundId])).rows[0];
  const tables = {
    round: await rowsOf(`SELECT count(*)::int AS rows, coalesce(sum(pg_column_size(t.*)), 0)::int AS bytes FROM round t WHERE id = $1`),
    audit_entry: await rowsOf(`SELECT count(*)::int AS rows, coalesce(sum(pg_column_size(t.*)), 0)::int AS bytes FROM audit_entry t WHERE round_id = $1`),
    notification: await rowsOf(`SELECT count(*)::int AS rows, coalesce(sum(pg_column_size(t.*)), 0)::int AS bytes FROM notification t WHERE round_id = $1`),
    delivery: await rowsOf(`SELECT count(*)::int AS rows, coalesce(sum(pg_column_size(t.*)), 0)::int AS bytes FROM delivery t JOIN notification n ON n.id = t.notification_id WHERE n.round_id = $1`),
    delivery_attempt: await rowsOf(
      `SELECT count(*)::int AS rows, coalesce(sum(pg_column_size(t.*)), 0)::int AS bytes FROM delivery_attempt t JOIN delivery d ON d.id = t.delivery_id JOIN notification n ON n.id = d.notification_id WHERE n.round_id = $1`,
    ),
  };
  const emails = (await rowsOf(`SELECT count(*)::int AS n FROM delivery d JOIN notification n ON n.id = d.notification_id WHERE n.round_id = $1 AND d.channel = 'email'`)).n;
  return {
    roundId,
    temporal: { runs: runs.length, historyEvents: events, historyBytes, historyEventsPerRun, activities, localActivities, timers, workflowTasks, updates },
    database: { tables, rows: Object.values(tables).reduce((sum, table) => sum + table.rows, 0), bytes: Object.values(tables).reduce((sum, table) => sum + table.bytes, 0) },
    notifications: { notifications: tables.notification.rows, deliveries: tables.delivery.rows, emails },
  };
}

// --- P4: reminders through the outbox -----------------------------------------------------------

async function benchReminders(ctx) {
  const { http, db, smtp } = ctx;
  // One real reminder, written by a real round: the row every measured reminder is a copy of.
  await http.ok('POST', '/api/v1/templates', {
    key: 'bench-erinnerung',
    version: 1,
    title: { de: 'Messlauf: Frist mit Erinnerung', en: 'Benchmark: deadline with a reminder' },
    stages: [
      {
        key: 'stellungnahme',
        type: 'committee_consultation',
        title: { de: 'Stellungnahme', en: 'Statement' },
        deadline: { offset: 'PT60S' },
        reminders: { before: ['PT58S'], audiences: ['administrator'] },
        outcomes: { approved: { to: 'end' } },
      },
    ],
  });
  const { id: roundId } = await http.ok('POST', '/api/v1/rounds', { templateKey: 'bench-erinnerung', title: 'Messlauf Erinnerung' });
  const source = await until('the round writing its reminder and the worker mailing it', async () => {
    const { rows } = await db.query(
      `SELECT n.id, d.subject, d.body_text, d.body_html, d.ics FROM notification n JOIN delivery d ON d.notification_id = n.id
        WHERE n.round_id = $1 AND n.kind = 'reminder.due' AND d.channel = 'email' AND d.status = 'sent'`,
      [roundId],
    );
    return rows[0];
  }, 60_000, 200);
  await http.ok('POST', `/api/v1/rounds/${roundId}/stages/stellungnahme/decision`, { outcome: 'approved' });
  const quiet = () =>
    until('the outbox being empty', async () => {
      const { rows } = await db.query(
        `SELECT (SELECT count(*) FROM notification WHERE status = 'pending')::int + (SELECT count(*) FROM delivery WHERE status IN ('pending', 'sending'))::int AS n`,
      );
      return rows[0].n === 0 || undefined;
    }, 120_000, 100);
  await quiet();

  const transport = nodemailer.createTransport({ url: smtp.url, pool: true, maxConnections: 5 });
  const received = (from, count) => until(`${count} e-mails at the SMTP server`, () => (smtp.received.length >= from + count ? smtp.received[from + count - 1].at : undefined), 300_000, 20);
  const count = SIZE.p4Mails;
  const firstMeasured = smtp.received.length;
  try {
    const measured = await repeat(
      'P4',
      async (rep) => {
        await quiet();
        const from = smtp.received.length;
        const started = performance.now();
        await db.query(
          `INSERT INTO notification (tenant, round_id, stage_key, kind, audience, occurrence, idempotency_key, payload)
           SELECT tenant, round_id, stage_key, kind, audience, occurrence || ':bench-' || $2 || '-' || n, idempotency_key || ':bench-' || $2 || '-' || n, payload
             FROM notification, generate_series(1, $3::int) AS n WHERE id = $1`,
          [source.id, rep, count],
        );
        const last = await received(from, count);
        return { perSecond: (count / (last - started)) * 1000, firstMailMs: smtp.received[from].at - started };
      },
      async (rep) => {
        const from = smtp.received.length;
        const started = performance.now();
        await Promise.all(
          Array.from({ length: count }, (_, n) =>
            transport.sendMail({
              from: 'Ratsweg <ratsweg@localhost>',
              to: ADMIN.email,
              subject: source.subject,
              text: source.body_text,
              html: source.body_html,
              messageId: `<raw-${rep}-${n}-${randomUUID()}@bench.example>`,
              ...(source.ics ? { attachments: [{ filename: 'frist.ics', content: source.ics, contentType: 'text/calendar; charset=utf-8; method=PUBLISH' }] } : {}),
            }),
          ),
        );
        const last = await received(from, count);
        return { perSecond: (count / (last - started)) * 1000, firstMailMs: smtp.received[from].at - started };
      },
    );
    await quiet();
    // Every e-mail of the system in the whole run counts for duplicates; those of the repetitions must all have arrived.
    const ours = smtp.received.filter((mail) => !mail.messageId.startsWith('<raw-'));
    const duplicates = ours.length - new Set(ours.map((mail) => mail.messageId)).size;
    const oursMeasured = smtp.received.slice(firstMeasured).filter((mail) => !mail.messageId.startsWith('<raw-')).length;
    const expected = (SIZE.warmups + SIZE.reps) * count;
    results.P4 = {
      title: 'Reminders delivered per second',
      ours: { perSecond: med(measured, 'ours', 'perSecond'), firstMailMs: med(measured, 'ours', 'firstMailMs'), does: `${count} reminder notifications written to the outbox in one statement (copies of a real reminder row); the production worker's dispatcher expands them to recipients (the round's administrator: inbox + e-mail), renders, leases, sends through its pooled nodemailer (5 connections) and records each attempt; timed from the insert to the last message accepted by the SMTP server (the dispatcher is woken by the insert's NOTIFY; its regular look every 100 ms)` },
      raw: { perSecond: med(measured, 'raw', 'perSecond'), firstMailMs: med(measured, 'raw', 'firstMailMs'), does: `${count} messages of the same content through one pooled nodemailer transport (5 connections) to the same SMTP server, all handed over at once` },
      mailsPerRep: count,
      oursMailsReceived: oursMeasured,
      oursMailsExpected: expected,
      duplicates,
      ratio: ratioMedian(measured, 'perSecond'),
      target: '≥ 0.8, duplicates = 0',
      met: ratioMedian(measured, 'perSecond') >= 0.8 && duplicates === 0,
      reps: measured,
    };
    if (oursMeasured !== expected) throw new Error(`P4: the SMTP server received ${oursMeasured} of our e-mails, expected ${expected}`);
  } finally {
    transport.close();
  }
}

// --- P7: the list of rounds over many rounds ----------------------------------------------------

async function benchList(ctx) {
  const { http, db } = ctx;
  // Copies of a real read-model row (written by the worker), spread over four templates and three statuses.
  const { rows } = await db.query(`SELECT id FROM round WHERE tenant = $1 AND seq > 0 ORDER BY created_at LIMIT 1`, [TENANT]);
  const sourceId = rows[0]?.id ?? (await http.ok('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title: 'Messlauf Liste' })).id;
  await untilRoundsRecorded(ctx);
  const existing = (await db.query(`SELECT count(*)::int AS n FROM round WHERE tenant = $1`, [TENANT])).rows[0].n;
  const seeded = Math.max(0, SIZE.p7Rows - existing);
  const columns = (await db.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'round' AND table_schema = current_schema() ORDER BY ordinal_position`)).rows.map(
    (row) => row.column_name,
  );
  const overrides = {
    id: 'g.id',
    workflow_id: `'round-' || g.id`,
    title: `'Messlauf Liste ' || g.n`,
    template_key: `'bench-liste-' || (g.n % 4)`,
    status: `(ARRAY['running', 'completed', 'cancelled'])[1 + g.n % 3]`,
    created_at: 'now() - make_interval(secs => g.n)',
    updated_at: 'now() - make_interval(secs => g.n)',
  };
  await db.query(
    `INSERT INTO round (${columns.map((column) => `"${column}"`).join(', ')})
     SELECT ${columns.map((column) => overrides[column] ?? `r."${column}"`).join(', ')}
       FROM round r, (SELECT gen_random_uuid() AS id, n FROM generate_series(1, $2::int) AS n) AS g WHERE r.id = $1`,
    [sourceId, seeded],
  );
  await db.query('ANALYZE round');
  const total = (await db.query(`SELECT count(*)::int AS n FROM round WHERE tenant = $1`, [TENANT])).rows[0].n;
  const path = '/api/v1/rounds?status=running&template=bench-liste-1';
  const sql = `SELECT * FROM round WHERE tenant = $1 AND status = ANY($2) AND template_key = $3 ORDER BY created_at DESC, id DESC LIMIT 51`;
  const params = [TENANT, ['running'], 'bench-liste-1'];
  // The API's own statement for this page (its columns and sort value), timed the same way: what of ours is not SQL.
  const ours = roundListStatement({ tenant: TENANT, status: ['running'], template: 'bench-liste-1', sort: 'createdAt', descending: true, limit: 50, now: new Date() });
  const raw = new pg.Pool({ connectionString: ctx.env.DATABASE_URL, max: 2 });
  try {
    const check = await http.ok('GET', path);
    const direct = await raw.query(sql, params);
    if (check.data.length !== Math.min(50, direct.rows.length)) throw new Error(`P7: the API listed ${check.data.length} rounds, SQL ${direct.rows.length}`);
    const measured = await repeat(
      'P7',
      async () => {
        const samples = [];
        const floor = [];
        for (let n = 0; n < SIZE.p7Samples; n += 1) {
          samples.push((await timed(() => http.ok('GET', path))).ms);
          floor.push((await timed(() => fetch(`${http.base}/health/live`).then((response) => response.text()))).ms);
        }
        return { p50: percentile(samples, 50), httpFloorP50: percentile(floor, 50) };
      },
      async () => {
        const samples = [];
        const ourStatement = [];
        for (let n = 0; n < SIZE.p7Samples; n += 1) {
          samples.push((await timed(() => raw.query(sql, params))).ms);
          ourStatement.push((await timed(() => raw.query(ours.sql, ours.params))).ms);
        }
        return { p50: percentile(samples, 50), ourStatementP50: percentile(ourStatement, 50) };
      },
    );
    const plan = (await db.query(`EXPLAIN ${sql.replace('$1', `'${TENANT}'`).replace('$2', `ARRAY['running']`).replace('$3', `'bench-liste-1'`)}`)).rows.map((row) => row['QUERY PLAN']);
    results.P7 = {
      title: 'GET /api/v1/rounds with filters, p50 (ms)',
      rounds: total,
      ours: { p50: med(measured, 'ours', 'p50'), httpFloorP50: med(measured, 'ours', 'httpFloorP50'), does: `GET ${path} over HTTP (page of 50): bearer check, query validation, the list query of the read model, presentation as JSON` },
      raw: {
        p50: med(measured, 'raw', 'p50'),
        ourStatementP50: med(measured, 'raw', 'ourStatementP50'),
        does: `the same page straight from PostgreSQL through pg: ${sql}; beside it (ourStatementP50) the API's own statement for the page through pg: ${ours.sql.replace(/\s+/g, ' ')}`,
        plan,
      },
      samplesPerRep: SIZE.p7Samples,
      ratio: ratioMedian(measured, 'p50'),
      target: '≤ 1.2',
      met: ratioMedian(measured, 'p50') <= 1.2,
      reps: measured,
    };
  } finally {
    await raw.end();
  }
}

// --- P5: worker memory per cached open round ------------------------------------------------------

async function benchMemory(ctx) {
  const { temporal, env, scratch, baselineBundle } = ctx;
  const kurz = template('kurzverfahren');
  const settle = async (ids) => {
    for (const workflowId of ids) {
      await until(`${workflowId} settling`, async () => {
        const raw = (await temporal.workflow.getHandle(workflowId).describe()).raw;
        return (!raw.pendingWorkflowTask && (raw.pendingActivities ?? []).length === 0 && Number(raw.workflowExecutionInfo?.historyLength ?? 0) > 3) || undefined;
      }, 120_000, 50);
    }
  };
  const rssOf = async (child) => {
    const samples = [];
    for (let n = 0; n < 5; n += 1) {
      await sleep(200);
      samples.push(child.rss());
    }
    return median(samples);
  };
  const measure = async (name, child, start) => {
    const warm = [];
    for (let n = 0; n < 20; n += 1) warm.push(await start());
    await settle(warm);
    await sleep(1_000);
    const before = await rssOf(child);
    const ids = [];
    await pool(SIZE.p5Workflows, 4, async () => ids.push(await start()));
    await settle(ids);
    await sleep(1_000);
    const after = await rssOf(child);
    const perWorkflow = (after - before) / SIZE.p5Workflows;
    log(`P5 ${name}: RSS ${round(before / 2 ** 20, 1)} MiB → ${round(after / 2 ** 20, 1)} MiB with ${SIZE.p5Workflows} more open workflows: ${round(perWorkflow / 1024, 1)} KiB each`);
    return { rssBefore: before, rssAfter: after, perWorkflowBytes: perWorkflow };
  };

  const roundQueue = `bench-memory-rounds-${randomUUID()}`;
  const roundWorker = new Child('memory-worker', join(ROOT, 'apps/worker/dist/main.js'), { ...env, TEMPORAL_TASK_QUEUE: roundQueue, WORKER_HTTP_PORT: String(await freePort()) }, join(scratch, 'memory-worker.log'));
  let ours;
  try {
    await roundWorker.waitFor(/Ratsweg worker polling task queue/);
    ours = await measure('rounds', roundWorker, async () => {
      const roundId = randomUUID();
      const handle = await temporal.workflow.start(ROUND_WORKFLOW_TYPE, {
        workflowId: roundWorkflowId(roundId),
        taskQueue: roundQueue,
        args: [{ roundId, title: 'Messlauf Speicher', template: kurz, tenant: TENANT, actor: 'bench', requestedAt: new Date().toISOString(), continueAsNewAfterEvents: 1_000 }],
        typedSearchAttributes: new TypedSearchAttributes([
          { key: SEARCH_ATTRIBUTES.tenant, value: TENANT },
          { key: SEARCH_ATTRIBUTES.template, value: kurz.key },
          { key: SEARCH_ATTRIBUTES.status, value: 'running' },
        ]),
      });
      return handle.workflowId;
    });
  } finally {
    await roundWorker.stop();
  }
  const trivialQueue = `bench-memory-trivial-${randomUUID()}`;
  const trivialWorker = new Child(
    'memory-baseline-worker',
    join(ROOT, 'infra/bench/baseline-worker.mjs'),
    { ...env, TEMPORAL_TASK_QUEUE: trivialQueue, BASELINE_BUNDLE_PATH: baselineBundle },
    join(scratch, 'memory-baseline-worker.log'),
  );
  let raw;
  try {
    await trivialWorker.waitFor(/Baseline worker polling task queue/);
    raw = await measure('trivial', trivialWorker, async () => (await temporal.workflow.start('trivialWorkflow', { workflowId: `trivial-${randomUUID()}`, taskQueue: trivialQueue, args: [] })).workflowId);
  } finally {
    await trivialWorker.stop();
  }
  results.P5 = {
    title: 'Worker memory (RSS) per cached open workflow',
    workflows: SIZE.p5Workflows,
    ours: { ...ours, does: `the production worker (its own process and task queue) with ${SIZE.p5Workflows} open kurzverfahren rounds in its cache, after 20 warm-up rounds; RSS difference ÷ rounds` },
    raw: { ...raw, does: `a baseline worker process with ${SIZE.p5Workflows} open trivial workflows (each waits for one signal), after 20 warm-up ones` },
    ratio: ours.perWorkflowBytes / raw.perWorkflowBytes,
    target: '≤ 2',
    met: ours.perWorkflowBytes / raw.perWorkflowBytes <= 2,
  };
}

// ---------------------------------------------------------------------------------------------

function gitCommit() {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit} (with uncommitted changes)` : commit;
  } catch {
    return 'unknown';
  }
}

function machine() {
  const list = cpus();
  return { host: hostname(), cpu: list[0]?.model ?? 'unknown', cores: list.length, memoryGiB: round(totalmem() / 2 ** 30, 1), os: `${process.platform} ${release()}`, node: process.version };
}

// Ctrl-C: stop what was started and drop the database before leaving.
process.once('SIGINT', () => {
  console.error('Interrupted; cleaning up …');
  void (async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
    process.exit(130);
  })();
});

// Last, so that every declaration above is initialised when it runs.
try {
  await main();
} catch (error) {
  failed = error;
  console.error(error instanceof Error ? error.stack : error);
} finally {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error) => console.error(`cleanup: ${error.message}`));
}
process.exit(failed ? 1 : 0);
