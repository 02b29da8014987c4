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
import { NotificationPreferenceRepository } from '../notification/notification-preference.repository.js';
import { NotificationInboxRepository } from '../notification/notification-inbox.repository.js';
import { NotificationDigestRepository } from '../notification/notification-digest.repository.js';
import { WebhookSubscriptionRepository } from '../webhook/webhook-subscription.repository.js';
import { AuthRepository } from '../auth/auth.repository.js';
import { CommentRepository } from '../comment/comment.repository.js';
import { IdempotencyRepository } from '../idempotency/idempotency.repository.js';
import { InboundEventRepository } from '../inbound-event/inbound-event.repository.js';

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
    // notification preferences, inbox and digest
    {
      provide: NotificationPreferenceRepository,
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => new NotificationPreferenceRepository(dataSource),
    },
    { provide: NotificationInboxRepository, inject: [DataSource], useFactory: (dataSource: DataSource) => new NotificationInboxRepository(dataSource) },
    { provide: NotificationDigestRepository, inject: [DataSource], useFactory: (dataSource: DataSource) => new NotificationDigestRepository(dataSource) },
    { provide: WebhookSubscriptionRepository, inject: [DataSource], useFactory: (dataSource: DataSource) => new WebhookSubscriptionRepository(dataSource) },
    { provide: AuthRepository, inject: [DataSource], useFactory: (dataSource: DataSource) => new AuthRepository(dataSource) },
    // public comments
    { provide: CommentRepository, inject: [DataSource], useFactory: (dataSource: DataSource) => new CommentRepository(dataSource) },
    // idempotency keys and inbound events
    { provide: IdempotencyRepository, inject: [DataSource], useFactory: (dataSource: DataSource) => new IdempotencyRepository(dataSource) },
    { provide: InboundEventRepository, inject: [DataSource], useFactory: (dataSource: DataSource) => new InboundEventRepository(dataSource) },
  ],
  exports: [AuthRepository, OutboxRepository, DataSource, RoundRepository, ProcessTemplateRepository, AuditRepository, DirectoryRepository, StageFileRepository, WebhookSubscriptionRepository, NotificationPreferenceRepository, NotificationInboxRepository, NotificationDigestRepository, CommentRepository, IdempotencyRepository, InboundEventRepository],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
