import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import { DataSource } from 'typeorm';
import { AuditRepository } from '../audit/audit.repository.js';
import { RoundRepository } from '../round/round.repository.js';
import { ProcessTemplateRepository } from '../template/process-template.repository.js';
import { createDataSource } from './data-source.js';
import { OutboxRepository } from '../notification/outbox.repository.js';
import { StageFileRepository } from '../file/stage-file.repository.js';
import { DirectoryRepository } from '../directory/directory.repository.js';

/** The database connection and repositories for a Nest application. */
@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [RATSWEG_CONFIG],
      useFactory: async (config: RatswegConfig) =>
        createDataSource({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }).initialize(),
    },
    { provide: RoundRepository, inject: [DataSource], useFactory: (dataSource: DataSource) => new RoundRepository(dataSource) },
    { provide: AuditRepository, inject: [DataSource], useFactory: (dataSource: DataSource) => new AuditRepository(dataSource) },
    {
      provide: ProcessTemplateRepository,
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => new ProcessTemplateRepository(dataSource),
    },
    { provide: DirectoryRepository, inject: [DataSource], useFactory: (dataSource: DataSource) => new DirectoryRepository(dataSource) },
    { provide: StageFileRepository, inject: [DataSource], useFactory: (dataSource: DataSource) => new StageFileRepository(dataSource) },
    { provide: OutboxRepository, inject: [DataSource], useFactory: (dataSource: DataSource) => new OutboxRepository(dataSource) },
  ],
  exports: [OutboxRepository, DataSource, RoundRepository, ProcessTemplateRepository, AuditRepository, DirectoryRepository, StageFileRepository],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
