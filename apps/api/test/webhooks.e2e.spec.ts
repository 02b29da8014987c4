import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '@ratsweg/notifications';
import { createDataSource, seedDemoDirectory } from '@ratsweg/persistence';
import pg from 'pg';
import { roundWhen, startRound } from './support/rounds.js';
import { eventually, TestSystem } from './support/system.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook endpoint on 127.0.0.1 that records every request and answers with `status`. */
class TestReceiver {
  readonly received: Received[] = [];
  private server?: Server;
  url = '';

  constructor(private readonly status: number) {}

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        this.received.push({ path: request.url ?? '/', headers: request.headers, body });
        response.writeHead(this.status, { 'content-type': 'text/plain' }).end(this.status < 300 ? 'ok' : 'broken');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  at(path: string): Received[] {
    return this.received.filter((request) => request.path === path);
  }
}

const SECRET = 'a-shared-secret-of-more-than-32-characters';
const OTHER_SECRET = 'another-secret-of-more-than-32-characters!';

describe('webhooks: signed CloudEvents, retried, never doubled', () => {
  const healthy = new TestReceiver(200);
  const broken = new TestReceiver(500);
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  let system: TestSystem;

  const settled = async (roundId: string): Promise<true | undefined> => {
    const { rows } = await db.query(
      `SELECT (SELECT count(*)::int FROM notification WHERE round_id = $1 AND status = 'pending') AS pending,
              (SELECT count(*)::int FROM delivery d JOIN notification n ON n.id = d.notification_id
                WHERE n.round_id = $1 AND d.channel = 'webhook' AND d.status IN ('pending', 'sending')) AS open`,
      [roundId],
    );
    return rows[0].pending === 0 && rows[0].open === 0 ? true : undefined;
  };

  beforeAll(async () => {
    await Promise.all([healthy.start(), broken.start()]);
    await db.connect();
    system = new TestSystem({ env: { NOTIFICATION_DISPATCH_INTERVAL_MS: '100', NOTIFICATION_RETRY_BASE_MS: '100', NOTIFICATION_MAX_ATTEMPTS: '3' } });
    const dataSource = await createDataSource({ url: process.env.DATABASE_URL as string, poolSize: 1 }).initialize();
    await seedDemoDirectory(dataSource, system.tenant);
    await dataSource.destroy();
    await system.start();
  });

  afterAll(async () => {
    await system.stop();
    await Promise.all([healthy.stop(), broken.stop()]);
    await db.end();
  });

  it('should refuse bad input to /api/v1/webhooks with 400 naming the field when url, secret or event types are invalid', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ url: 'ftp://example.org/hook' }, 'url'],
      [{ url: 'not a url' }, 'url'],
      [{ url: 'https://example.org/hook', secret: 'short' }, 'secret'],
      [{ url: 'https://example.org/hook', secret: 'x'.repeat(201) }, 'secret'],
      [{ url: 'https://example.org/hook', eventTypes: ['stage.opened', 'stage.vanished'] }, 'eventTypes.1'],
      [{ url: 'https://example.org/hook', eventTypes: ['stage.opened', 'stage.opened'] }, 'eventTypes'],
      [{ url: 'https://example.org/hook', colour: 'blue' }, 'colour'],
      [{}, 'url'],
    ];
    for (const [body, field] of cases) {
      const response = await system.request('POST', '/api/v1/webhooks', body, { 'accept-language': 'en' });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    }
    expect((await system.request('GET', '/api/v1/webhooks/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await system.request('GET', '/api/v1/webhooks/not-an-id')).status).toBe(404);
    expect((await system.request('PATCH', '/api/v1/webhooks/00000000-0000-4000-8000-000000000000', { active: false })).status).toBe(404);
    expect((await system.request('DELETE', '/api/v1/webhooks/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('should generate a secret, show it once and keep it out of the audit trail when a webhook is created without one', async () => {
    const created = await system.request('POST', '/api/v1/webhooks', { url: 'https://example.org/hook', active: false });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/webhooks/${created.body.id}`);
    expect(created.body.secret).toMatch(/^whsec_.{32,}$/);
    const shown = await system.request('GET', `/api/v1/webhooks/${created.body.id}`);
    expect(shown.body).toEqual({ id: created.body.id, url: 'https://example.org/hook', eventTypes: [], active: false, createdAt: expect.any(String), modifiedAt: expect.any(String) });
    const patched = await system.request('PATCH', `/api/v1/webhooks/${created.body.id}`, { secret: OTHER_SECRET, eventTypes: ['round.completed'] });
    expect(patched.status).toBe(200);
    expect(patched.body.secret).toBeUndefined();
    expect(patched.body.eventTypes).toEqual(['round.completed']);
    const { rows } = await db.query(`SELECT action, before, after, details FROM audit_entry WHERE chain = $1 AND subject_id = $2 ORDER BY chain_position`, [
      `directory:${system.tenant}`,
      created.body.id,
    ]);
    expect(rows.map((row: { action: string }) => row.action)).toEqual(['webhook_subscription.created', 'webhook_subscription.changed']);
    expect(rows[1].details).toEqual({ secretChanged: true });
    const trail = JSON.stringify(rows);
    expect(trail).not.toContain(created.body.secret);
    expect(trail).not.toContain(OTHER_SECRET);
    expect(JSON.stringify((await system.request('GET', '/api/v1/webhooks')).body)).not.toContain('secret');
  });

  it('should deliver every change of a round once, signed, while a failing endpoint is retried and then marked failed', async () => {
    const create = async (body: Record<string, unknown>): Promise<string> => {
      const response = await system.request('POST', '/api/v1/webhooks', body);
      expect(response.status).toBe(201);
      expect(response.body.secret).toBeUndefined();
      return response.body.id as string;
    };
    const all = await create({ url: `${healthy.url}/all`, secret: SECRET });
    const failing = await create({ url: `${broken.url}/fail`, secret: SECRET });
    const completedOnly = await create({ url: `${healthy.url}/completed`, secret: SECRET, eventTypes: ['round.completed'] });

    const meetings = { fachausschuss: '2030-03-26T16:00:00Z', hauptausschuss: '2030-04-09T15:00:00Z', rat: '2030-04-25T15:00:00Z' };
    const id = await startRound(system, { templateKey: 'beschlussvorlage', templateVersion: 1, title: 'Webhooks für alle', meetings });
    for (const [stage, outcome] of [['vorlage', 'completed'], ['fachausschuss', 'approved'], ['hauptausschuss', 'approved'], ['ratsbeschluss', 'approved']] as const) {
      expect((await system.request('POST', `/api/v1/rounds/${id}/stages/${stage}/decision`, { outcome })).status).toBe(200);
    }
    await roundWhen(system, id, (round) => round.status === 'completed');
    await eventually(() => settled(id), 60_000);
    // Give a doubled delivery the chance to arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await settled(id)).toBe(true);

    const source = `/ratsweg/${system.tenant}/rounds/${id}`;
    const events = (received: Received[]) =>
      received.map((request) => ({ request, event: JSON.parse(request.body) as Record<string, unknown> })).filter(({ event }) => event.source === source);

    // Signed, structured-mode CloudEvents.
    const toAll = events(healthy.at('/all'));
    expect(toAll.length).toBeGreaterThan(0);
    for (const { request, event } of [...toAll, ...events(healthy.at('/completed')), ...events(broken.at('/fail'))]) {
      expect(request.headers['content-type']).toBe('application/cloudevents+json');
      const headers = { id: String(request.headers['webhook-id']), timestamp: String(request.headers['webhook-timestamp']), signature: String(request.headers['webhook-signature']) };
      expect(headers.id).toBe(event.id);
      expect(verifyWebhookSignature({ secret: SECRET, body: request.body, ...headers })).toBe(true);
      expect(verifyWebhookSignature({ secret: OTHER_SECRET, body: request.body, ...headers })).toBe(false);
      expect(verifyWebhookSignature({ secret: SECRET, body: `${request.body} `, ...headers })).toBe(false);
      expect(request.headers['x-ratsweg-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(request.body).digest('hex')}`);
      expect(event).toMatchObject({ specversion: '1.0', datacontenttype: 'application/json', type: expect.stringMatching(/^de\.ratsweg\.round\./) });
      expect((event.data as { round: { id: string } }).round.id).toBe(id);
      expect(typeof event.time).toBe('string');
    }

    // Each event once per subscription — one per change, not one per audience (the council's decision goes to two audiences).
    const ids = toAll.map(({ event }) => event.id as string);
    expect(new Set(ids).size).toBe(ids.length);
    const types = toAll.map(({ event }) => `${String(event.type)}@${String(event.subject ?? '-')}`);
    expect(types).toEqual(expect.arrayContaining(['de.ratsweg.round.meeting.invitation@fachausschuss', 'de.ratsweg.round.stage.decided@ratsbeschluss', 'de.ratsweg.round.round.completed@-']));
    expect(types.filter((type) => type === 'de.ratsweg.round.stage.decided@ratsbeschluss')).toHaveLength(1);
    const invitation = toAll.find(({ event }) => event.type === 'de.ratsweg.round.meeting.invitation' && event.subject === 'fachausschuss');
    expect(Date.parse((invitation?.event.data as { meeting: { start: string } }).meeting.start)).toBe(Date.parse(meetings.fachausschuss));

    const deliveries = async (subscription: string) =>
      (
        await db.query(
          `SELECT d.id, d.idempotency_key, d.status, (SELECT count(*)::int FROM delivery_attempt a WHERE a.delivery_id = d.id AND a.outcome = 'error') AS errors
           FROM delivery d JOIN notification n ON n.id = d.notification_id WHERE n.round_id = $1 AND d.recipient = $2`,
          [id, `webhook:${subscription}`],
        )
      ).rows as { id: string; idempotency_key: string; status: string; errors: number }[];
    const healthyRows = await deliveries(all);
    expect(healthyRows.every((row) => row.status === 'sent')).toBe(true);
    expect(healthyRows.map((row) => row.idempotency_key).sort()).toEqual([...ids].sort());

    // The failing endpoint: retried, then failed; it received the same events, each at least three times.
    const failingRows = await deliveries(failing);
    expect(failingRows).toHaveLength(healthyRows.length);
    for (const row of failingRows) {
      expect(row.status).toBe('failed');
      expect(row.errors).toBeGreaterThanOrEqual(3);
    }
    const failingEvents = events(broken.at('/fail'));
    expect(new Set(failingEvents.map(({ event }) => event.id)).size).toBe(failingRows.length);
    expect(failingEvents.length).toBeGreaterThanOrEqual(3 * failingRows.length);

    // Filtering: only round.completed, once.
    const completed = events(healthy.at('/completed'));
    expect(completed.map(({ event }) => event.type)).toEqual(['de.ratsweg.round.round.completed']);
    expect(completed[0]?.event.id).toBe((await deliveries(completedOnly))[0]?.idempotency_key);

    // Deactivated: nothing more arrives.
    const removed = await system.request('DELETE', `/api/v1/webhooks/${failing}`);
    expect(removed.status).toBe(200);
    expect(removed.body.active).toBe(false);
    const later = await startRound(system, { templateKey: 'beschlussvorlage', templateVersion: 1, title: 'Nach dem Abbestellen', meetings });
    await system.request('POST', `/api/v1/rounds/${later}/stages/vorlage/decision`, { outcome: 'completed' });
    await eventually(async () => (healthy.at('/all').some((request) => request.body.includes(later)) ? true : undefined), 30_000);
    await eventually(() => settled(later), 30_000);
    expect(broken.received.some((request) => request.body.includes(later))).toBe(false);
  });
});
