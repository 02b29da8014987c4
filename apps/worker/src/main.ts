import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@ratsweg/config';
import { installRuntime } from './telemetry.js';
import { TemporalWorkerService } from './temporal/temporal-worker.service.js';
import { WorkerModule } from './worker.module.js';

const logger = new Logger('Worker');

async function main(): Promise<void> {
  const sdkMetricsUrl = await installRuntime(loadConfig());
  const app = await NestFactory.createApplicationContext(WorkerModule.register({ sdkMetricsUrl }));
  let closing: Promise<void> | undefined;
  // SIGTERM: readiness turns 503, the worker stops polling and finishes its in-flight tasks, the
  // notification dispatcher finishes the mails it is sending (a delivery it cannot finish is sent
  // again by another replica once its lease expires), then the database closes and the process exits 0.
  const close = () => (closing ??= app.close());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.log(`${signal} received, draining the worker`);
      void close();
    });
  }
  try {
    await app.get(TemporalWorkerService).completion;
  } catch (error) {
    logger.error(`Worker failed: ${error instanceof Error ? error.stack : String(error)}`);
    await close();
    process.exit(1);
  }
  await close();
  logger.log('Worker stopped');
}

main().catch((error: unknown) => {
  logger.error(`Worker could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
