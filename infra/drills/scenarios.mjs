// The fault drills R1–R6. Each drill starts its own batch of rounds of the drill template
// (second-scale durations), drives them to the end through the two APIs, injects its fault while
// they are in flight, and counts what was started, completed, decided and delivered.
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';

const TEMPLATE_KEY = 'drill';
/** Notifications every drill round causes, all to its administrator by e-mail. */
const EXPECTED_KINDS = ['stage.opened', 'reminder.due', 'round.completed'];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let templateVersion = 0;

/**
 * The drill template: `frist`, a public consultation that closes itself at its deadline, with a
 * reminder before it; then `beschluss`, decided by the administrator through the API.
 */
function drillTemplate(version, deadlineS, reminderBeforeS, { meeting = false } = {}) {
  return {
    key: TEMPLATE_KEY,
    version,
    title: { de: 'Übungsverfahren', en: 'Drill procedure' },
    stages: [
      {
        key: 'frist',
        type: 'public_consultation',
        title: { de: 'Öffentliche Beteiligung', en: 'Public consultation' },
        deadline: { offset: `PT${deadlineS}S` },
        reminders: { before: [`PT${reminderBeforeS}S`], audiences: ['administrator'] },
        notify: { onOpen: ['administrator'] },
        outcomes: { completed: { to: 'next' } },
      },
      {
        key: 'beschluss',
        type: 'committee_consultation',
        title: { de: 'Beschluss', en: 'Decision' },
        decidedBy: 'administrator',
        // R5: decided in a meeting whose date can be set while the stage still waits (the patched change of v0.3.0).
        ...(meeting ? { deadline: { meeting: 'sitzung' } } : {}),
        outcomes: { approved: { to: 'end' } },
      },
    ],
  };
}

/** One drill's batch of rounds and the client that drives them through the APIs. */
class Drill {
  constructor(ctx, id, { rounds, deadlineS, reminderBeforeS, meeting = false }) {
    this.meeting = meeting;
    this.ctx = ctx;
    this.id = id;
    this.run = randomUUID().slice(0, 8);
    this.count = rounds;
    this.deadlineS = deadlineS;
    this.reminderBeforeS = reminderBeforeS;
    /** index → { key, id?, attempts, failedAttempts, decision: { key, accepted, attempts } } */
    this.rounds = [];
    this.http = {};
    this.notes = [];
    this.checks = [];
    this.stopping = false;
    this.api = 0;
  }

