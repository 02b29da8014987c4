import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { freePort } from '../../../infra/testing/free-port.mjs';
import type { NodeProcess } from './support/node-process.js';
import { eventually, TestSystem } from './support/system.js';

/** The value of the sample of `name` that has all of `labels`, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = match[3] ?? '';
    if (Object.entries(labels).every(([key, value]) => present.includes(`${key}="${value}"`))) return Number(match[4]);
  }
  return undefined;
}

async function workerUrl(worker: NodeProcess): Promise<string> {
  const [, url] = await worker.waitForOutput(/Ratsweg worker HTTP listening on (http:\/\/\S+?) /);
  return url as string;
}

async function get(url: string): Promise<{ status: number; contentType: string; text: string }> {
  const response = await fetch(url);
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** A TCP relay to PostgreSQL that the test can cut, as a network partition or a database restart would. */
class Relay {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

describe("the worker's health, readiness and metrics endpoint", () => {
  const system = new TestSystem();
  let url = '';

  beforeAll(async () => {
    await system.start();
    url = await workerUrl(system.worker as NodeProcess);
  });

  afterAll(async () => {
    await system.stop();
  });

  it('should report live, and ready once the worker polls and PostgreSQL and Temporal answer', async () => {
    expect(await get(`${url}/health/live`)).toMatchObject({ status: 200 });
    const ready = await get(`${url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toEqual({ status: 'ok', checks: { worker: 'up', database: 'up', temporal: 'up' } });
    const unknown = await get(`${url}/nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.contentType).toMatch(/^application\/problem\+json/);
  });

  it("should serve the Temporal SDK's metrics and the outbox in one Prometheus answer", async () => {
    // Closing the committee stage notifies the administrators: deliveries through the outbox.
    const created = await system.request('POST', '/api/v1/rounds', { templateKey: 'beschlussvorlage', templateVersion: 1, title: 'Messwerte' });
    expect(created.status).toBe(201);
    for (const [stage, outcome] of [['vorlage', 'completed'], ['fachausschuss', 'approved']] as const) {
      expect((await system.request('POST', `/api/v1/rounds/${created.body.id as string}/stages/${stage}/decision`, { outcome })).status).toBe(200);
    }
    // The round's notifications go through the outbox; the SDK counts the workflow tasks it ran.
    const text = await eventually(async () => {
      const metrics = await get(`${url}/metrics`);
      const ran = sample(metrics.text, 'temporal_workflow_task_execution_latency_seconds_count', { tenant: system.tenant });
      const sent = sample(metrics.text, 'ratsweg_outbox_deliveries', { status: 'sent', channel: 'inbox', tenant: system.tenant });
      return (ran ?? 0) > 0 && (sent ?? 0) > 0 ? metrics : undefined;
    });
    expect(text.status).toBe(200);
    expect(text.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(text.text, 'temporal_worker_task_slots_available', { task_queue: system.taskQueue })).toBeGreaterThan(0);
    expect(sample(text.text, 'ratsweg_outbox_oldest_pending_delivery_age_seconds', { tenant: system.tenant })).toBeGreaterThanOrEqual(0);
    expect(sample(text.text, 'ratsweg_outbox_pending_notifications')).toBeGreaterThanOrEqual(0);
    expect(sample(text.text, 'ratsweg_worker_running')).toBe(1);
    expect(sample(text.text, 'ratsweg_worker_sdk_metrics_up')).toBe(1);
    expect(sample(text.text, 'ratsweg_database_up')).toBe(1);
    expect(sample(text.text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    // Every metric family is declared once, or Prometheus rejects the whole scrape.
    const families = text.text.split('\n').filter((line) => line.startsWith('# TYPE ')).map((line) => line.split(' ')[2]);
    expect(new Set(families).size).toBe(families.length);
  });

  it('should answer 503 while PostgreSQL is unreachable and 200 again once it is back', async () => {
    const database = new URL(system.env.DATABASE_URL as string);
    const relay = new Relay(await freePort(), { host: database.hostname, port: Number(database.port || 5432) });
    await relay.open();
    database.hostname = '127.0.0.1';
    database.port = String(relay.port);
    const partitioned = new TestSystem({ taskQueue: system.taskQueue, env: { DATABASE_URL: database.toString() } });
    const worker = await partitioned.startWorker();
    try {
      const own = await workerUrl(worker);
      expect((await get(`${own}/health/ready`)).status).toBe(200);

      await relay.cut();
      const down = await eventually(async () => {
        const ready = await get(`${own}/health/ready`);
        return ready.status === 503 ? ready : undefined;
      });
      expect(JSON.parse(down.text)).toEqual({ status: 'unavailable', checks: { worker: 'up', database: 'down', temporal: 'up' } });
      // Liveness stays green: a restart would not bring the database back.
      expect((await get(`${own}/health/live`)).status).toBe(200);
      const metrics = await get(`${own}/metrics`);
      expect(metrics.status).toBe(200);
      expect(sample(metrics.text, 'ratsweg_database_up')).toBe(0);

      await relay.open();
      await eventually(async () => ((await get(`${own}/health/ready`)).status === 200 ? true : undefined));
    } finally {
      expect(await worker.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      await relay.cut();
    }
  });
});
