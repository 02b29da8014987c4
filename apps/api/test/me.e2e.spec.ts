import { randomUUID } from 'node:crypto';
import type { ProcessTemplate, StageDefinition } from '@ratsweg/domain';
import { roundWhen, stageOf, startRound, uploadTemplate } from './support/rounds.js';
import { eventually, TestSystem, type HttpResult } from './support/system.js';

/** Four bodies: the person sits in `me-a` today, sat in `me-b` until last year, joins `me-c` next year, never sat in `me-d`. */
const BODIES = ['me-a', 'me-b', 'me-c', 'me-d'] as const;

const stage = (key: string, body: string, extra: Partial<StageDefinition> = {}): StageDefinition => ({
  key,
  type: 'committee_consultation',
  title: { de: `Beratung ${body}`, en: `Deliberation ${body}` },
  body,
  group: 'beratung',
  deadline: { meeting: 'sitzung' },
  outcomes: { approved: { to: 'end' } },
  ...extra,
});

/** All stages open together at the start, each in its body, with the meeting `sitzung` as deadline. */
const consultation: ProcessTemplate = {
  key: 'me-beratung',
  version: 1,
  title: { de: 'Beratung in vier Gremien', en: 'Deliberation in four bodies' },
  stages: [
    stage('beratung-a', 'me-a', {
      title: { de: 'Vorberatung im Ausschuss A', en: 'First reading in committee A' },
      reminders: { before: ['P7D'], audiences: ['responsible-body'] },
      notify: { onOpen: ['responsible-body', 'administrator'] },
    }),
    // A stage of the same body without a deadline: nothing falls due.
    stage('anhoerung-a', 'me-a', { deadline: undefined }),
    // Told to the administrators only: nobody of me-a hears of it as a member.
    stage('beratung-b', 'me-b', { notify: { onOpen: ['administrator'] } }),
    stage('beratung-c', 'me-c'),
    stage('beratung-d', 'me-d'),
  ],
};

