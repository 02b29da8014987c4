// Complete runs of the shipped templates, recorded as histories for the replay test.
import { randomUUID } from 'node:crypto';
import { BUILTIN_TEMPLATES } from '@ratsweg/domain';
import { decideStageUpdate, ROUND_WORKFLOW_TYPE, roundWorkflowId } from '@ratsweg/contracts';

function template(key) {
  const found = BUILTIN_TEMPLATES.filter((candidate) => candidate.key === key).sort((a, b) => b.version - a.version)[0];
  if (!found) throw new Error(`no template ${key}`);
  return found;
}

async function start(client, taskQueue, templateKey, extra = {}) {
  const roundId = randomUUID();
  return client.workflow.start(ROUND_WORKFLOW_TYPE, {
    workflowId: roundWorkflowId(roundId),
    taskQueue,
    args: [
      {
        roundId,
        title: `Aufzeichnung ${templateKey}`,
        template: template(templateKey),
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

export const SCENARIOS = [
  {
    name: 'kurzverfahren-approved',
    async run(client, taskQueue) {
      const handle = await start(client, taskQueue, 'kurzverfahren');
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
      const handle = await start(client, taskQueue, 'kurzverfahren');
      await decide(handle, 'fachausschuss', 'rejected');
      return handle;
    },
  },
];
