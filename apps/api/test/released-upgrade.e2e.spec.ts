import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { roundWorkflowId } from '@ratsweg/contracts';
import type { WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowsAt, releasedCommit } from '../../../infra/temporal/released-bundle.mjs';
import { roundWhen, stageOf, startRound } from './support/rounds.js';
import { eventually, TestSystem } from './support/system.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

/**
 * A release in miniature: the worker runs the workflow code of v0.2.0 (bundled from its commit),
 * then the current code is deployed, and a round begun before carries on to its end.
 */
describe('a round begun on the previous release (v0.2.0) and finished on the current code', () => {
  const previousBundle = join(process.env.RATSWEG_TEST_SCRATCH as string, 'workflow-bundle-v0.2.0.js');
  const currentBundle = process.env.WORKFLOW_BUNDLE_PATH as string;
  const system = new TestSystem({ env: { WORKFLOW_BUNDLE_PATH: previousBundle } });

  beforeAll(async () => {
    writeFileSync(previousBundle, await bundleWorkflowsAt(releasedCommit('0.2.0')));
    await system.start();
  });

  afterAll(async () => {
    await system.stop();
  });

  /** The round's history once the worker has handled everything in it (no workflow task or activity outstanding). */
  const settledHistory = async (id: string): Promise<HistoryEvent[]> => {
    const handle = (await system.temporalClient()).workflow.getHandle(roundWorkflowId(id));
    return eventually(async () => {
      const events = (await handle.fetchHistory()).events ?? [];
      const count = (has: (event: HistoryEvent) => unknown): number => events.filter(has).length;
      const tasksDone = count((event) => event.workflowTaskScheduledEventAttributes) === count((event) => event.workflowTaskCompletedEventAttributes);
      const activitiesDone = count((event) => event.activityTaskScheduledEventAttributes) === count((event) => event.activityTaskCompletedEventAttributes);
      return tasksDone && activitiesDone ? events : undefined;
    });
  };

  it('should replay the old run on the new worker and complete it, taking the new behaviour only for what happens after the deployment', async () => {
    const id = await startRound(system, {
      templateKey: 'beschlussvorlage',
      templateVersion: 1,
      title: 'Vor dem Update begonnen',
      meetings: { fachausschuss: '2030-03-26T16:00:00Z' },
    });
    const drafted = await system.request('POST', `/api/v1/rounds/${id}/stages/vorlage/decision`, { outcome: 'completed' });
    expect(stageOf(drafted.body, 'fachausschuss')).toMatchObject({ status: 'open', deadline: '2030-03-26T16:00:00.000Z' });

    // On v0.2.0 a meeting set for a stage that is not open yet stays out of the read model.
    expect((await system.request('PUT', `/api/v1/rounds/${id}/meetings/hauptausschuss`, { start: '2030-04-16T15:00:00Z' })).status).toBe(202);
    const oldRun = await settledHistory(id);
    expect(oldRun.some((event) => event.workflowExecutionSignaledEventAttributes)).toBe(true);
    expect((await system.request('GET', `/api/v1/rounds/${id}`)).body.meetings).toEqual({ fachausschuss: '2030-03-26T16:00:00.000Z' });

    // The deployment: the old worker drains and stops, a worker with the current code takes over.
    expect(await system.worker?.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    system.env.WORKFLOW_BUNDLE_PATH = currentBundle;
    await system.startWorker();

    // The new worker replays the old run (old branch) and carries on; the meeting set before is there.
    const committee = await system.request('POST', `/api/v1/rounds/${id}/stages/fachausschuss/decision`, { outcome: 'approved' });
    expect(committee.status).toBe(200);
    expect(stageOf(committee.body, 'hauptausschuss')).toMatchObject({
      status: 'open',
      deadline: '2030-04-16T15:00:00.000Z',
      meeting: { key: 'hauptausschuss', start: '2030-04-16T15:00:00.000Z' },
    });

    // What happens after the deployment takes the new branch: the council's meeting shows at once.
    expect((await system.request('PUT', `/api/v1/rounds/${id}/meetings/rat`, { start: '2030-05-07T15:00:00Z' })).status).toBe(202);
    await roundWhen(system, id, (round) => round.meetings.rat === '2030-05-07T15:00:00.000Z', 15_000);

    expect((await system.request('POST', `/api/v1/rounds/${id}/stages/hauptausschuss/decision`, { outcome: 'approved' })).status).toBe(200);
    const council = await system.request('POST', `/api/v1/rounds/${id}/stages/ratsbeschluss/decision`, { outcome: 'approved', votes: { yes: 30, no: 4, abstain: 1 } });
    expect(council.status).toBe(200);
    expect(council.body).toMatchObject({ status: 'completed', result: 'approved' });
    expect(stageOf(council.body, 'ratsbeschluss').meeting).toEqual({ key: 'rat', start: '2030-05-07T15:00:00.000Z' });

    const read = await roundWhen(system, id, (round) => round.status === 'completed');
    expect(read.stages.map((stage: { status: string }) => stage.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    const whole = await settledHistory(id);
    expect(whole.filter((event) => event.workflowTaskFailedEventAttributes)).toEqual([]);
    expect(whole.at(-1)?.workflowExecutionCompletedEventAttributes).toBeTruthy();
  });

  it('should name for each released version a commit at which workflows/package.json had that version', () => {
    const releases = JSON.parse(readFileSync(join(ROOT, 'workflows', 'releases.json'), 'utf8')) as Record<string, string>;
    const current = JSON.parse(readFileSync(join(ROOT, 'workflows', 'package.json'), 'utf8')).version as string;
    expect(Object.keys(releases)).toEqual(expect.arrayContaining(['0.1.0', '0.2.0']));
    expect(Object.keys(releases)).not.toContain(current);
    for (const [version, commit] of Object.entries(releases)) {
      const manifest = execFileSync('git', ['show', `${commit}:workflows/package.json`], { cwd: ROOT, encoding: 'utf8' });
      expect([version, JSON.parse(manifest).version]).toEqual([version, version]);
      expect(releasedCommit(version)).toBe(commit);
    }
  });
});
