// Complete runs of the shipped templates (durations compressed to seconds), recorded as
// histories for the replay test. Each scenario walks one path a real round can take.
import { randomUUID } from 'node:crypto';
import { BUILTIN_TEMPLATES, compressDurations } from '@ratsweg/domain';
import {
  cancelRoundUpdate,
  decideStageUpdate,
  extendDeadlineUpdate,
  meetingRescheduledSignal,
  ROUND_WORKFLOW_TYPE,
  roundStateQuery,
  roundWorkflowId,
  SEARCH_ATTRIBUTES,
} from '@ratsweg/contracts';
import { TypedSearchAttributes } from '@temporalio/common';

function template(key) {
  const found = BUILTIN_TEMPLATES.filter((candidate) => candidate.key === key).sort((a, b) => b.version - a.version)[0];
  if (!found) throw new Error(`no template ${key}`);
  return found;
}

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

/** A round whose title ends so: the local attempts of its recordings fail (see record-histories.mjs). */
export const LOCAL_RECORDING_FAILS = '(lokale Aufzeichnung gestört)';

/** The search attributes the API starts a round with (since workflows v0.4.0 also its open stages). */
function apiSearchAttributes(roundTemplate, openStages) {
  return new TypedSearchAttributes([
    { key: SEARCH_ATTRIBUTES.tenant, value: 'recording' },
    { key: SEARCH_ATTRIBUTES.template, value: roundTemplate.key },
    { key: SEARCH_ATTRIBUTES.status, value: 'running' },
    { key: SEARCH_ATTRIBUTES.currentStage, value: openStages },
  ]);
}

async function start(client, taskQueue, roundTemplate, extra = {}, startOptions = {}) {
  const roundId = randomUUID();
  const { title, ...input } = extra;
  return client.workflow.start(ROUND_WORKFLOW_TYPE, {
    workflowId: roundWorkflowId(roundId),
    taskQueue,
    ...startOptions,
    args: [
      {
        roundId,
        title: title ?? `Aufzeichnung ${roundTemplate.key}`,
        template: roundTemplate,
        tenant: 'recording',
        actor: 'admin-recording',
        requestedAt: new Date().toISOString(),
        ...input,
      },
    ],
  });
}

async function decide(handle, stageKey, outcome, more = {}) {
  await handle.executeUpdate(decideStageUpdate, { args: [{ stageKey, outcome, actor: 'secretary-recording', ...more }] });
}

async function untilOpen(handle, stageKey) {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const state = await handle.query(roundStateQuery);
    if (state.stages.find((stage) => stage.key === stageKey)?.status === 'open') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`stage ${stageKey} did not open`);
}

