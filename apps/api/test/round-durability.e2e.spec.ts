import { digitaleAgendaTemplate, type ProcessTemplate } from '@ratsweg/domain';
import type { Client } from '@temporalio/client';
import { auditOf, fast, inMinutes, roundWhen, stageOf, startRound, uploadTemplate } from './support/rounds.js';
import { TestSystem } from './support/system.js';

/** The seed's whole process in seconds, with `reports` implementation status reports `every` apart. */
function digitaleAgenda(every: string, reports: number): ProcessTemplate {
  const template = fast(digitaleAgendaTemplate);
  return {
    ...template,
    stages: template.stages.map((stage) =>
      stage.statusReports ? { ...stage, statusReports: { ...stage.statusReports, every, count: reports } } : stage,
    ),
  };
}

const meetings = () => ({ 'digitales-forum': inMinutes(60), fachausschuss: inMinutes(60), rat: inMinutes(90) });

async function driveToImplementation(system: TestSystem, id: string): Promise<void> {
  for (const stage of ['digitales-forum', 'werkstaetten', 'leitlinien-entwurf']) {
    const decided = await system.request('POST', `/api/v1/rounds/${id}/stages/${stage}/decision`, { outcome: 'completed' });
    expect(decided.status).toBe(200);
  }
  await roundWhen(system, id, (round) => stageOf(round, 'unterrichtung-arbeitskreis').status === 'open');
  for (const stage of ['unterrichtung-arbeitskreis', 'unterrichtung-fachbeirat']) {
    expect((await system.request('POST', `/api/v1/rounds/${id}/stages/${stage}/decision`, { outcome: 'acknowledged' })).status).toBe(200);
  }
  expect((await system.request('POST', `/api/v1/rounds/${id}/stages/fachausschuss/decision`, { outcome: 'approved' })).status).toBe(200);
  const council = await system.request('POST', `/api/v1/rounds/${id}/stages/ratsbeschluss/decision`, {
    outcome: 'approved',
    resolutionText: 'Der Rat beschließt die Digitale Agenda.',
    votes: { yes: 41, no: 5, abstain: 2 },
  });
  expect(council.status).toBe(200);
  expect(stageOf(council.body, 'umsetzung').status).toBe('open');
}

describe('rounds that run for years and survive their workers', () => {
  // A low limit makes the rounds of this test continue as new several times.
  const system = new TestSystem({ env: { ROUND_HISTORY_EVENT_LIMIT: '150' } });
  let temporal: Client;

  beforeAll(async () => {
    await system.start();
    temporal = await system.temporalClient();
  });

  afterAll(async () => {
    await system.stop();
  });

  it('should carry the whole digitale-agenda process through 120 implementation reports, no run over 4,096 history events', async () => {
    await uploadTemplate(system, digitaleAgenda('PT0.1S', 120), 2);
    const id = await startRound(system, { templateKey: 'digitale-agenda', templateVersion: 2, title: 'Digitale Agenda', meetings: meetings() });
    await driveToImplementation(system, id);
    const done = await roundWhen(system, id, (round) => round.status === 'completed', 120_000);
    expect(done.result).toBe('completed');
    expect(done.stages.map((stage: { status: string }) => stage.status)).toEqual(Array(9).fill('completed'));

    const reports = (await auditOf(id)).filter((row) => row.action === 'implementation.status_due');
    expect(reports.map((row) => row.details?.report)).toEqual(Array.from({ length: 120 }, (_, n) => n + 1));

    const runs = [];
    for await (const execution of temporal.workflow.list({ query: `WorkflowId = "round-${id}"` })) runs.push(execution.runId);
    expect(runs.length).toBeGreaterThan(1); // the round continued as new at least once
    for (const runId of runs) {
      const history = await temporal.workflow.getHandle(`round-${id}`, runId).fetchHistory();
      expect(history.events?.length ?? 0).toBeLessThanOrEqual(4_096);
    }
  });

  it('should finish a round with a new worker after the old one was killed (SIGKILL) mid-round, recording nothing twice', async () => {
    await uploadTemplate(system, digitaleAgenda('PT0.2S', 40), 3);
    const id = await startRound(system, { templateKey: 'digitale-agenda', templateVersion: 3, title: 'Absturz', meetings: meetings() });
    await driveToImplementation(system, id);
    await roundWhen(system, id, (round) => (stageOf(round, 'umsetzung').statusReports?.sent ?? 0) >= 5);

    const killed = await system.worker?.stop('SIGKILL');
    expect(killed?.signal).toBe('SIGKILL');
    await system.startWorker();

    const done = await roundWhen(system, id, (round) => round.status === 'completed', 90_000);
    expect(done.result).toBe('completed');
    const audit = await auditOf(id);
    expect(audit.filter((row) => row.action === 'implementation.status_due').map((row) => row.details?.report)).toEqual(
      Array.from({ length: 40 }, (_, n) => n + 1),
    );
    const decided = audit.filter((row) => row.action === 'stage.decided').map((row) => row.stage_key);
    expect(decided).toEqual([...new Set(decided)]);
    for (const stage of done.stages) {
      expect(stage.decisions.length).toBeLessThanOrEqual(1);
    }
  });
});
