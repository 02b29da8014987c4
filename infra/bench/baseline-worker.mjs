// The raw-Temporal side of the benchmarks: a worker with the baseline workflows and one no-op
// activity, in a process of its own (like the released worker), on the task queue it is given.
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

const { TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, BASELINE_BUNDLE_PATH } = process.env;
Runtime.install({ logger: new DefaultLogger('WARN') });
const connection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS });
const worker = await Worker.create({
  connection,
  namespace: TEMPORAL_NAMESPACE,
  taskQueue: TEMPORAL_TASK_QUEUE,
  workflowBundle: { codePath: BASELINE_BUNDLE_PATH },
  activities: { noop: async (input) => input },
});
console.log(`Baseline worker polling task queue "${TEMPORAL_TASK_QUEUE}"`);
await worker.run();
await connection.close();
