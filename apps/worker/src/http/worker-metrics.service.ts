import { Inject, Injectable, Logger } from '@nestjs/common';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import { readOperationalCounts } from '@ratsweg/persistence';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { TemporalWorkerService } from '../temporal/temporal-worker.service.js';

/**
 * The worker's Prometheus metrics: process metrics, the worker's state, the outbox read from
 * PostgreSQL at scrape time, and — appended to the same answer — the Temporal SDK's own metrics,
 * read from the SDK's Prometheus exporter on loopback (see `sdkMetricsUrl`).
 */
@Injectable()
export class WorkerMetricsService {
  private readonly logger = new Logger(WorkerMetricsService.name);
  readonly registry = new Registry();
  private readonly deliveries: Gauge<'status' | 'channel'>;
  private readonly pendingNotifications: Gauge;
  private readonly oldestPendingDelivery: Gauge;
  private readonly databaseUp: Gauge;
  private readonly sdkMetricsUp: Gauge;
  private readonly tenant: string;

  constructor(
    @Inject(RATSWEG_CONFIG) config: RatswegConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(TemporalWorkerService) worker: TemporalWorkerService,
  ) {
    this.tenant = config.RATSWEG_TENANT;
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'ratsweg_worker_running',
      help: '1 while the Temporal worker runs and its pollers poll, else 0',
      registers,
      collect() {
        this.set(worker.polling ? 1 : 0);
      },
    });
    this.deliveries = new Gauge({
      name: 'ratsweg_outbox_deliveries',
      help: 'Notification deliveries of the tenant, by status and channel',
      labelNames: ['status', 'channel'],
      registers,
    });
    this.pendingNotifications = new Gauge({
      name: 'ratsweg_outbox_pending_notifications',
      help: 'Notifications recorded but not yet expanded into deliveries',
      registers,
    });
    this.oldestPendingDelivery = new Gauge({
      name: 'ratsweg_outbox_oldest_pending_delivery_age_seconds',
      help: 'Age of the oldest delivery still to be sent (deliveries waiting for the daily digest excluded); 0 when none waits',
      registers,
    });
    this.databaseUp = new Gauge({ name: 'ratsweg_database_up', help: '1 when the last scrape could read the database, else 0', registers });
    this.sdkMetricsUp = new Gauge({
      name: 'ratsweg_worker_sdk_metrics_up',
      help: "1 when the Temporal SDK's metrics could be read for this scrape, else 0",
      registers,
    });
    this.registry.setDefaultLabels({ tenant: this.tenant });
  }

  /** Prometheus text format: this process's metrics followed by the Temporal SDK's. */
  async scrape(sdkMetricsUrl: string | undefined): Promise<{ contentType: string; body: string }> {
    const [, sdk] = await Promise.all([this.readOutbox(), this.readSdkMetrics(sdkMetricsUrl)]);
    const own = await this.registry.metrics();
    return { contentType: this.registry.contentType, body: sdk ? `${own.trimEnd()}\n${sdk.trimEnd()}\n` : own };
  }

  private async readOutbox(): Promise<void> {
    this.deliveries.reset();
    this.pendingNotifications.reset();
    this.oldestPendingDelivery.reset();
    try {
      const counts = await readOperationalCounts(this.dataSource, this.tenant);
      for (const { status, channel, count } of counts.deliveriesByStatus) this.deliveries.set({ status, channel }, count);
      this.pendingNotifications.set(counts.pendingNotifications);
      this.oldestPendingDelivery.set(counts.oldestPendingDeliveryAgeSeconds ?? 0);
      this.databaseUp.set(1);
    } catch (error) {
      // Process and SDK metrics are still worth a scrape; stale outbox numbers are not.
      this.logger.warn(`Outbox metrics could not be read: ${error instanceof Error ? error.message : String(error)}`);
      this.databaseUp.set(0);
    }
  }

  private async readSdkMetrics(url: string | undefined): Promise<string | undefined> {
    if (!url) {
      this.sdkMetricsUp.set(0);
      return undefined;
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const text = await response.text();
      this.sdkMetricsUp.set(1);
      return text;
    } catch (error) {
      this.logger.warn(`Temporal SDK metrics could not be read from ${url}: ${error instanceof Error ? error.message : String(error)}`);
      this.sdkMetricsUp.set(0);
      return undefined;
    }
  }
}
