import { Module } from '@nestjs/common';
import { ConfigModule } from '@ratsweg/config';
import { DatabaseModule } from '@ratsweg/persistence';
import { AuditController } from './audit/audit.controller.js';
import { HealthController } from './health/health.controller.js';
import { RoundController } from './round/round.controller.js';
import { RoundListService } from './round/round-list.service.js';
import { RoundService } from './round/round.service.js';
import { TemplateController } from './template/template.controller.js';
import { TemplateService } from './template/template.service.js';
import { TemporalModule } from './temporal/temporal.module.js';

@Module({
  imports: [ConfigModule, DatabaseModule, TemporalModule],
  controllers: [HealthController, TemplateController, RoundController, AuditController],
  providers: [TemplateService, RoundService, RoundListService],
})
export class AppModule {}
