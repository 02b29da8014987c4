import { createRequire } from 'node:module';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import { WORKFLOW_PRELOAD_MODULES, type RoundActivities } from '@ratsweg/contracts';
import { NativeConnection, Worker } from '@temporalio/worker';
import { RoundRecordingActivities } from '../round/round-recording.activities.js';

/**
 * Runs the Temporal worker for the life of the Nest application context: it starts polling
 * once the context is up and drains in-flight tasks before the context closes.
 */
@Injectable()
export class TemporalWorkerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TemporalWorkerService.name);
  private connection?: NativeConnection;
  private worker?: Worker;
  private running?: Promise<void>;

  constructor(
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
    @Inject(RoundRecordingActivities) private readonly roundActivities: RoundRecordingActivities,
  ) {}

  /** Settles when the worker has stopped; rejects when it failed. */
  get completion(): Promise<void> {
    if (!this.running) throw new Error('worker has not started');
    return this.running;
  }

  /** True while the worker runs and both pollers (workflow and activity tasks) poll. */
  get polling(): boolean {
    if (!this.worker || this.worker.getState() !== 'RUNNING') return false;
    const status = this.worker.getStatus();
    return status.workflowPollerState === 'POLLING' && status.activityPollerState === 'POLLING';
  }

  /** Whether the Temporal frontend answers for the worker's namespace within `timeoutMs`. */
  async temporalReachable(timeoutMs = 2_000): Promise<boolean> {
    const connection = this.connection;
    if (!connection) return false;
    try {
      await connection.withDeadline(Date.now() + timeoutMs, () =>
        connection.workflowService.describeNamespace({ namespace: this.config.TEMPORAL_NAMESPACE }),
      );
      return true;
    } catch {
      return false;
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    this.connection = await NativeConnection.connect({ address: this.config.TEMPORAL_ADDRESS });
    const activities: RoundActivities = {
      recordRoundChange: (recording) => this.roundActivities.recordRoundChange(recording),
    };
    this.worker = await Worker.create({
      connection: this.connection,
      namespace: this.config.TEMPORAL_NAMESPACE,
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      activities,
      ...(this.config.WORKFLOW_BUNDLE_PATH
        ? { workflowBundle: { codePath: this.config.WORKFLOW_BUNDLE_PATH } }
        : { workflowsPath: createRequire(import.meta.url).resolve('@ratsweg/workflows'), bundlerOptions: { preloadModules: [...WORKFLOW_PRELOAD_MODULES] } }),
    });
    this.running = this.worker.run();
    this.logger.log(
      `Ratsweg worker polling task queue "${this.config.TEMPORAL_TASK_QUEUE}" in namespace "${this.config.TEMPORAL_NAMESPACE}" at ${this.config.TEMPORAL_ADDRESS}`,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.worker && this.worker.getState() === 'RUNNING') this.worker.shutdown();
    await this.running?.catch(() => undefined);
    await this.connection?.close();
  }
}
