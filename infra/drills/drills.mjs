// `npm run drills`: fault drills against the real Temporal server on PostgreSQL, with two worker
// and two API processes and hundreds of rounds in flight. Writes infra/reports/drills.{json,md}.
// `npm run drills -- --ci`: the smaller variant CI runs (report in a temporary directory).
// `--only R1,R3` runs some drills; `--rounds N` overrides the number of rounds per drill.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, release, tmpdir, totalmem, type as osType } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleWorkflowCode } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import { createRequire } from 'node:module';
import pg from 'pg';
import { migrateUp } from '@ratsweg/persistence';
import { build } from '../local/bootstrap.mjs';
import { freePort } from '../testing/free-port.mjs';
import { startTemporalServer, ensureTemporalServer } from '../temporal/server.mjs';
import { startPrivatePostgres } from './postgres.mjs';
import { RatswegProcess } from './processes.mjs';
import { DrillSmtpServer } from './smtp.mjs';
import { SCENARIOS } from './scenarios.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const { values: args } = parseArgs({
  options: {
    ci: { type: 'boolean', default: false },
    only: { type: 'string' },
    rounds: { type: 'string' },
    'report-dir': { type: 'string' },
    'keep-logs': { type: 'boolean', default: false },
  },
});

/** Full: ≥ 200 rounds in flight and the outages the issue names; CI: fewer rounds, shorter outages. */
const PROFILE = args.ci
  ? { name: 'ci', rounds: 40, temporalOutageS: 10, postgresOutageS: 5, smtpOutageS: 20, killedWorkerDownS: 3 }
  : { name: 'full', rounds: 200, temporalOutageS: 30, postgresOutageS: 10, smtpOutageS: 60, killedWorkerDownS: 5 };
if (args.rounds) PROFILE.rounds = Number(args.rounds);

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message) => console.warn(message),
  error: (message) => console.error(message),
};

const log = (line) => console.log(`[drills ${new Date().toISOString().slice(11, 19)}] ${line}`);

const work = mkdtempSync(join(tmpdir(), 'ratsweg-drills-'));
const logDir = join(work, 'logs');
mkdirSync(logDir, { recursive: true });
const cleanups = [];
let exitCode = 0;