  async request(method, path, body, key, apiIndex) {
    const api = this.ctx.apis[(apiIndex ?? this.api++) % this.ctx.apis.length];
    let status = 0;
    let json;
    let replayed = false;
    try {
      const response = await fetch(`${api.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.ctx.token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(key ? { 'idempotency-key': key } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(90_000),
      });
      status = response.status;
      replayed = response.headers.get('idempotency-replayed') === 'true';
      const text = await response.text();
      json = text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text;
      if (status >= 500 && status !== 503) this.notes.push(`${method} ${path} → ${status}: ${JSON.stringify(json).slice(0, 300)}`);
    } catch (error) {
      json = { error: error instanceof Error ? error.message : String(error) };
    }
    const label = status === 0 ? 'no answer' : String(status);
    this.http[label] = (this.http[label] ?? 0) + 1;
    return { status, body: json, replayed };
  }

  async uploadTemplate() {
    templateVersion += 1;
    this.templateVersion = templateVersion;
    const response = await this.request('POST', '/api/v1/templates', drillTemplate(templateVersion, this.deadlineS, this.reminderBeforeS, { meeting: this.meeting }), `${this.run}-template`);
    if (response.status !== 201) throw new Error(`template upload: ${response.status} ${JSON.stringify(response.body)}`);
  }

  /** Starts round `index`, retrying with the same Idempotency-Key until it is started. */
  async startRound(index) {
    const round = { index, key: `${this.run}-${this.id}-start-${index}`, attempts: 0, failedAttempts: 0, decision: { accepted: false, attempts: 0 } };
    this.rounds[index] = round;
    const body = {
      templateKey: TEMPLATE_KEY,
      templateVersion: this.templateVersion,
      title: `${this.id} ${this.run} #${index}`,
      ...(this.meeting ? { meetings: { sitzung: inDays(60) } } : {}),
    };
    const giveUp = Date.now() + 5 * 60_000;
    while (Date.now() < giveUp) {
      round.attempts += 1;
      const response = await this.request('POST', '/api/v1/rounds', body, round.key, index + round.attempts);
      if (response.status === 201) {
        round.id = response.body.id;
        round.startedAt = Date.now();
        break;
      }
      if (response.status >= 400 && response.status < 500 && response.body?.type !== '/problems/idempotency-key-in-progress') {
        throw new Error(`round start refused: ${response.status} ${JSON.stringify(response.body)}`);
      }
      round.failedAttempts += 1;
      await sleep(1_000);
    }
    if (round.id && round.failedAttempts > 0) {
      // The same request once more: it must name the same round, not start another one.
      const again = await this.request('POST', '/api/v1/rounds', body, round.key);
      round.retriedSameRound = again.status === 201 && again.body.id === round.id;
    }
  }

  async startAll(concurrency = 16) {
    this.startsBegan = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < this.count) await this.startRound(next++);
      }),
    );
    this.startsEnded = Date.now();
  }

  get ids() {
    return this.rounds.filter((round) => round?.id).map((round) => round.id);
  }

  async readModel() {
    const { rows } = await this.ctx.db.query('SELECT id, status, stages, meetings FROM round WHERE id = ANY($1::uuid[])', [this.ids]);
    return rows;
  }

  /** Decides `beschluss` of every round as soon as it is open (the administrator's decision). */
  async decideWhileRunning() {
    const inFlight = new Set();
    const byId = new Map();
    while (!this.stopping) {
      for (const round of this.rounds) if (round?.id) byId.set(round.id, round);
      let rows = [];
      try {
        rows = await this.readModel();
      } catch {
        // the database is down (R3): try again
      }
      for (const row of rows) {
        const stage = row.stages.find((candidate) => candidate.key === 'beschluss');
        const round = byId.get(row.id);
        if (!round || stage?.status !== 'open' || round.decision.accepted || inFlight.has(row.id)) continue;
        inFlight.add(row.id);
        void this.decide(round).finally(() => inFlight.delete(row.id));
      }
      await sleep(500);
    }
    while (inFlight.size > 0) await sleep(100);
  }

  async decide(round) {
    round.decision.key ??= `${this.run}-${this.id}-decision-${round.index}`;
    for (;;) {
      round.decision.attempts += 1;
      const response = await this.request('POST', `/api/v1/rounds/${round.id}/stages/beschluss/decision`, { outcome: 'approved' }, round.decision.key, round.index + round.decision.attempts);
      if (response.status === 200) {
        round.decision.accepted = true;
        round.decision.acceptedAt = Date.now();
        return;
      }
      if (response.status === 409 && response.body?.type === '/problems/stage-not-open') {
        round.decision.refused = (round.decision.refused ?? 0) + 1;
        return; // the read model was behind; the loop offers it again while the stage is open
      }
      if (response.status >= 400 && response.status < 500 && response.body?.type !== '/problems/idempotency-key-in-progress') {
        this.notes.push(`decision refused: ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`);
        return;
      }
      if (this.stopping) return;
      await sleep(1_000);
    }
  }

  /** Resolves when `fraction` of the rounds have been started. */
  async untilStarted(fraction) {
    while (this.ids.length < Math.ceil(this.count * fraction)) await sleep(100);
  }

  /** Resolves when every started round's `frist` is open in the read model. */
  async untilAllOpen() {
    for (;;) {
      if (this.startsEnded) {
        const rows = await this.readModel().catch(() => []);
        if (rows.length === this.ids.length && rows.every((row) => row.stages.some((stage) => stage.key === 'frist' && stage.status !== 'pending'))) return rows;
      }
      await sleep(250);
    }
  }

  async emailsOfRounds() {
    const { rows } = await this.ctx.db.query(
      `SELECT n.round_id, n.kind, d.address, d.message_id, d.status, d.created_at FROM delivery d JOIN notification n ON n.id = d.notification_id
        WHERE d.channel = 'email' AND n.round_id = ANY($1::uuid[])`,
      [this.ids],
    );
    return rows;
  }

  /** Seconds from `since` until nothing that fell due before it is still outstanding. */
  async catchUpSeconds(since, timeoutMs = 10 * 60_000) {
    const sinceIso = new Date(since).toISOString();
    const giveUp = Date.now() + timeoutMs;
    while (Date.now() < giveUp) {
      try {
        const overdueStages = await this.ctx.db.query(
          `SELECT count(*)::int AS n FROM round r, jsonb_array_elements(r.stages) s
            WHERE r.id = ANY($1::uuid[]) AND s->>'key' = 'frist' AND s->>'status' = 'open' AND (s->'deadline'->>'at')::timestamptz < $2`,
          [this.ids, sinceIso],
        );
        const unsent = await this.ctx.db.query(
          `SELECT count(*)::int AS n FROM delivery d JOIN notification n ON n.id = d.notification_id
            WHERE d.channel = 'email' AND n.round_id = ANY($1::uuid[]) AND d.created_at < $2 AND d.status <> 'sent'`,
          [this.ids, sinceIso],
        );
        const pendingStarts = this.rounds.filter((round) => round && !round.id).length;
        if (overdueStages.rows[0].n === 0 && unsent.rows[0].n === 0 && pendingStarts === 0) return Math.round((Date.now() - since) / 100) / 10;
      } catch {
        // database down
      }
      await sleep(250);
    }
    return null;
  }

  /** Waits for every round to complete, then for every e-mail to be sent; returns the figures. */
  async finish({ timeoutMs = 6 * 60_000 } = {}) {
    const giveUp = Date.now() + timeoutMs;
    for (;;) {
      const rows = await this.readModel().catch(() => undefined);
      if (rows && this.startsEnded && rows.length === this.ids.length && rows.every((row) => row.status !== 'running')) break;
      if (Date.now() > giveUp) {
        this.notes.push('not every round completed in time');
        break;
      }
      await sleep(1_000);
    }
    this.stopping = true;
    await this.deciding;
    for (;;) {
      const emails = await this.emailsOfRounds();
      const outstanding = emails.filter((email) => email.status !== 'sent' && email.status !== 'failed').length;
      const arrived = emails.filter((email) => this.ctx.smtp.received.has(email.message_id)).length;
      if (outstanding === 0 && arrived === emails.length) break;
      if (Date.now() > giveUp + 3 * 60_000) {
        this.notes.push(`${outstanding} e-mails still outstanding at the end`);
        break;
      }
      await sleep(500);
    }
    return this.figures();
  }

  async figures() {
    const rows = await this.readModel();
    const byId = new Map(rows.map((row) => [row.id, row]));
    const statuses = new Map();
    let next = 0;
    const ids = this.ids;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < ids.length) {
          const id = ids[next++];
          try {
            const described = await this.ctx.temporalClient.workflow.getHandle(`round-${id}`).describe();
            statuses.set(id, described.status.name);
          } catch (error) {
            statuses.set(id, `unknown (${error instanceof Error ? error.message : String(error)})`);
          }
        }
      }),
    );
    const completed = ids.filter((id) => byId.get(id)?.status === 'completed' && statuses.get(id) === 'COMPLETED');
    const accepted = this.rounds.filter((round) => round?.decision.accepted);
    const decisionsOf = (id) => byId.get(id)?.stages.find((stage) => stage.key === 'beschluss')?.decisions ?? [];
    const decisionsLost = accepted.filter((round) => decisionsOf(round.id).length === 0).length;
    const doubled = ids.filter((id) => decisionsOf(id).length > 1).length;
    const duplicates = await this.ctx.db.query(
      `SELECT title, count(*)::int AS n FROM round WHERE title LIKE $1 GROUP BY title HAVING count(*) > 1`,
      [`${this.id} ${this.run} #%`],
    );
    const emails = await this.emailsOfRounds();
    const kindsPerRound = new Map();
    for (const email of emails) {
      const kinds = kindsPerRound.get(email.round_id) ?? [];
      kinds.push(email.kind);
      kindsPerRound.set(email.round_id, kinds);
    }
    const roundsMissingKinds = ids.filter((id) => {
      const kinds = (kindsPerRound.get(id) ?? []).sort();
      return kinds.join() !== [...EXPECTED_KINDS].sort().join();
    });
    const received = emails.map((email) => this.ctx.smtp.received.get(email.message_id) ?? 0);
    // What a recipient would see twice: one notification (round, kind, address) arriving as more
    // than one message. The same message again (same Message-ID) is SMTP's at-least-once window —
    // a worker killed after the server accepted it, before `sent` was saved — and counted apart.
    const messagesPerNotification = new Map();
    for (const email of emails) {
      if (!this.ctx.smtp.received.has(email.message_id)) continue;
      const key = `${email.round_id} ${email.kind} ${email.address}`;
      messagesPerNotification.set(key, (messagesPerNotification.get(key) ?? 0) + 1);
    }
    const retried = this.rounds.filter((round) => round?.failedAttempts > 0);
    this.checks.push({
      name: 'every round has exactly its notifications in the outbox (opened, reminder, completed)',
      ok: roundsMissingKinds.length === 0,
      detail: roundsMissingKinds.length ? `${roundsMissingKinds.length} rounds differ, e.g. ${roundsMissingKinds[0]}: ${(kindsPerRound.get(roundsMissingKinds[0]) ?? []).join(', ')}` : undefined,
    });
    this.checks.push({ name: 'no stage was decided twice', ok: doubled === 0, detail: doubled ? `${doubled} rounds` : undefined });
    if (retried.length > 0) {
      this.checks.push({
        name: 'a start retried with the same Idempotency-Key names the same round',
        ok: retried.every((round) => round.retriedSameRound),
        detail: `${retried.length} starts needed a retry`,
      });
    }
    return {
      roundsStarted: ids.length,
      roundsCompleted: completed.length,
      roundsLost: ids.length - completed.length + this.rounds.filter((round) => round && !round.id).length,
      roundsDuplicated: duplicates.rows.reduce((sum, row) => sum + row.n - 1, 0),
      decisionsAccepted: accepted.length,
      decisionsLost,
      notificationsExpected: ids.length * EXPECTED_KINDS.length,
      notificationsInOutbox: emails.length,
      notificationsDelivered: received.filter((count) => count > 0).length,
      notificationsDuplicated: [...messagesPerNotification.values()].reduce((sum, count) => sum + count - 1, 0),
      notificationsResentSameMessageId: received.reduce((sum, count) => sum + Math.max(0, count - 1), 0),
      http: this.http,
      checks: this.checks,
      notes: this.notes,
      temporalStatuses: countBy([...statuses.values()]),
    };
  }

  /** Starts the rounds and the decision loop; `fault` runs alongside and returns when the fault is over. */
  async drive(fault) {
    await this.uploadTemplate();
    this.deciding = this.decideWhileRunning();
    const starting = this.startAll();
    // A start that fails for good ends the drill at once instead of leaving the fault waiting.
    const faultResult = await Promise.race([fault(this), starting.then(() => new Promise(() => undefined))]);
    const recovery = this.catchUpSeconds(faultResult.faultEndedAt);
    // What the drill checks once the fault is over runs while recovery is measured.
    if (faultResult.afterwards) await faultResult.afterwards();
    await starting;
    const recoverySeconds = await recovery;
    const figures = await this.finish();
    return { ...figures, recoverySeconds, ...faultResult.extra };
  }
}

