import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import { DataSource } from 'typeorm';
import { TemporalWorkerService } from '../temporal/temporal-worker.service.js';
import { WorkerMetricsService } from './worker-metrics.service.js';

/** The address of the Temporal SDK's Prometheus exporter, set by main.ts when it installs the Runtime. */
export const SDK_METRICS_URL = Symbol('SDK_METRICS_URL');

type CheckStatus = 'up' | 'down';

/**
 * The worker's HTTP endpoint for orchestrators and Prometheus (no authentication: it listens on
 * WORKER_HTTP_HOST, loopback by default, and is never published through an ingress):
 * - GET /health/live  — 200 while the process serves requests;
 * - GET /health/ready — 200 when the worker polls, PostgreSQL and Temporal answer; 503 otherwise
 *   and from the moment draining begins (SIGTERM);
 * - GET /metrics      — Prometheus text format, the Temporal SDK's metrics included.
 */
@Injectable()
export class WorkerHttpServer implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerHttpServer.name);
  private server?: Server;
  private draining = false;

  constructor(
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(TemporalWorkerService) private readonly worker: TemporalWorkerService,
    @Inject(WorkerMetricsService) private readonly metrics: WorkerMetricsService,
    @Inject(SDK_METRICS_URL) private readonly sdkMetricsUrl: string | undefined,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        this.logger.error(`${request.method} ${request.url} failed: ${error instanceof Error ? error.stack : String(error)}`);
        if (!response.headersSent) send(response, 500, 'application/json', JSON.stringify({ status: 'error' }));
        else response.end();
      });
    });
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.WORKER_HTTP_PORT, this.config.WORKER_HTTP_HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const { address, port } = server.address() as AddressInfo;
    const host = address.includes(':') ? `[${address}]` : address;
    this.logger.log(`Ratsweg worker HTTP listening on http://${host}:${port} (/health/live, /health/ready, /metrics)`);
  }

  /** Draining starts: orchestrators stop counting on this replica; liveness still answers. */
  beforeApplicationShutdown(): void {
    this.draining = true;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://worker').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      problem(response, 405, 'Method Not Allowed', `${request.method} is not allowed here`);
      return;
    }
    switch (path) {
      case '/health/live':
        send(response, 200, 'application/json', JSON.stringify({ status: 'ok' }));
        return;
      case '/health/ready': {
        const [database, temporal] = await Promise.all([this.databaseUp(), this.worker.temporalReachable()]);
        const checks = {
          worker: (this.worker.polling && !this.draining ? 'up' : 'down') as CheckStatus,
          database: (database ? 'up' : 'down') as CheckStatus,
          temporal: (temporal ? 'up' : 'down') as CheckStatus,
        };
        const ok = Object.values(checks).every((status) => status === 'up');
        send(response, ok ? 200 : 503, 'application/json', JSON.stringify({ status: ok ? 'ok' : 'unavailable', checks }));
        return;
      }
      case '/metrics': {
        const { contentType, body } = await this.metrics.scrape(this.sdkMetricsUrl);
        send(response, 200, contentType, body);
        return;
      }
      default:
        problem(response, 404, 'Not Found', `${path} does not exist; try /health/live, /health/ready or /metrics`);
    }
  }

  private async databaseUp(): Promise<boolean> {
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000).unref()),
      ]);
      return true;
    } catch {
      return false;
    }
  }
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

function problem(response: ServerResponse, status: number, title: string, detail: string): void {
  send(response, status, 'application/problem+json', JSON.stringify({ type: 'about:blank', title, status, detail }));
}
