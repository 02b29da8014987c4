import { Logger } from '@nestjs/common';
import { loadConfig } from '@ratsweg/config';
import { createApiApp } from './app.factory.js';

const logger = new Logger('Api');

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApiApp();
  let closing: Promise<void> | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.log(`${signal} received, closing`);
      closing ??= app.close().then(() => logger.log('API stopped'));
    });
  }
  await app.listen(config.PORT, config.HOST);
  const url = await app.getUrl();
  logger.log(`Ratsweg API listening on ${url} (OpenAPI: ${url}/api/docs)`);
}

main().catch((error: unknown) => {
  logger.error(`API could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
