// Baseline workflows for the benchmarks (raw Temporal, no Ratsweg code): bundled on their own and
// run by infra/bench/baseline-worker.mjs on a task queue of their own, never by the released worker.
import { condition, defineSignal, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

const { noop } = proxyActivities({ startToCloseTimeout: '30 seconds' });

export const decideUpdate = defineUpdate('decide');
export const finishSignal = defineSignal('finish');

/** What a raw Temporal application needs at least for one decision: an update whose handler runs one activity. */
export async function baselineWorkflow() {
  let finished = false;
  setHandler(decideUpdate, async (input) => {
    await noop(input);
    return input;
  });
  setHandler(finishSignal, () => {
    finished = true;
  });
  await condition(() => finished);
}

/** The least a workflow can hold in a worker's cache: it waits for one signal. */
export async function trivialWorkflow() {
  let finished = false;
  setHandler(finishSignal, () => {
    finished = true;
  });
  await condition(() => finished);
}