async function cleanUp() {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup();
    } catch (error) {
      console.error(`cleanup: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`${signal}: stopping everything the drills started (logs kept in ${logDir})`);
    void cleanUp().finally(() => process.exit(130));
  });
}

try {
  const startedAt = new Date();
  const t0 = Date.now();
  // API, worker and workflow code as in this working copy (a stale build would drill old code).
  build();
  ensureTemporalServer(log);

  log('starting a private PostgreSQL cluster');
  const postgres = await startPrivatePostgres({ maxConnections: 300 });
  cleanups.push(() => postgres.destroy());

  log('starting the Temporal server on it');
  const temporal = await startTemporalServer({ db: { host: postgres.host, port: postgres.port, user: 'postgres' }, log });
  cleanups.push(() => temporal.stop());

  const databaseUrl = await postgres.createDatabase('ratsweg_drills');
  await migrateUp({ url: databaseUrl });

  const smtp = await new DrillSmtpServer().start();
  cleanups.push(() => smtp.stop());

  log('bundling the workflow code');
  const require = createRequire(import.meta.url);
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('@ratsweg/workflows'), logger: quietLogger });
  const bundlePath = join(work, 'workflow-bundle.js');
  writeFileSync(bundlePath, code);

  const tenant = 'drills';
  const admin = { email: 'admin@drills.example', password: `Drill password ${randomUUID()}` };
  const env = {
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '10',
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    TEMPORAL_TASK_QUEUE: 'ratsweg-drills',
    WORKFLOW_BUNDLE_PATH: bundlePath,
    RATSWEG_TENANT: tenant,
    RATSWEG_ADMIN_EMAIL: admin.email,
    RATSWEG_ADMIN_PASSWORD: admin.password,
    RATSWEG_REQUIRE_MFA: 'false',
    RATE_LIMIT_LOGIN_PER_MINUTE: '10000',
    SMTP_URL: smtp.url,
    NOTIFICATION_DISPATCH_INTERVAL_MS: '200',
    NOTIFICATION_RETRY_BASE_MS: '1000',
    NOTIFICATION_MAX_ATTEMPTS: '30',
    // A killed worker's leased deliveries are taken over after 10 s instead of 2 minutes.
    NOTIFICATION_LEASE_MS: '10000',
    PUBLIC_BASE_URL: 'https://ratsweg.example',
    LOG_LEVEL: 'warn',
  };
  const apis = [];
  const workers = [];
  for (const n of [1, 2]) {
    apis.push(new RatswegProcess(`api-${n}`, 'api', { root: ROOT, logDir, env: { ...env, PORT: String(await freePort()) } }));
    workers.push(new RatswegProcess(`worker-${n}`, 'worker', { root: ROOT, logDir, env: { ...env, WORKER_HTTP_PORT: String(await freePort()) } }));
  }
  cleanups.push(() => Promise.all([...apis, ...workers].map((process) => process.stop())));
  log('starting two APIs and two workers');
  await Promise.all([...apis, ...workers].map((process) => process.start()));

  const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  db.on('error', () => undefined);
  cleanups.push(() => db.end());
  const connection = await Connection.connect({ address: temporal.address });
  cleanups.push(() => connection.close());
  const temporalClient = new Client({ connection, namespace: temporal.namespace });

  const context = { root: ROOT, profile: PROFILE, apis, workers, temporal, postgres, smtp, db, temporalClient, admin, log, env, work, logDir };
  context.token = await login(apis[0].url, admin);
  log(`ready after ${Math.round((Date.now() - t0) / 1000)} s`);

  const commit = gitCommit();
  const only = args.only ? new Set(args.only.split(',').map((id) => id.trim().toUpperCase())) : undefined;
  const results = {};
  for (const scenario of SCENARIOS) {
    if (only && !only.has(scenario.id)) continue;
    log(`${scenario.id}: ${scenario.title}`);
    const began = Date.now();
    let result;
    try {
      result = await scenario.run(context);
    } catch (error) {
      result = { pending: false, error: error instanceof Error ? error.stack : String(error) };
    }
    result.commit = commit;
    result.durationSeconds = Math.round((Date.now() - began) / 1000);
    result.unexpectedProcessExits = [...apis, ...workers].flatMap((process) => process.unexpectedExits.map((exit) => ({ process: process.name, ...exit })));
    for (const process of [...apis, ...workers]) process.unexpectedExits = [];
    result.failures = failuresOf(result);
    result.passed = !result.pending && result.failures.length === 0;
    results[scenario.id] = result;
    log(`${scenario.id}: ${result.pending ? 'pending' : result.passed ? 'passed' : `FAILED (${result.failures.join('; ')})`} ${summary(result)}`);
    // Whatever the drill did, the next one starts with everything up.
    await Promise.all([...apis, ...workers].filter((process) => !process.running).map((process) => process.start()));
  }

  const report = {
    variant: PROFILE.name,
    commit,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - t0) / 1000),
    machine: machine(),
    setup: {
      temporalServer: temporal.version,
      postgres: await serverVersion(db),
      apis: apis.length,
      workers: workers.length,
      roundsPerDrill: PROFILE.rounds,
      outages: { temporalSeconds: PROFILE.temporalOutageS, postgresSeconds: PROFILE.postgresOutageS, smtpSeconds: PROFILE.smtpOutageS },
      workerSettings: Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('NOTIFICATION_'))),
    },
    drills: results,
  };
  const reportDir = args['report-dir'] ?? (args.ci ? join(tmpdir(), 'ratsweg-drills-ci') : join(ROOT, 'infra', 'reports'));
  mkdirSync(reportDir, { recursive: true });
  writeFileSync(join(reportDir, 'drills.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(reportDir, 'drills.md'), markdown(report));
  log(`report: ${join(reportDir, 'drills.json')} and drills.md`);
  const failed = Object.entries(results).filter(([, result]) => !result.pending && !result.passed);
  if (failed.length > 0) {
    exitCode = 1;
    log(`FAILED: ${failed.map(([id]) => id).join(', ')} (process logs kept in ${logDir})`);
  }
} catch (error) {
  exitCode = 1;
  console.error(error);
  console.error(`process logs: ${logDir}`);
} finally {
  await cleanUp();
  if (exitCode === 0 && !args['keep-logs']) rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode);

/** What makes a drill fail: anything lost or doubled, a round not completed, a 500, a crash. */
function failuresOf(result) {
  if (result.pending) return [];
  const failures = [];
  if (result.error) failures.push(`error: ${result.error.split('\n')[0]}`);
  if (result.roundsLost !== 0) failures.push(`roundsLost ${result.roundsLost}`);
  if (result.roundsStarted !== result.roundsCompleted) failures.push(`${result.roundsStarted - result.roundsCompleted} rounds not completed`);
  if (result.decisionsLost !== 0) failures.push(`decisionsLost ${result.decisionsLost}`);
  if (result.notificationsDuplicated !== 0) failures.push(`notificationsDuplicated ${result.notificationsDuplicated}`);
  if (result.notificationsDelivered !== result.notificationsExpected) failures.push(`notifications ${result.notificationsDelivered}/${result.notificationsExpected} delivered`);
  if ((result.roundsDuplicated ?? 0) !== 0) failures.push(`roundsDuplicated ${result.roundsDuplicated}`);
  if ((result.http?.['500'] ?? 0) !== 0) failures.push(`${result.http['500']} answers 500`);
  for (const check of result.checks ?? []) if (!check.ok) failures.push(check.name);
  if ((result.unexpectedProcessExits ?? []).length > 0) failures.push(`unexpected exits: ${result.unexpectedProcessExits.map((exit) => exit.process).join(', ')}`);
  return failures;
}

function summary(result) {
  if (result.pending) return result.reason ?? '';
  return `rounds ${result.roundsCompleted}/${result.roundsStarted}, decisions ${result.decisionsAccepted} (lost ${result.decisionsLost}), mails ${result.notificationsDelivered}/${result.notificationsExpected} (duplicated ${result.notificationsDuplicated}, same Message-ID again ${result.notificationsResentSameMessageId}), recovery ${result.recoverySeconds} s`;
}

async function login(base, admin) {
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: admin.email, password: admin.password }),
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return (await response.json()).accessToken;
}

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
  return {
    hostname: hostname(),
    os: `${osType()} ${release()}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
  };
}

