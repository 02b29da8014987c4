import { Module } from '@nestjs/common';
import { ConfigModule } from '@ratsweg/config';
import { NotificationDispatcher } from '@ratsweg/notifications';
import { DatabaseModule } from '@ratsweg/persistence';
import { RoundRecordingActivities } from './round/round-recording.activities.js';
import { TemporalWorkerService } from './temporal/temporal-worker.service.js';

@Module({
  imports: [ConfigModule, DatabaseModule],
  providers: [RoundRecordingActivities, TemporalWorkerService, NotificationDispatcher],
})
export class WorkerModule {}
