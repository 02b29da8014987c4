import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ConfigModule } from '@ratsweg/config';
import { DatabaseModule } from '@ratsweg/persistence';
import { AuditController } from './audit/audit.controller.js';
import { StageFileController } from './file/stage-file.controller.js';
import { HealthController } from './health/health.controller.js';
import { OparlController } from './oparl/oparl.controller.js';
import { OparlService } from './oparl/oparl.service.js';
import { RoundController } from './round/round.controller.js';
import { RoundListService } from './round/round-list.service.js';
import { RoundService } from './round/round.service.js';
import { TemplateController } from './template/template.controller.js';
import { TemplateService } from './template/template.service.js';
import { TemporalModule } from './temporal/temporal.module.js';
import { BodyController } from './directory/body.controller.js';
import { DirectoryService } from './directory/directory.service.js';
import { LegislativeTermController } from './directory/legislative-term.controller.js';
import { MeetingController } from './directory/meeting.controller.js';
import { MembershipController } from './directory/membership.controller.js';
import { PersonController } from './directory/person.controller.js';
import { TenantController } from './directory/tenant.controller.js';
import { WebhookController } from './webhook/webhook.controller.js';
import { WebhookService } from './webhook/webhook.service.js';
import { CalendarFeedController } from './notification/calendar-feed.controller.js';
import { InboxController } from './notification/inbox.controller.js';
import { MailboxController } from './notification/mailbox.controller.js';
import { NotificationPreferenceController } from './notification/notification-preference.controller.js';
import { NotificationService } from './notification/notification.service.js';
import { AuthModule } from './auth/auth.module.js';
import { StageAccessService } from './auth/stage-access.service.js';
import { MeController } from './me/me.controller.js';
import { MeService } from './me/me.service.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { MetricsService } from './metrics/metrics.service.js';
import { CommentController } from './comment/comment.controller.js';
import { CommentService } from './comment/comment.service.js';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor.js';
import { InboundEventController } from './event/inbound-event.controller.js';
import { InboundEventService } from './event/inbound-event.service.js';
import { RoundEventsController } from './live/round-events.controller.js';
import { RoundEventsService } from './live/round-events.service.js';

@Module({
  imports: [ConfigModule, DatabaseModule, TemporalModule, AuthModule],
  controllers: [
    HealthController,
    TemplateController,
    RoundController,
    AuditController,
    OparlController,
    StageFileController,
    TenantController,
    LegislativeTermController,
    BodyController,
    PersonController,
    MembershipController,
    MeetingController,
    WebhookController,
    NotificationPreferenceController,
    CalendarFeedController,
    InboxController,
    MailboxController,
    MeController,
    MetricsController,
    CommentController,
    InboundEventController,
    RoundEventsController,
  ],
  providers: [
    StageAccessService,
    TemplateService,
    RoundService,
    RoundListService,
    OparlService,
    DirectoryService,
    WebhookService,
    NotificationService,
    MeService,
    MetricsService,
    CommentService,
    InboundEventService,
    RoundEventsService,
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
})
export class AppModule {}