async function serverVersion(db) {
  try {
    return (await db.query('SHOW server_version')).rows[0].server_version;
  } catch {
    return 'unknown';
  }
}

function markdown(report) {
  const columns = [
    'roundsStarted',
    'roundsCompleted',
    'roundsLost',
    'decisionsAccepted',
    'decisionsLost',
    'notificationsExpected',
    'notificationsDelivered',
    'notificationsDuplicated',
    'notificationsResentSameMessageId',
    'recoverySeconds',
  ];
  const lines = [
    `# Fault drills (${report.variant})`,
    '',
    `Commit \`${report.commit}\`, ${report.startedAt} – ${report.finishedAt} (${report.durationSeconds} s).`,
    `Machine: ${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGiB} GiB, ${report.machine.os}, Node ${report.machine.node}.`,
    `Temporal Server ${report.setup.temporalServer} on PostgreSQL ${report.setup.postgres} (a private cluster that also holds Ratsweg's database), ` +
      `${report.setup.apis} API and ${report.setup.workers} worker processes, ${report.setup.roundsPerDrill} rounds per drill.`,
    '',
    `| drill | result | ${columns.join(' | ')} |`,
    `|---|---|${columns.map(() => '---:').join('|')}|`,
  ];
  for (const [id, result] of Object.entries(report.drills)) {
    const verdict = result.pending ? 'pending' : result.passed ? 'passed' : 'FAILED';
    lines.push(`| ${id} | ${verdict} | ${columns.map((column) => result[column] ?? '—').join(' | ')} |`);
  }
  lines.push(
    '',
    'Rounds count as completed when both the read model and Temporal say so. A decision is accepted when the API answered 200, lost when it is not in the round at the end. ' +
      'Notifications: three e-mails per round (stage opened, reminder, round completed); *duplicated* = one notification reaching its recipient as more than one message; ' +
      '*resentSameMessageId* = the same message (same Message-ID) arriving again, SMTP\'s at-least-once window when a worker dies after the mail server accepted a message and before it saved `sent` (shown once by clients that de-duplicate by Message-ID; reported, not a failure). ' +
      'recoverySeconds: from the end of the fault until every round start, stage deadline and e-mail that fell due before it was done.',
    '',
  );
  for (const [id, result] of Object.entries(report.drills)) {
    lines.push(`## ${id}: ${result.title ?? ''}`, '');
    if (result.pending) {
      lines.push(`Pending: ${result.reason}`, '');
      continue;
    }
    if (result.description) lines.push(result.description, '');
    if (result.failures.length > 0) lines.push(`**Failures:** ${result.failures.join('; ')}`, '');
    if (result.http) lines.push(`HTTP answers during the drill: ${Object.entries(result.http).map(([status, count]) => `${status} × ${count}`).join(', ')}.`);
    for (const check of result.checks ?? []) lines.push(`- ${check.ok ? '✓' : '✗'} ${check.name}${check.detail ? ` — ${check.detail}` : ''}`);
    for (const note of result.notes ?? []) lines.push(`- ${note}`);
    lines.push(`- took ${result.durationSeconds} s`, '');
  }
  return lines.join('\n') + '\n';
}
