// `npm run histories:record`: runs each scenario against a throw-away Temporal dev server and
// database and stores the workflow histories under workflows/histories/<version>/, where the
// replay test (apps/worker/test/replay.spec.ts) replays them against the current workflow code.
// Histories of a released version are never overwritten: they are what running rounds look like.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build, ensureDependencies, ROOT } from '../local/bootstrap.mjs';

ensureDependencies();
build();

const { startTemporalDevServer } = await import('./dev-server.mjs');
const { freePort } = await import('../testing/free-port.mjs');
const { migrateUp, startEmbeddedPostgres, createDataSource, RoundRepository } = await import('@ratsweg/persistence');
const { Worker, NativeConnection } = await import('@temporalio/worker');
const { Client } = await import('@temporalio/client');
const { historyToJSON } = await import('@temporalio/common/lib/proto-utils.js');
const { SCENARIOS, LOCAL_RECORDING_FAILS } = await import('./history-scenarios.mjs');
const { Context } = await import('@temporalio/activity');
const { WORKFLOW_PRELOAD_MODULES } = await import('@ratsweg/contracts');

const version = JSON.parse(readFileSync(join(ROOT, 'workflows', 'package.json'), 'utf8')).version;
const target = join(ROOT, 'workflows', 'histories', `v${version}`);
mkdirSync(target, { recursive: true });
const force = process.argv.includes('--force');

const temporal = await startTemporalDevServer({ port: await freePort(), headless: true });
const database = await startEmbeddedPostgres({ port: await freePort(), maxConnections: 10 });
await migrateUp({ url: database.url });
const dataSource = await createDataSource({ url: database.url, poolSize: 5 }).initialize();
const rounds = new RoundRepository(dataSource);
const taskQueue = 'record-histories';
const connection = await NativeConnection.connect({ address: temporal.address });
const worker = await Worker.create({
  connection,
  namespace: temporal.namespace,
  taskQueue,
  workflowsPath: createRequire(import.meta.url).resolve('@ratsweg/workflows'),
  bundlerOptions: { preloadModules: [...WORKFLOW_PRELOAD_MODULES] },
  activities: {
    async recordRoundChange(recording) {
      if (Context.current().info.isLocal && recording.state.title.endsWith(LOCAL_RECORDING_FAILS)) throw new Error('local recording refused (scenario)');
      await rounds.applyRecording(recording);
    },
  },
});
const client = new Client({ namespace: temporal.namespace, connection: await (await import('@temporalio/client')).Connection.connect({ address: temporal.address }) });

try {
  await worker.runUntil(async () => {
    for (const scenario of SCENARIOS) {
      const file = join(target, `${scenario.name}.json`);
      if (existsSync(file) && !force) {
        console.log(`kept      ${file}`);
        continue;
      }
      const handle = await scenario.run(client, taskQueue);
      await handle.result();
      writeFileSync(file, `${historyToJSON(await handle.fetchHistory())}\n`);
      console.log(`recorded  ${file}`);
    }
  });
} finally {
  await client.connection.close();
  await connection.close();
  await dataSource.destroy();
  await database.stop();
  await temporal.stop();
}
