import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@ratsweg/config';
import { NotificationDispatcher } from '@ratsweg/notifications';
import { DatabaseModule } from '@ratsweg/persistence';
import { SDK_METRICS_URL, WorkerHttpServer } from './http/worker-http.server.js';
import { WorkerMetricsService } from './http/worker-metrics.service.js';
import { RoundRecordingActivities } from './round/round-recording.activities.js';
import { TemporalWorkerService } from './temporal/temporal-worker.service.js';

export interface WorkerModuleOptions {
  /** Where the Temporal SDK's Prometheus exporter answers; its metrics join the worker's /metrics. */
  sdkMetricsUrl?: string;
}

@Module({})
export class WorkerModule {
  static register(options: WorkerModuleOptions = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule, DatabaseModule],
      providers: [
        RoundRecordingActivities,
        TemporalWorkerService,
        NotificationDispatcher,
        WorkerMetricsService,
        WorkerHttpServer,
        { provide: SDK_METRICS_URL, useValue: options.sdkMetricsUrl },
      ],
    };
  }
}
