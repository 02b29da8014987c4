import { Module } from '@nestjs/common';
import { ConfigModule } from '@ratsweg/config';
import { DatabaseModule } from '@ratsweg/persistence';
import { RoundRecordingActivities } from './round/round-recording.activities.js';
import { TemporalWorkerService } from './temporal/temporal-worker.service.js';

@Module({
  imports: [ConfigModule, DatabaseModule],
  providers: [RoundRecordingActivities, TemporalWorkerService],
})
export class WorkerModule {}
