import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Runtime } from '@temporalio/worker';
import { TemporalWorkerService } from './temporal/temporal-worker.service.js';
import { WorkerModule } from './worker.module.js';

const logger = new Logger('Worker');

async function main(): Promise<void> {
  // The application owns the signals: it drains the worker, then closes the database, then exits 0.
  Runtime.install({ shutdownSignals: [] });
  const app = await NestFactory.createApplicationContext(WorkerModule);
  let closing: Promise<void> | undefined;
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
