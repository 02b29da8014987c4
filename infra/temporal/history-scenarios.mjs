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
} from '@ratsweg/contracts';

function template(key) {
  const found = BUILTIN_TEMPLATES.filter((candidate) => candidate.key === key).sort((a, b) => b.version - a.version)[0];
  if (!found) throw new Error(`no template ${key}`);
  return found;
}

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

async function start(client, taskQueue, roundTemplate, extra = {}) {
  const roundId = randomUUID();
  return client.workflow.start(ROUND_WORKFLOW_TYPE, {
    workflowId: roundWorkflowId(roundId),
    taskQueue,
    args: [
      {
        roundId,
        title: `Aufzeichnung ${roundTemplate.key}`,
        template: roundTemplate,
        tenant: 'recording',
        actor: 'admin-recording',
        requestedAt: new Date().toISOString(),
        ...extra,
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
];