const isoDate = (offsetDays: number): string => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe('the signed-in politician: own deadlines, own inbox; and the metrics endpoint', () => {
  const system = new TestSystem({ env: { NOTIFICATION_DISPATCH_INTERVAL_MS: '100' } });
  const password = `Ratsmitglied ${randomUUID()}`;
  const bodyIds: Record<string, string> = {};
  let person: string;
  let colleague: string;
  let chief: string;
  let member: string;
  let colleagueToken: string;
  let adminMember: string;
  let unlinked: string;

  const created = async (path: string, body: unknown): Promise<{ id: string } & Record<string, unknown>> => {
    const response = await system.request('POST', path, body);
    if (response.status !== 201) throw new Error(`POST ${path} failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const get = (path: string, token: string, headers: Record<string, string> = {}) => system.request('GET', path, undefined, { ...as(token), ...headers });
  const user = async (email: string, roles: string[], personId?: string): Promise<string> => {
    await created('/api/v1/users', { email, displayName: email, password, roles, ...(personId ? { personId } : {}) });
    return system.login(email, password);
  };
  const expectProblem = (response: HttpResult, status: number, field?: string): void => {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    if (field) expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  };
  const deadlineKeys = (response: HttpResult): string[] => response.body.data.map((item: { roundId: string; stageKey: string }) => `${item.roundId}/${item.stageKey}`);

  beforeAll(async () => {
    await system.start();
    expect((await system.request('PUT', '/api/v1/tenant', { name: 'Stadt Fristhausen', shortName: 'Fristhausen', ags: '05999003' })).status).toBe(201);
    for (const key of BODIES) {
      bodyIds[key] = (await created('/api/v1/bodies', { key, name: `Ausschuss ${key}`, shortName: key, classification: 'committee', startDate: '2020-01-01' })).id;
    }
    person = (await created('/api/v1/persons', { givenName: 'Frieda', familyName: 'Frist', email: 'frieda@fristhausen.example' })).id;
    colleague = (await created('/api/v1/persons', { givenName: 'Karl', familyName: 'Kollege' })).id;
    chief = (await created('/api/v1/persons', { givenName: 'Adele', familyName: 'Amtsleitung' })).id;
    await created('/api/v1/memberships', { personId: person, bodyId: bodyIds['me-a'], role: 'chair', startDate: '2020-01-01' });
    await created('/api/v1/memberships', { personId: person, bodyId: bodyIds['me-b'], role: 'member', startDate: '2020-01-01', endDate: isoDate(-400) });
    await created('/api/v1/memberships', { personId: person, bodyId: bodyIds['me-c'], role: 'member', startDate: isoDate(400) });
    await created('/api/v1/memberships', { personId: colleague, bodyId: bodyIds['me-a'], role: 'member', startDate: '2020-01-01' });
    await created('/api/v1/memberships', { personId: chief, bodyId: bodyIds['me-a'], role: 'member', startDate: '2020-01-01' });
    await uploadTemplate(system, consultation, 1);
    member = await user(`frieda@${system.tenant}.example`, ['member'], person);
    colleagueToken = await user(`karl@${system.tenant}.example`, ['member'], colleague);
    adminMember = await user(`chefin@${system.tenant}.example`, ['admin'], chief);
    unlinked = await user(`ohne-person@${system.tenant}.example`, ['member']);
  });

  afterAll(async () => {
    await system.stop();
  });

  describe('GET /api/v1/me/deadlines', () => {
    const rounds: Record<string, string> = {};

    beforeAll(async () => {
      // Started out of order: the list sorts by deadline, not by start.
      for (const [name, meeting] of [
        ['spaeter', '2031-06-01T15:00:00Z'],
        ['frueher', '2030-03-01T15:00:00Z'],
        ['vorbei', '2024-01-10T15:00:00Z'],
        ['mitte', '2030-09-01T15:00:00Z'],
      ] as const) {
        rounds[name] = await startRound(system, { templateKey: 'me-beratung', title: `Vorlage ${name}`, meetings: { sitzung: meeting } });
      }
      for (const id of Object.values(rounds)) await roundWhen(system, id, (round) => stageOf(round, 'beratung-a').status === 'open');
    });

    it("should list the open deadlines of the person's current bodies only, earliest first, with the person's role", async () => {
      const response = await get('/api/v1/me/deadlines', member, { 'accept-language': 'en' });
      expect(response.status).toBe(200);
      expect(deadlineKeys(response)).toEqual([`${rounds.vorbei}/beratung-a`, `${rounds.frueher}/beratung-a`, `${rounds.mitte}/beratung-a`, `${rounds.spaeter}/beratung-a`]);
      expect(response.body.next).toBeUndefined();
      expect(response.body.data[1]).toEqual({
        roundId: rounds.frueher,
        roundTitle: 'Vorlage frueher',
        stageKey: 'beratung-a',
        stageTitle: 'First reading in committee A',
        body: 'me-a',
        deadlineAt: '2030-03-01T15:00:00.000Z',
        overdue: false,
        role: 'chair',
        nextReminderAt: '2030-02-22T15:00:00.000Z',
      });
      expect(response.body.data[0]).toMatchObject({ deadlineAt: '2024-01-10T15:00:00.000Z', overdue: true });
      // German by default.
      expect((await get('/api/v1/me/deadlines', member)).body.data[0].stageTitle).toBe('Vorberatung im Ausschuss A');
      // The colleague in the same body sees the same stages, as a member.
      const colleagues = await get('/api/v1/me/deadlines', colleagueToken);
      expect(deadlineKeys(colleagues)).toEqual(deadlineKeys(response));
      expect(colleagues.body.data.every((item: { role: string }) => item.role === 'member')).toBe(true);
    });

    it('should filter by overdue and by an instant the deadline must come before', async () => {
      expect(deadlineKeys(await get('/api/v1/me/deadlines?overdue=true', member))).toEqual([`${rounds.vorbei}/beratung-a`]);
      expect(deadlineKeys(await get('/api/v1/me/deadlines?overdue=false', member))).toEqual([
        `${rounds.frueher}/beratung-a`,
        `${rounds.mitte}/beratung-a`,
        `${rounds.spaeter}/beratung-a`,
      ]);
      expect(deadlineKeys(await get(`/api/v1/me/deadlines?before=${encodeURIComponent('2030-09-01T17:00:00+02:00')}`, member))).toEqual([
        `${rounds.vorbei}/beratung-a`,
        `${rounds.frueher}/beratung-a`,
      ]);
      expect(deadlineKeys(await get('/api/v1/me/deadlines?before=2030-12-31T00:00:00Z&overdue=false', member))).toEqual([
        `${rounds.frueher}/beratung-a`,
        `${rounds.mitte}/beratung-a`,
      ]);
    });

    it('should page through the deadlines with a cursor, each once', async () => {
      const first = await get('/api/v1/me/deadlines?limit=3', member);
      expect(first.body.data).toHaveLength(3);
      expect(typeof first.body.next).toBe('string');
      const second = await get(`/api/v1/me/deadlines?limit=3&cursor=${encodeURIComponent(first.body.next)}`, member);
      expect(second.body.next).toBeUndefined();
      expect([...deadlineKeys(first), ...deadlineKeys(second)]).toEqual(deadlineKeys(await get('/api/v1/me/deadlines', member)));
    });

    it('should drop a deadline once its stage is decided', async () => {
      const decided = await system.request('POST', `/api/v1/rounds/${rounds.frueher}/stages/beratung-a/decision`, { outcome: 'approved' });
      expect(decided.status).toBe(200);
      await eventually(async () => {
        const keys = deadlineKeys(await get('/api/v1/me/deadlines', member));
        return keys.includes(`${rounds.frueher}/beratung-a`) ? undefined : keys;
      });
      expect(deadlineKeys(await get('/api/v1/me/deadlines', member))).toEqual([`${rounds.vorbei}/beratung-a`, `${rounds.mitte}/beratung-a`, `${rounds.spaeter}/beratung-a`]);
    });

    it('should drop the deadlines of a cancelled round', async () => {
      expect((await system.request('POST', `/api/v1/rounds/${rounds.spaeter}/cancel`, { reason: 'zurückgezogen' })).status).toBe(200);
      await eventually(async () => ((await get('/api/v1/me/deadlines', member)).body.data.length === 2 ? true : undefined));
    });

    it('should give a user without a linked person an empty list', async () => {
      const response = await get('/api/v1/me/deadlines', unlinked);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ data: [] });
    });

    it('should refuse bad filters and cursors with Problem Details naming the field', async () => {
      expectProblem(await get('/api/v1/me/deadlines?before=morgen', member), 400, 'before');
      expectProblem(await get('/api/v1/me/deadlines?before=2030-01-01T00:00:00', member), 400, 'before');
      expectProblem(await get('/api/v1/me/deadlines?overdue=ja', member), 400, 'overdue');
      expectProblem(await get('/api/v1/me/deadlines?limit=0', member), 400, 'limit');
      expectProblem(await get('/api/v1/me/deadlines?body=me-a', member), 400, 'body');
      expectProblem(await get('/api/v1/me/deadlines?cursor=kaputt', member), 400, 'cursor');
      // A cursor of the inbox is none of this list.
      const inboxCursor = Buffer.from(JSON.stringify(['inbox', '2030-01-01 00:00:00+00', randomUUID()])).toString('base64url');
      expectProblem(await get(`/api/v1/me/deadlines?cursor=${encodeURIComponent(inboxCursor)}`, member), 400, 'cursor');
    });

    it('should be for signed-in users only', async () => {
      expectProblem(await system.request('GET', '/api/v1/me/deadlines', undefined, { authorization: '' }), 401);
    });
  });

  describe('GET /api/v1/me/notifications', () => {
    beforeAll(async () => {
      await startRound(system, { templateKey: 'me-beratung', title: 'Vorlage mit Nachricht', meetings: { sitzung: '2030-11-03T15:00:00Z' } });
    });

    const inboxOf = async (token: string, query = ''): Promise<HttpResult> => {
      const response = await get(`/api/v1/me/notifications${query}`, token);
      expect(response.status).toBe(200);
      return response;
    };
    const idsOf = (response: HttpResult): string[] => response.body.data.map((entry: { id: string }) => entry.id);
    const mentioning = (response: HttpResult, text: string) =>
      response.body.data.filter((entry: { subject: string; text: string }) => `${entry.subject}\n${entry.text}`.includes(text));

    it("should show the person's notifications to the linked user, the administrators' ones besides to an administrator", async () => {
      const own = await eventually(async () => {
        const response = await inboxOf(member);
        return mentioning(response, 'Vorlage mit Nachricht').length > 0 ? response : undefined;
      });
      expect(own.body.data.every((entry: { inbox: string }) => entry.inbox === 'person')).toBe(true);
      expect(own.body.data[0]).toEqual({ id: expect.any(String), inbox: 'person', subject: expect.any(String), text: expect.any(String), createdAt: expect.any(String), readAt: null });
      // The same as the person's inbox read by id (read together until no delivery arrives in between).
      await eventually(async () => {
        const [mine, byId] = await Promise.all([inboxOf(member, '?limit=200'), system.request('GET', `/api/v1/persons/${person}/notifications?limit=200`)]);
        return JSON.stringify(idsOf(mine)) === JSON.stringify(idsOf(byId)) ? true : undefined;
      });

      await eventually(async () => {
        const response = await inboxOf(adminMember);
        return mentioning(response, 'Vorlage mit Nachricht').some((entry: { inbox: string }) => entry.inbox === 'administrators') ? response : undefined;
      });
      // An administrator who is also a person sees the person's entries, and of the shared inbox what the person was not told of
      // (the opening of B; the opening of A reached her as a member of A, and is shown once).
      type Entry = { id: string; inbox: string; subject: string; text: string };
      const said = (entry: Entry) => `${entry.subject}\n${entry.text}`;
      const { merged } = await eventually(async () => {
        const [merged, shared, chiefs] = await Promise.all([
          inboxOf(adminMember, '?limit=200'),
          system.request('GET', '/api/v1/notifications/administrators?limit=200').then((response) => response.body.data as Entry[]),
          system.request('GET', `/api/v1/persons/${chief}/notifications?limit=200`).then((response) => response.body.data as Entry[]),
        ]);
        const told = new Set(chiefs.map(said));
        const expected = [...chiefs, ...shared.filter((entry) => !told.has(said(entry)))].map((entry) => entry.id).sort();
        return chiefs.length > 0 && JSON.stringify([...idsOf(merged)].sort()) === JSON.stringify(expected) ? { merged } : undefined;
      });
      const mergedEntries = merged.body.data as Entry[];
      expect(mergedEntries.some((entry) => entry.inbox === 'person' && entry.subject === 'Neue Phase: Vorberatung im Ausschuss A')).toBe(true);
      expect(mergedEntries.some((entry) => entry.inbox === 'administrators' && entry.subject === 'Neue Phase: Beratung me-b')).toBe(true);
      expect(mergedEntries.some((entry) => entry.inbox === 'administrators' && entry.subject === 'Neue Phase: Vorberatung im Ausschuss A')).toBe(false);
      const times = merged.body.data.map((entry: { createdAt: string }) => Date.parse(entry.createdAt));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      // The first administrator started every round: as each round's administrator, the entries are in the own inbox,
      // each change once — the shared inbox's copies are not shown besides.
      await eventually(async () => {
        const [admin, administrators] = await Promise.all([
          inboxOf(system.adminToken, '?limit=200'),
          system.request('GET', '/api/v1/notifications/administrators?limit=200').then((response) => response.body.data as Entry[]),
        ]);
        const own = admin.body.data as Entry[];
        return administrators.length > 0 &&
          own.every((entry) => entry.inbox === 'user') &&
          JSON.stringify(own.map(said).sort()) === JSON.stringify(administrators.map(said).sort())
          ? true
          : undefined;
      });
      // Neither person nor administrator: nothing.
      expect((await inboxOf(unlinked)).body).toEqual({ data: [] });
    });

    it('should page through the merged inbox newest first, each entry once', async () => {
      const all = (await inboxOf(adminMember, '?limit=200')).body.data.map((entry: { id: string }) => entry.id);
      expect(all.length).toBeGreaterThan(2);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await inboxOf(adminMember, `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(page.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.data.map((entry: { id: string }) => entry.id));
        cursor = page.body.next;
      } while (cursor);
      expect(seen).toEqual(all);
    });

    it('should mark an own notification read, and leave it out of the unread ones', async () => {
      const entry = (await inboxOf(member)).body.data[0] as { id: string };
      const read = await system.request('POST', `/api/v1/me/notifications/${entry.id}/read`, undefined, as(member));
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ id: entry.id, inbox: 'person', readAt: expect.any(String) });
      const again = await system.request('POST', `/api/v1/me/notifications/${entry.id}/read`, undefined, as(member));
      expect(again.body.readAt).toBe(read.body.readAt);
      // Everything else is still unread (read together until no delivery arrives in between).
      await eventually(async () => {
        const [unread, all] = await Promise.all([inboxOf(member, '?unread=true&limit=200'), inboxOf(member, '?limit=200')]);
        const expected = idsOf(all).filter((id) => id !== entry.id);
        return JSON.stringify(idsOf(unread)) === JSON.stringify(expected) ? true : undefined;
      });
      // The person's inbox read by id says the same.
      const byId = (await system.request('GET', `/api/v1/persons/${person}/notifications`)).body.data as { id: string; readAt: string | null }[];
      expect(byId.find((candidate) => candidate.id === entry.id)?.readAt).toBe(read.body.readAt);
    });

    it("should answer 404 for someone else's notification and change nothing", async () => {
      const colleagues = await eventually(async () => {
        const response = await inboxOf(colleagueToken);
        return response.body.data.length > 0 ? response : undefined;
      });
      const theirs = colleagues.body.data[0] as { id: string };
      const administrators = (await system.request('GET', '/api/v1/notifications/administrators')).body.data[0] as { id: string };
      for (const id of [theirs.id, administrators.id, randomUUID(), 'keine-uuid']) {
        expectProblem(await system.request('POST', `/api/v1/me/notifications/${id}/read`, undefined, as(member)), 404);
      }
      expect((await inboxOf(colleagueToken)).body.data.find((entry: { id: string }) => entry.id === theirs.id).readAt).toBeNull();
      expect((await system.request('GET', '/api/v1/notifications/administrators')).body.data[0]).toMatchObject({ id: administrators.id, readAt: null });
      // An administrator marks the shared inbox's entries read.
      const shared = await system.request('POST', `/api/v1/me/notifications/${administrators.id}/read`, undefined, as(adminMember));
      expect(shared.body).toMatchObject({ id: administrators.id, inbox: 'administrators', readAt: expect.any(String) });
    });

    it('should refuse bad queries, and anonymous callers', async () => {
      expectProblem(await get('/api/v1/me/notifications?unread=vielleicht', member), 400, 'unread');
      expectProblem(await get('/api/v1/me/notifications?cursor=kaputt', member), 400, 'cursor');
      expectProblem(await get('/api/v1/me/notifications?gelesen=true', member), 400, 'gelesen');
      expectProblem(await system.request('GET', '/api/v1/me/notifications', undefined, { authorization: '' }), 401);
      expectProblem(await system.request('POST', `/api/v1/me/notifications/${randomUUID()}/read`, undefined, { authorization: '' }), 401);
    });
  });

  describe('GET /metrics', () => {
    /** The value of the sample of `name` that has all of `labels`, or undefined. */
    const sample = (text: string, name: string, labels: Record<string, string> = {}): number | undefined => {
      for (const line of text.split('\n')) {
        const match = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
        if (!match || match[1] !== name) continue;
        const present = match[3] ?? '';
        if (Object.entries(labels).every(([key, value]) => present.includes(`${key}="${value}"`))) return Number(match[4]);
      }
      return undefined;
    };

    it('should be refused to anonymous callers, members and API keys without the metrics scope', async () => {
      expectProblem(await system.request('GET', '/metrics', undefined, { authorization: '' }), 401);
      expectProblem(await get('/metrics', member), 403);
      const events = await created('/api/v1/api-keys', { name: 'Ereignisse', scopes: ['events'] });
      expectProblem(await get('/metrics', events.key as string), 403);
    });

    it('should give administrators and metrics API keys the process, HTTP and domain metrics', async () => {
      const key = (await created('/api/v1/api-keys', { name: 'Prometheus', scopes: ['metrics'] })).key as string;
      // A metrics key is no user: it has no inbox.
      expectProblem(await get('/api/v1/me/notifications', key), 403);
      for (const token of [system.adminToken, key]) {
        const response = await get('/metrics', token);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
        expect(response.headers.get('cache-control')).toBe('no-store');
        expect(sample(response.body, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      }
      const { body: text } = await get('/metrics', key);
      const counts = new Map<string, number>();
      for (const round of (await system.request('GET', '/api/v1/rounds?limit=200')).body.data as { status: string }[]) {
        counts.set(round.status, (counts.get(round.status) ?? 0) + 1);
      }
      expect(counts.get('running')).toBeGreaterThan(0);
      for (const status of ['running', 'completed', 'cancelled', 'failed']) {
        expect(sample(text, 'ratsweg_rounds', { status, tenant: system.tenant })).toBe(counts.get(status) ?? 0);
      }
      expect(sample(text, 'ratsweg_outbox_deliveries', { status: 'sent', channel: 'inbox' })).toBeGreaterThan(0);
      expect(sample(text, 'ratsweg_outbox_oldest_pending_delivery_age_seconds')).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'ratsweg_outbox_pending_notifications')).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'ratsweg_database_up')).toBe(1);
      // HTTP requests by route pattern, never by the raw URL.
      expect(sample(text, 'ratsweg_http_requests_total', { method: 'GET', route: '/api/v1/me/deadlines', status_class: '2xx' })).toBeGreaterThan(0);
      expect(sample(text, 'ratsweg_http_requests_total', { method: 'GET', route: '/api/v1/me/deadlines', status_class: '4xx' })).toBeGreaterThan(0);
      expect(sample(text, 'ratsweg_http_requests_total', { method: 'POST', route: '/api/v1/me/notifications/:deliveryId/read', status_class: '4xx' })).toBeGreaterThan(0);
      expect(sample(text, 'ratsweg_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/rounds/:id', status_class: '2xx' })).toBeGreaterThan(0);
      expect(text).not.toMatch(/route="[^"]*[0-9a-f]{8}-[0-9a-f]{4}-/);
      expect(text).not.toContain('keine-uuid');
    });

    it('should count requests to unknown paths under one label', async () => {
      // Under /api: other unknown paths are the web application's (it answers them with its index page).
      await system.request('GET', `/api/v1/gibt-es-nicht/${randomUUID()}`);
      const text = (await get('/metrics', system.adminToken)).body as string;
      expect(sample(text, 'ratsweg_http_requests_total', { route: 'unmatched', status_class: '4xx' })).toBeGreaterThan(0);
      expect(text).not.toContain('gibt-es-nicht');
    });

    it('should be described in the OpenAPI document', async () => {
      const document = await system.request('GET', '/api/docs-json');
      expect(document.body.paths['/metrics'].get).toBeDefined();
      expect(document.body.paths['/api/v1/me/deadlines'].get).toBeDefined();
      expect(document.body.paths['/api/v1/me/notifications'].get).toBeDefined();
      expect(document.body.paths['/api/v1/me/notifications/{deliveryId}/read'].post).toBeDefined();
    });
  });
});