export const SCENARIOS = [
  {
    name: 'kurzverfahren-approved',
    async run(client, taskQueue) {
      const handle = await start(client, taskQueue, template('kurzverfahren'));
      await decide(handle, 'fachausschuss', 'approved');
      await decide(handle, 'ratsbeschluss', 'returned');
      await decide(handle, 'fachausschuss', 'approved');
      await decide(handle, 'ratsbeschluss', 'approved', { resolutionText: 'Beschlossen.', votes: { yes: 20, no: 3, abstain: 1 } });
      return handle;
    },
  },
  {
    name: 'kurzverfahren-rejected',
    async run(client, taskQueue) {
      const handle = await start(client, taskQueue, template('kurzverfahren'));
      await decide(handle, 'fachausschuss', 'rejected');
      return handle;
    },
  },
  {
    name: 'digitale-agenda-complete',
    async run(client, taskQueue) {
      const fast = compressDurations(template('digitale-agenda'), 0.1);
      const umsetzung = fast.stages.find((stage) => stage.key === 'umsetzung');
      umsetzung.statusReports = { ...umsetzung.statusReports, every: 'PT0.3S', count: 4 };
      const handle = await start(client, taskQueue, fast, {
        meetings: { 'digitales-forum': inAnHour(), fachausschuss: inAnHour(), rat: inAnHour() },
      });
      await decide(handle, 'digitales-forum', 'completed');
      await decide(handle, 'werkstaetten', 'completed');
      await decide(handle, 'leitlinien-entwurf', 'completed');
      await untilOpen(handle, 'unterrichtung-arbeitskreis'); // the online discussion closes by itself
      await decide(handle, 'unterrichtung-fachbeirat', 'acknowledged');
      await decide(handle, 'unterrichtung-arbeitskreis', 'acknowledged');
      await decide(handle, 'fachausschuss', 'approved');
      await decide(handle, 'ratsbeschluss', 'approved', { resolutionText: 'Der Rat beschließt die Digitale Agenda.', votes: { yes: 41, no: 5, abstain: 2 } });
      return handle;
    },
  },
  {
    name: 'beschlussvorlage-loops',
    async run(client, taskQueue) {
      const handle = await start(client, taskQueue, compressDurations(template('beschlussvorlage'), 0.1), {
        meetings: { fachausschuss: inAnHour(), hauptausschuss: inAnHour(), rat: inAnHour() },
      });
      await decide(handle, 'vorlage', 'completed');
      await decide(handle, 'fachausschuss', 'postponed', { nextMeetingStart: inAnHour() });
      await decide(handle, 'fachausschuss', 'approved');
      await decide(handle, 'hauptausschuss', 'returned');
      await decide(handle, 'fachausschuss', 'approved');
      await decide(handle, 'hauptausschuss', 'approved');
      await handle.signal(meetingRescheduledSignal, { meeting: 'rat', start: new Date(Date.now() + 7_200_000).toISOString(), actor: 'ris' });
      await decide(handle, 'ratsbeschluss', 'approved');
      return handle;
    },
  },
  {
    name: 'beschlussvorlage-extended-and-cancelled',
    async run(client, taskQueue) {
      const handle = await start(client, taskQueue, compressDurations(template('beschlussvorlage'), 0.1));
      const state = await handle.query(roundStateQuery);
      const until = new Date(Date.parse(state.stages[0].deadline.at) + 2_000).toISOString();
      await handle.executeUpdate(extendDeadlineUpdate, { args: [{ stageKey: 'vorlage', until, actor: 'admin-recording' }] });
      await handle.executeUpdate(cancelRoundUpdate, { args: [{ reason: 'Vorlage zurückgezogen', actor: 'admin-recording' }] });
      return handle;
    },
  },
  {
    // Since v0.3.0 (patch record-meeting-of-pending-stage): meetings set while their stages wait are recorded at once.
    name: 'beschlussvorlage-meetings-before-stages',
    async run(client, taskQueue) {
      const handle = await start(client, taskQueue, template('beschlussvorlage'), { meetings: { fachausschuss: inAnHour() } });
      await handle.signal(meetingRescheduledSignal, { meeting: 'hauptausschuss', start: inAnHour(), actor: 'ris' });
      await decide(handle, 'vorlage', 'completed');
      await handle.signal(meetingRescheduledSignal, { meeting: 'rat', start: new Date(Date.now() + 7_200_000).toISOString(), actor: 'ris' });
      await decide(handle, 'fachausschuss', 'approved');
      await decide(handle, 'hauptausschuss', 'approved');
      await decide(handle, 'ratsbeschluss', 'approved');
      return handle;
    },
  },
  {
    // Since v0.4.0 (patch record-locally): started as the API starts it, with the open stages as a
    // search attribute, so the first recording upserts nothing; recordings are local activities.
    name: 'kurzverfahren-started-by-the-api',
    async run(client, taskQueue) {
      const kurz = template('kurzverfahren');
      const handle = await start(client, taskQueue, kurz, {}, { typedSearchAttributes: apiSearchAttributes(kurz, ['fachausschuss']) });
      await decide(handle, 'fachausschuss', 'approved');
      await decide(handle, 'ratsbeschluss', 'approved', { resolutionText: 'Beschlossen.', votes: { yes: 20, no: 3, abstain: 1 } });
      return handle;
    },
  },
  {
    // Since v0.4.0: every local attempt fails (as while the database is away), so each recording
    // falls back to the durable activity.
    name: 'kurzverfahren-local-recording-fails',
    async run(client, taskQueue) {
      const kurz = template('kurzverfahren');
      const handle = await start(client, taskQueue, kurz, { title: `Aufzeichnung ${LOCAL_RECORDING_FAILS}` }, { typedSearchAttributes: apiSearchAttributes(kurz, ['fachausschuss']) });
      await decide(handle, 'fachausschuss', 'rejected');
      return handle;
    },
  },
  {
    // Since v0.4.0: the run after continue-as-new compares with the search attributes it carried over.
    name: 'digitale-agenda-continued-as-new',
    async run(client, taskQueue) {
      const agenda = template('digitale-agenda');
      const fast = compressDurations(agenda, 0.1);
      const umsetzung = fast.stages.find((stage) => stage.key === 'umsetzung');
      umsetzung.statusReports = { ...umsetzung.statusReports, every: 'PT0.3S', count: 6 };
      const handle = await start(
        client,
        taskQueue,
        fast,
        { meetings: { 'digitales-forum': inAnHour(), fachausschuss: inAnHour(), rat: inAnHour() }, continueAsNewAfterEvents: 60 },
        { typedSearchAttributes: apiSearchAttributes(fast, ['digitales-forum']) },
      );
      for (const stage of ['digitales-forum', 'werkstaetten', 'leitlinien-entwurf']) await decide(handle, stage, 'completed');
      await untilOpen(handle, 'unterrichtung-arbeitskreis');
      await decide(handle, 'unterrichtung-fachbeirat', 'acknowledged');
      await decide(handle, 'unterrichtung-arbeitskreis', 'acknowledged');
      await decide(handle, 'fachausschuss', 'approved');
      await decide(handle, 'ratsbeschluss', 'approved', { resolutionText: 'Beschlossen.', votes: { yes: 41, no: 5, abstain: 2 } });
      return handle;
    },
  },
];
