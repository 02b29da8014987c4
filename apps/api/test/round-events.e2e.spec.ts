import { createCallers, type Callers } from './support/callers.js';
import { eventually, TestSystem } from './support/system.js';

/** An open server-sent-events stream: what arrived so far, whether it ended, and a way to hang up. */
interface Stream {
  status: number;
  contentType: string;
  text(): string;
  ended(): boolean;
  close(): void;
}

/**
 * Live updates for the web application: GET /api/v1/rounds/{id}/events and GET /api/v1/rounds/events
 * send an event when a round changes, end after SSE_MAX_SECONDS, free their slot when the client
 * hangs up, and a user holds at most SSE_MAX_CONNECTIONS_PER_USER of them.
 */
describe('live updates on rounds (server-sent events)', () => {
  const system = new TestSystem({ env: { SSE_MAX_SECONDS: '6', SSE_MAX_CONNECTIONS_PER_USER: '2' } });
  let callers: Callers;
  const open: Stream[] = [];

  async function connect(path: string, token: string): Promise<Stream> {
    const controller = new AbortController();
    const response = await fetch(`${system.apiUrl}${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: controller.signal });
    let received = '';
    let done = false;
    if (response.body && /event-stream/.test(response.headers.get('content-type') ?? '')) {
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      void (async () => {
        try {
          for (;;) {
            const chunk = await reader.read();
            if (chunk.done) break;
            received += chunk.value;
          }
        } catch {
          // hung up by us
        }
        done = true;
      })();
    } else {
      received = await response.text();
      done = true;
    }
    const stream: Stream = {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      text: () => received,
      ended: () => done,
      close: () => controller.abort(),
    };
    open.push(stream);
    return stream;
  }

  const startRound = async (title: string): Promise<string> => {
    const response = await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title });
    expect(response.status).toBe(201);
    return response.body.id as string;
  };
  /** The round's first recording has landed in the read model (its `seq` moved past the start). */
  const settled = (id: string) =>
    eventually(async () => {
      const { body } = await system.request('GET', `/api/v1/rounds/${id}`);
      return (body.stages as { key: string; status: string }[]).some((stage) => stage.key === 'fachausschuss' && stage.status === 'open') ? true : undefined;
    });

  beforeAll(async () => {
    await system.start();
    callers = await createCallers(system, 'fachausschuss');
  });

  afterEach(() => {
    for (const stream of open.splice(0)) stream.close();
  });

  afterAll(async () => {
    await system.stop();
  });

  it('should send an event on the open stream within a few seconds when a decision is recorded', async () => {
    const id = await startRound('Live: Radweg');
    await settled(id);
    const stream = await connect(`/api/v1/rounds/${id}/events`, callers.member);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    await eventually(async () => (stream.text().includes(`round ${id}`) ? true : undefined), 5_000);
    expect(stream.text()).not.toContain('event: change');

    const decision = await system.request('POST', `/api/v1/rounds/${id}/stages/fachausschuss/decision`, { outcome: 'approved' }, { authorization: `Bearer ${callers.secretary}` });
    expect(decision.status).toBe(200);
    const event = await eventually(async () => /event: change\nid: [^\n]+\ndata: (\{[^\n]*\})/.exec(stream.text())?.[1], 5_000);
    expect(JSON.parse(event)).toMatchObject({ roundId: id });
  });

  it('should tell the overview stream when any round changes', async () => {
    const stream = await connect('/api/v1/rounds/events', callers.admin);
    expect(stream.status).toBe(200);
    await eventually(async () => (stream.text().includes(': rounds') ? true : undefined), 5_000);
    await startRound('Live: Spielplatz');
    const event = await eventually(async () => /event: change\nid: [^\n]+\ndata: (\{[^\n]*\})/.exec(stream.text())?.[1], 5_000);
    expect(JSON.parse(event)).toMatchObject({ roundId: null });
  });

  it('should end the stream after SSE_MAX_SECONDS, so the browser reconnects', async () => {
    const id = await startRound('Live: Ende');
    const stream = await connect(`/api/v1/rounds/${id}/events`, callers.auditor);
    expect(stream.status).toBe(200);
    await eventually(async () => (stream.ended() ? true : undefined), 15_000);
    expect(stream.text()).toMatch(/^retry: 3000\n/);
  });

  it('should allow a user only so many streams at once, and free a slot when the browser hangs up', async () => {
    const id = await startRound('Live: Grenze');
    const first = await connect(`/api/v1/rounds/${id}/events`, callers.secretary);
    const second = await connect('/api/v1/rounds/events', callers.secretary);
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await connect(`/api/v1/rounds/${id}/events`, callers.secretary);
    expect(third.status).toBe(429);
    expect(JSON.parse(third.text())).toMatchObject({ type: expect.stringContaining('/problems/rate-limited'), status: 429 });
    // Someone else is not affected.
    expect((await connect(`/api/v1/rounds/${id}/events`, callers.member)).status).toBe(200);

    first.close();
    const again = await eventually(async () => {
      const attempt = await connect(`/api/v1/rounds/${id}/events`, callers.secretary);
      return attempt.status === 200 ? attempt : undefined;
    }, 5_000);
    expect(again.contentType).toMatch(/^text\/event-stream/);
  });

  it('should refuse unknown rounds, query parameters, anonymous callers and API keys with Problem Details', async () => {
    const id = await startRound('Live: Fehler');
    const unknown = await system.request('GET', '/api/v1/rounds/00000000-0000-4000-8000-000000000000/events');
    expect(unknown.status).toBe(404);
    expect(unknown.body.type).toContain('/problems/round-not-found');
    expect((await system.request('GET', '/api/v1/rounds/kein-uuid/events')).status).toBe(404);
    const query = await system.request('GET', `/api/v1/rounds/${id}/events?once=true`);
    expect(query.status).toBe(400);
    expect(query.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await system.request('GET', `/api/v1/rounds/${id}/events`, undefined, { authorization: '' })).status).toBe(401);
    expect((await system.request('GET', '/api/v1/rounds/events', undefined, { authorization: `Bearer ${callers.integration}` })).status).toBe(403);
  });
});