const inDays = (days) => new Date(Date.now() + days * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');

function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

function historyFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? historyFiles(join(dir, entry.name)) : entry.name.endsWith('.json') ? [join(dir, entry.name)] : [],
  );
}

function countBy(values) {
  const counts = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

async function restartWhenDown(process, downMs) {
  await sleep(downMs);
  await process.start();
}

export const SCENARIOS = [
  {
    id: 'R1',
    title: 'SIGKILL one worker in the middle of stages and notification sending',
    async run(ctx) {
      const drill = new Drill(ctx, 'R1', { rounds: ctx.profile.rounds, deadlineS: 30, reminderBeforeS: 15 });
      const figures = await drill.drive(async () => {
        // Reminders fall due 15 s after each stage opens: kill once some of them have gone out.
        await drill.untilStarted(1);
        let unsent = 0;
        let reminders = [];
        for (;;) {
          reminders = (await drill.emailsOfRounds()).filter((email) => email.kind === 'reminder.due');
          unsent = reminders.filter((email) => email.status !== 'sent').length;
          if (reminders.length >= drill.count * 0.2) break;
          await sleep(100);
        }
        const killedAt = Date.now();
        await ctx.workers[0].stop('SIGKILL');
        drill.notes.push(
          `worker-1 killed (SIGKILL) ${Math.round((killedAt - drill.startsBegan) / 1000)} s after the first start, when ${reminders.length} reminders had fallen due (${unsent} of them not yet sent) and other rounds' stages were still open; restarted ${ctx.profile.killedWorkerDownS} s later`,
        );
        await restartWhenDown(ctx.workers[0], ctx.profile.killedWorkerDownS * 1000);
        return { faultEndedAt: killedAt };
      });
      return {
        title: this.title,
        description:
          'Rounds run their first stage (reminder 15 s after it opens, deadline 30 s) while both workers send notifications. ' +
          'Worker 1 is killed with SIGKILL while reminders are being sent and comes back after a few seconds. recoverySeconds: from the kill until every stage deadline and every e-mail that fell due before it was done.',
        ...figures,
      };
    },
  },
  {
    id: 'R2',
    title: 'Temporal server stopped for a while under load',
    async run(ctx) {
      const outageS = ctx.profile.temporalOutageS;
      const drill = new Drill(ctx, 'R2', { rounds: ctx.profile.rounds, deadlineS: 10, reminderBeforeS: 5 });
      const figures = await drill.drive(async () => {
        // Stages of the first rounds close and get decided while later rounds still start.
        await drill.untilStarted(0.6);
        const stoppedAt = Date.now();
        await ctx.temporal.stop();
        const down = Date.now();
        drill.notes.push(`Temporal server stopped (SIGTERM, shut down in ${Math.round((down - stoppedAt) / 100) / 10} s) after ${drill.ids.length} rounds had started; started again ${outageS} s later`);
        // A health probe while it is down: the API says it is not ready.
        const ready = await fetch(`${ctx.apis[0].url}/health/ready`).then((response) => response.status).catch(() => 0);
        drill.checks.push({ name: 'GET /health/ready answers 503 while Temporal is down', ok: ready === 503, detail: `got ${ready}` });
        // One more round, started while Temporal is down (whatever the batch is doing then): its
        // client retries with the same key until it is started, and sends it once more afterwards.
        const duringOutage = drill.startRound(drill.count);
        await sleep(Math.max(0, outageS * 1000 - (Date.now() - down)));
        await ctx.temporal.start();
        const restartedAt = Date.now();
        await duringOutage;
        return { faultEndedAt: restartedAt, extra: { outageSeconds: outageS } };
      });
      const during = figures.http['503'] ?? 0;
      figures.checks.push({ name: 'the API answered 503 Problem Details while Temporal was down (never 500)', ok: during > 0 && !figures.http['500'], detail: `${during} answers 503` });
      return {
        title: `Temporal server stopped for ${outageS} s under load`,
        description:
          'Rounds are started and decided through both APIs while the Temporal server is stopped and, after the outage, started again. ' +
          'Requests during the outage get 503 Problem Details and are retried by the client with the same Idempotency-Key; ' +
          'each retried start is sent once more after it succeeded and must name the same round. recoverySeconds: from the restart until every start, deadline and e-mail that fell due before it was done.',
        ...figures,
      };
    },
  },
  {
    id: 'R3',
    title: 'PostgreSQL restarted under load',
    async run(ctx) {
      const outageS = ctx.profile.postgresOutageS;
      const drill = new Drill(ctx, 'R3', { rounds: ctx.profile.rounds, deadlineS: 20, reminderBeforeS: 10 });
      const figures = await drill.drive(async () => {
        await drill.untilStarted(0.5);
        ctx.postgres.stop();
        drill.notes.push(`PostgreSQL (Temporal's two databases and Ratsweg's) stopped (pg_ctl stop -m fast) after ${drill.ids.length} rounds had started; started again ${outageS} s later`);
        await sleep(outageS * 1000);
        ctx.postgres.start();
        return { faultEndedAt: Date.now(), extra: { outageSeconds: outageS } };
      });
      return {
        title: `PostgreSQL stopped for ${outageS} s and started again under load`,
        description:
          'The private PostgreSQL cluster holding the Temporal server\'s databases and Ratsweg\'s database is stopped (fast shutdown: connections cut) while rounds start, ' +
          'stages close and notifications go out, and started again after the outage. recoverySeconds: from the restart until every start, deadline and e-mail that fell due before it was done.',
        ...figures,
      };
    },
  },
  {
    id: 'R4',
    title: 'SMTP server down while reminders fall due',
    async run(ctx) {
      const outageS = ctx.profile.smtpOutageS;
      const drill = new Drill(ctx, 'R4', { rounds: ctx.profile.rounds, deadlineS: 30, reminderBeforeS: 15 });
      let reminderDueDuringOutage = 0;
      const figures = await drill.drive(async () => {
        await drill.untilStarted(0.1);
        const stoppedAt = Date.now();
        await ctx.smtp.stop();
        drill.notes.push(`SMTP server stopped ${Math.round((stoppedAt - drill.startsBegan) / 1000)} s after the first start; started again ${outageS} s later on the same port`);
        await sleep(outageS * 1000);
        const rows = await drill.readModel();
        for (const row of rows) {
          const frist = row.stages.find((stage) => stage.key === 'frist');
          const reminderAt = Date.parse(frist?.deadline?.at ?? '') - 15_000;
          if (reminderAt >= stoppedAt && reminderAt <= Date.now()) reminderDueDuringOutage += 1;
        }
        await ctx.smtp.start();
        return { faultEndedAt: Date.now(), extra: { outageSeconds: outageS } };
      });
      figures.checks.push({ name: 'reminders fell due while the mail server was down', ok: reminderDueDuringOutage > 0, detail: `${reminderDueDuringOutage} reminders` });
      return {
        title: `SMTP server down for ${outageS} s while reminders fall due`,
        description:
          'The mail server goes away shortly after the first rounds start and comes back on the same port after the outage; the reminders of most rounds fall due in between. ' +
          'Deliveries fail, are retried with back-off (base 1 s, doubling) and go out once the server is back. recoverySeconds: from the mail server\'s return until every e-mail that fell due before it was sent.',
        ...figures,
      };
    },
  },
  {
    id: 'R5',
    title: 'New workflow code deployed while rounds run',
    async run(ctx) {
      const script = join(ctx.root, 'infra', 'temporal', 'released-bundle.mjs');
      if (!existsSync(script)) {
        return { title: this.title, pending: true, reason: 'needs infra/temporal/released-bundle.mjs (bundleWorkflowsAt)' };
      }
      const { bundleWorkflowsAt, releasedCommit } = await import(script);
      const releases = JSON.parse(readFileSync(join(ctx.root, 'workflows', 'releases.json'), 'utf8'));
      const previous = Object.keys(releases).sort(compareVersions).at(-1);
      const current = JSON.parse(readFileSync(join(ctx.root, 'workflows', 'package.json'), 'utf8')).version;
      const oldBundle = join(ctx.work, `workflow-bundle-v${previous}.js`);
      writeFileSync(oldBundle, await bundleWorkflowsAt(releasedCommit(previous)));
      const currentBundle = ctx.env.WORKFLOW_BUNDLE_PATH;
      const deployWorkers = async (bundle) => {
        await Promise.all(ctx.workers.map((worker) => worker.stop('SIGTERM')));
        for (const worker of ctx.workers) worker.env = { ...worker.env, WORKFLOW_BUNDLE_PATH: bundle };
        await Promise.all(ctx.workers.map((worker) => worker.start()));
      };
      ctx.log(`R5: workers on the released workflow code v${previous} (${releasedCommit(previous).slice(0, 12)})`);
      await deployWorkers(oldBundle);

      const drill = new Drill(ctx, 'R5', { rounds: ctx.profile.rounds, deadlineS: ctx.profile.name === 'ci' ? 40 : 60, reminderBeforeS: ctx.profile.name === 'ci' ? 20 : 30, meeting: true });
      const oldRounds = new Set();
      let moved = { old: 0, new: 0, total: 0 };
      const figures = await drill.drive(async () => {
        await drill.untilStarted(0.5);
        for (const id of drill.ids) oldRounds.add(id);
        const deployedAt = Date.now();
        await deployWorkers(currentBundle);
        drill.notes.push(
          `${oldRounds.size} rounds started on v${previous}; then both workers were stopped (SIGTERM, draining) and started with the current code v${current} (${Math.round((Date.now() - deployedAt) / 100) / 10} s without a worker); the other rounds started on v${current}`,
        );
        return { faultEndedAt: Date.now(), afterwards: setMeetings };
      });
      async function setMeetings() {
        await drill.untilStarted(1);
        // The patched change: a meeting set for a stage that still waits is recorded at once.
        // Old runs take the new branch from now on, new runs always do.
        const newStart = inDays(75);
        const rows = await drill.readModel();
        // Rounds whose first stage stays open long enough to tell "at once" from "with the next change".
        const waiting = rows
          .filter((row) => {
            const frist = row.stages.find((stage) => stage.key === 'frist');
            return frist?.status === 'open' && Date.parse(frist.deadline.at) - Date.now() > 20_000;
          })
          .map((row) => row.id);
        let next = 0;
        await Promise.all(
          Array.from({ length: 16 }, async () => {
            while (next < waiting.length) {
              const id = waiting[next++];
              const response = await drill.request('PUT', `/api/v1/rounds/${id}/meetings/sitzung`, { start: newStart });
              if (response.status !== 202) {
                const row = (await drill.ctx.db.query('SELECT status, stages, meetings FROM round WHERE id = $1', [id])).rows[0];
                const frist = row?.stages.find((stage) => stage.key === 'frist');
                drill.notes.push(
                  `meeting of ${id} (${oldRounds.has(id) ? 'old' : 'new'}; read model: ${row?.status}, frist ${frist?.status} until ${frist?.deadline?.at}): ${response.status} ${JSON.stringify(response.body).slice(0, 160)}`,
                );
              }
            }
          }),
        );
        const seen = new Set();
        const giveUp = Date.now() + 60_000;
        for (;;) {
          for (const row of await drill.readModel()) {
            const open = row.stages.find((stage) => stage.key === 'frist')?.status === 'open';
            if (waiting.includes(row.id) && open && Date.parse(row.meetings?.sitzung ?? '') === Date.parse(newStart)) seen.add(row.id);
          }
          moved = { total: waiting.length, old: [...seen].filter((id) => oldRounds.has(id)).length, new: [...seen].filter((id) => !oldRounds.has(id)).length };
          if (seen.size === waiting.length || Date.now() > giveUp) break;
          await sleep(500);
        }
      }
      figures.checks.push({
        name: `a meeting set for the waiting stage is recorded at once, by old and new rounds (patched change of v${current})`,
        ok: moved.total > 0 && moved.old + moved.new === moved.total && moved.old > 0 && moved.new > 0,
        detail: `${moved.old} old and ${moved.new} new rounds of ${moved.total} showed the new date while their first stage was still open`,
      });
      const completedOld = [...oldRounds].length;
      figures.checks.push({ name: 'rounds begun on the old code completed on the new code', ok: figures.roundsLost === 0 && completedOld > 0, detail: `${completedOld} old rounds` });

      // Every history this drill wrote (begun on either version) replays against the current code,
      // and so do the recorded histories of every release (workflows/histories).
      const histories = [];
      for (const id of drill.ids) histories.push({ workflowId: `round-${id}`, history: await ctx.temporalClient.workflow.getHandle(`round-${id}`).fetchHistory() });
      const recorded = historyFiles(join(ctx.root, 'workflows', 'histories'));
      for (const file of recorded) histories.push({ workflowId: `recorded-${file}`, history: historyFromJSON(JSON.parse(readFileSync(file, 'utf8'))) });
      let replayFailures = 0;
      const firstFailures = [];
      for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: currentBundle }, replayName: 'drill-r5' }, histories)) {
        if (result.error) {
          replayFailures += 1;
          if (firstFailures.length < 3) firstFailures.push(`${result.workflowId}: ${result.error.message.replace(/\s+/g, ' ').slice(0, 300)}`);
        }
      }
      figures.checks.push({
        name: 'every history replays against the current code',
        ok: replayFailures === 0,
        detail: `${drill.ids.length} drill histories and ${recorded.length} recorded ones, ${replayFailures} failed${firstFailures.length ? `: ${firstFailures.join('; ')}` : ''}`,
      });
      return {
        title: `New workflow code (v${previous} → v${current}) deployed while rounds run`,
        description:
          `Both workers run the released workflow code v${previous} (bundled from commit ${releasedCommit(previous).slice(0, 12)} by infra/temporal/released-bundle.mjs) while the first half of the rounds start; ` +
          `then they are stopped and started with the current code v${current}, whose change is guarded by \`patched\`, and the other half start. ` +
          'Every waiting round then gets a new meeting date, which the new code records at once. Old and new rounds complete; all their histories and the recorded ones replay against the current code. ' +
          'recoverySeconds: from the deployment until every start, deadline and e-mail that fell due before it was done.',
        previousVersion: previous,
        currentVersion: current,
        oldRounds: oldRounds.size,
        ...figures,
      };
    },
  },
  {
    id: 'R6',
    title: 'Deadlines that pass while every worker is down fire exactly once afterwards',
    async run(ctx) {
      const drill = new Drill(ctx, 'R6', { rounds: ctx.profile.rounds, deadlineS: 25, reminderBeforeS: 10 });
      let window;
      const figures = await drill.drive(async () => {
        await drill.untilStarted(1);
        const rows = await drill.untilAllOpen();
        const stoppedAt = Date.now();
        await Promise.all(ctx.workers.map((worker) => worker.stop('SIGTERM')));
        const lastDeadline = Math.max(...rows.map((row) => Date.parse(row.stages.find((stage) => stage.key === 'frist').deadline.at)));
        await sleep(Math.max(0, lastDeadline - Date.now()) + 5_000);
        const startedAt = Date.now();
        window = { stoppedAt, startedAt };
        drill.notes.push(`both workers stopped ${Math.round((stoppedAt - drill.startsBegan) / 1000)} s after the first start, for ${Math.round((startedAt - stoppedAt) / 1000)} s, until 5 s after the last deadline`);
        await Promise.all(ctx.workers.map((worker) => worker.start()));
        return { faultEndedAt: startedAt };
      });
      // Each round's audit trail: the deadline closed the stage once, the reminder was recorded once.
      const { rows } = await ctx.db.query(
        `SELECT round_id, action, count(*)::int AS n FROM audit_entry
          WHERE round_id = ANY($1::uuid[]) AND stage_key = 'frist' AND action IN ('stage.closed', 'reminder.due') GROUP BY round_id, action`,
        [drill.ids],
      );
      const deadlinesInWindow = (await drill.readModel()).filter((row) => {
        const at = Date.parse(row.stages.find((stage) => stage.key === 'frist').deadline.at);
        return at > window.stoppedAt && at < window.startedAt;
      }).length;
      const closed = rows.filter((row) => row.action === 'stage.closed');
      const reminders = rows.filter((row) => row.action === 'reminder.due');
      figures.checks.push({
        name: 'every deadline passed while no worker ran',
        ok: deadlinesInWindow === drill.ids.length,
        detail: `${deadlinesInWindow} of ${drill.ids.length}`,
      });
      figures.checks.push({
        name: 'each deadline closed its stage exactly once afterwards',
        ok: closed.length === drill.ids.length && closed.every((row) => row.n === 1),
        detail: `${closed.length} rounds with a closing entry, ${closed.filter((row) => row.n > 1).length} with more than one`,
      });
      figures.checks.push({
        name: 'each reminder was recorded exactly once',
        ok: reminders.length === drill.ids.length && reminders.every((row) => row.n === 1),
        detail: `${reminders.length} rounds with a reminder entry, ${reminders.filter((row) => row.n > 1).length} with more than one`,
      });
      return {
        title: this.title,
        description:
          'Every round\'s first stage is open (reminder 15 s, deadline 25 s after it opens) when both workers are stopped; they stay down until 5 s after the last deadline. ' +
          'Afterwards each deadline closes its stage exactly once and each reminder goes out exactly once (audit trail and SMTP). recoverySeconds: from the workers\' start until every overdue deadline and e-mail was done.',
        ...figures,
      };
    },
  },
];
