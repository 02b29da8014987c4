import { Inject, Injectable, Logger } from '@nestjs/common';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import { ROUND_STATUSES } from '@ratsweg/domain';
import { readOperationalCounts } from '@ratsweg/persistence';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The Prometheus metrics of this API process. The registry belongs to the service instance,
 * never to the module (prom-client's global registry): every application has its own.
 */
@Injectable()
export class MetricsService {
  private readonly logger = new Logger(MetricsService.name);
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status_class'>;
  private readonly durations: Histogram<'method' | 'route' | 'status_class'>;
  private readonly rounds: Gauge<'status'>;
  private readonly deliveries: Gauge<'status' | 'channel'>;
  private readonly pendingNotifications: Gauge;
  private readonly oldestPendingDelivery: Gauge;
  private readonly databaseUp: Gauge;
  private readonly tenant: string;

  constructor(
    @Inject(RATSWEG_CONFIG) config: RatswegConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {
    this.tenant = config.RATSWEG_TENANT;
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'ratsweg_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status class',
      labelNames: ['method', 'route', 'status_class'],
      registers,
    });
    this.durations = new Histogram({
      name: 'ratsweg_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method, route pattern and status class',
      labelNames: ['method', 'route', 'status_class'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.rounds = new Gauge({ name: 'ratsweg_rounds', help: 'Participation rounds of the tenant, by status', labelNames: ['status'], registers });
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
    this.registry.setDefaultLabels({ tenant: this.tenant });
  }

  /** Counts one answered request; `route` is the router's pattern, never the raw URL. */
  observeRequest(method: string, route: string | undefined, statusCode: number, seconds: number): void {
    const labels = {
      method: METHODS.has(method) ? method : 'OTHER',
      route: route ?? 'unmatched',
      status_class: `${Math.floor(statusCode / 100)}xx`,
    };
    this.requests.inc(labels);
    this.durations.observe(labels, seconds);
  }

  /** The metrics in Prometheus text format, with the domain gauges read from PostgreSQL now. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    await this.readDomainGauges();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private async readDomainGauges(): Promise<void> {
    this.rounds.reset();
    this.deliveries.reset();
    this.pendingNotifications.reset();
    this.oldestPendingDelivery.reset();
    try {
      const counts = await readOperationalCounts(this.dataSource, this.tenant);
      for (const status of ROUND_STATUSES) this.rounds.set({ status }, 0);
      for (const { status, count } of counts.roundsByStatus) this.rounds.set({ status }, count);
      for (const { status, channel, count } of counts.deliveriesByStatus) this.deliveries.set({ status, channel }, count);
      this.pendingNotifications.set(counts.pendingNotifications);
      this.oldestPendingDelivery.set(counts.oldestPendingDeliveryAgeSeconds ?? 0);
      this.databaseUp.set(1);
    } catch (error) {
      // The process metrics are still worth a scrape; stale domain numbers are not.
      this.logger.warn(`Domain metrics could not be read: ${error instanceof Error ? error.message : String(error)}`);
      this.databaseUp.set(0);
    }
  }
}
