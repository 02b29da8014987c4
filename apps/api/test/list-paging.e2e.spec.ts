import { randomUUID } from 'node:crypto';
import { BUILTIN_TEMPLATES, kurzverfahrenTemplate, type ProcessTemplate } from '@ratsweg/domain';
import { createDataSource, seedDemoDirectory } from '@ratsweg/persistence';
import pg from 'pg';
import { roundWhen, stageOf, startRound, uploadTemplate } from './support/rounds.js';
import { eventually, TestSystem, type HttpResult } from './support/system.js';

/**
 * Cursor pagination and filters on every list of the API: for each list route, all pages walked
 * with a small `limit` give every item exactly once, in the list's order (checked against
 * PostgreSQL where the list is a table); bad `limit`, `cursor` and unknown parameters are 400
 * Problem Details; the filters a user would reach for work; and the OpenAPI document describes it.
 */
type Item = Record<string, unknown>;

interface ListCase {
  /** The route as the OpenAPI document names it. */
  route: string;
  path: () => string;
  /** The id of an item in the list. */
  id: (item: Item) => string;
  /** The page size of the walk: small enough for several pages. */
  limit: number;
  /** At least this many items are in the list. */
  min: number;
  /** Another caller than the administrator. */
  token?: () => string;
  /** The list's items in its order, straight from PostgreSQL (or the templates shipped and stored). */
  expected?: () => Promise<string[]>;
  /** The answer settles asynchronously (mail and notifications written by the worker). */
  settles?: boolean;
}

const title = { de: 'Test', en: 'Test' };
const participationTemplate: ProcessTemplate = {
  key: 'blaettern-stellungnahmen',
  version: 1,
  title: { de: 'Stellungnahmen zum Blättern', en: 'Comments to page through' },
  stages: [
    { key: 'entwurf', type: 'drafting', title, deadline: { offset: 'P30D' }, outcomes: { completed: { to: 'next' } } },
    { key: 'online-diskussion', type: 'public_consultation', title, deadline: { offset: 'P30D' }, outcomes: { completed: { to: 'end' } } },
  ],
};
/** Stored templates: keys and titles the `q` filter can tell apart. */
const STORED = [
  { key: 'blaettern-alpha', title: { de: 'Seitenweise Alpha', en: 'Paged alpha' } },
  { key: 'blaettern-beta', title: { de: 'Seitenweise Beta', en: 'Paged beta' } },
  { key: 'blaettern-gamma', title: { de: 'Gamma Verfahren', en: 'Gamma procedure' } },
  { key: 'zeta-100', title: { de: 'Hundert Prozent', en: 'One hundred per cent' } },
];
const MEETING = '2030-07-02T15:00:00Z';

describe('cursor pagination and filters on every list', () => {
  const system = new TestSystem({ env: { NOTIFICATION_DISPATCH_INTERVAL_MS: '100', RATE_LIMIT_COMMENTS_PER_MINUTE: '1000' } });
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  const fixtures = {
    filesRound: '',
    commentRound: '',
    closedRounds: [] as string[],
    waitingRounds: [] as string[],
    person: '',
    personToken: '',
    committeeId: '',
    councilId: '',
    webhooks: { active: [] as string[], inactive: [] as string[] },
    keys: { live: [] as string[], revoked: [] as string[] },
    users: { auditor: '', disabled: '' },
    files: { vorlage: [] as string[], fachausschuss: [] as string[] },
    meetings: { tied: [] as string[], ofRound: '' },
  };

  const ok = async (method: string, path: string, body?: unknown): Promise<HttpResult> => {
    const response = await system.request(method, path, body);
    if (response.status >= 300) throw new Error(`${method} ${path} failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response;
  };
  const rows = async (sql: string, params: unknown[]): Promise<string[]> => (await db.query<{ v: string }>(sql, params)).rows.map((row) => String(row.v));
  const bearer = (token?: string): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
  const withQuery = (path: string, query: string): string => `${path}${path.includes('?') ? '&' : '?'}${query}`;

  /** Every page of a list with `limit` items each; checks the page sizes and that `next` ends the walk. */
  async function walk(path: string, limit: number, token?: string, from?: string): Promise<{ items: Item[]; pages: number }> {
    const items: Item[] = [];
    let cursor: string | undefined = from;
    let pages = 0;
    do {
      const response = await system.request('GET', withQuery(path, `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`), undefined, bearer(token));
      expect(response.status).toBe(200);
      expect(Array.isArray(response.body.data)).toBe(true);
      expect(response.body.data.length).toBeLessThanOrEqual(limit);
      if (response.body.next !== undefined) {
        expect(response.body.data).toHaveLength(limit);
        expect(typeof response.body.next).toBe('string');
      }
      items.push(...(response.body.data as Item[]));
      cursor = response.body.next;
      pages += 1;
    } while (cursor !== undefined && pages < 500);
    expect(cursor).toBeUndefined();
    return { items, pages };
  }

  const ids = (items: Item[], id: (item: Item) => string): string[] => items.map(id);
  const byId = (item: Item): string => String(item.id);

  beforeAll(async () => {
    await db.connect();
    const dataSource = await createDataSource({ url: process.env.DATABASE_URL as string, poolSize: 1 }).initialize();
    await seedDemoDirectory(dataSource, system.tenant);
    await dataSource.destroy();
    await system.start();

    // Templates: four stored ones, one of them in a second version.
    for (const stored of STORED) await uploadTemplate(system, { ...kurzverfahrenTemplate, key: stored.key, title: stored.title }, 1);
    await uploadTemplate(system, { ...kurzverfahrenTemplate, key: 'blaettern-beta', title: { de: 'Seitenweise Beta, neu', en: 'Paged beta, new' } }, 2);
    await uploadTemplate(system, participationTemplate, 1);

    // Webhooks that never fire here (no round is cancelled, no implementation report is due).
    const hook = async (eventTypes: string[], active: boolean): Promise<string> =>
      (await ok('POST', '/api/v1/webhooks', { url: `http://127.0.0.1:9/hook-${randomUUID()}`, eventTypes, active })).body.id as string;
    fixtures.webhooks.active.push(await hook(['round.cancelled'], true));
    fixtures.webhooks.inactive.push(await hook([], false));
    fixtures.webhooks.active.push(await hook(['round.cancelled', 'implementation.status_due'], true));
    fixtures.webhooks.active.push(await hook(['implementation.status_due'], true));
    const deactivated = await hook(['stage.decided'], true);
    await ok('DELETE', `/api/v1/webhooks/${deactivated}`);
    fixtures.webhooks.inactive.push(deactivated);

    // API keys, two of them revoked.
    for (const [index, scopes] of [['events'], ['metrics'], ['events', 'metrics'], ['metrics'], ['events']].entries()) {
      const key = (await ok('POST', '/api/v1/api-keys', { name: `Schlüssel ${index}`, scopes })).body.id as string;
      if (index === 1 || index === 4) {
        await ok('DELETE', `/api/v1/api-keys/${key}`);
        fixtures.keys.revoked.push(key);
      } else fixtures.keys.live.push(key);
    }

    // Users: an auditor, a member, one disabled, and a member of the planning committee for /me.
    const user = async (roles: string[], personId?: string): Promise<{ id: string; email: string; password: string }> => {
      const email = `${randomUUID()}@${system.tenant}.example`;
      const password = `Blättern-${randomUUID()}`;
      const response = await ok('POST', '/api/v1/users', { email, displayName: 'Blätternde', password, roles, ...(personId ? { personId } : {}) });
      return { id: response.body.id as string, email, password };
    };
    fixtures.users.auditor = (await user(['auditor'])).id;
    await user(['member']);
    fixtures.users.disabled = (await user(['member'])).id;
    await ok('PATCH', `/api/v1/users/${fixtures.users.disabled}`, { disabled: true });
    const [member] = await rows(
      `SELECT m.person_id AS v FROM membership m JOIN body b ON b.id = m.body_id WHERE m.tenant = $1 AND b.key = 'ausschuss-planung' AND m.role = 'member' ORDER BY m.person_id LIMIT 1`,
      [system.tenant],
    );
    fixtures.person = member as string;
    const linked = await user([], fixtures.person);
    fixtures.personToken = await system.login(linked.email, linked.password);

    // Directory: two more legislative terms (one starting on the same day as the seeded one), five meetings, three at the same time.
    await ok('POST', '/api/v1/legislative-terms', { name: 'Wahlperiode 2020–2025', startDate: '2020-11-01', endDate: '2025-10-31' });
    await ok('POST', '/api/v1/legislative-terms', { name: 'Wahlperiode 2025 (Nachwahl)', startDate: '2025-11-01', endDate: '2030-10-31' });
    [fixtures.committeeId, fixtures.councilId] = await Promise.all(
      ['ausschuss-planung', 'rat'].map(async (key) => (await rows('SELECT id AS v FROM body WHERE tenant = $1 AND key = $2', [system.tenant, key]))[0] as string),
    );
    for (let index = 0; index < 3; index += 1) {
      fixtures.meetings.tied.push((await ok('POST', '/api/v1/meetings', { bodyId: fixtures.councilId, name: `Ratssitzung ${index}`, start: '2030-03-05T17:00:00Z' })).body.id);
    }
    await ok('POST', '/api/v1/meetings', { bodyId: fixtures.committeeId, name: 'Ausschusssitzung Januar', start: '2030-01-15T16:00:00Z' });
    await ok('POST', '/api/v1/meetings', { bodyId: fixtures.committeeId, name: 'Ausschusssitzung Mai', start: '2030-05-12T16:00:00Z' });

    // Rounds: three that end in the committee (the administrators are told), three waiting there (deadlines for /me).
    const paper = async (title: string): Promise<string> => {
      const id = await startRound(system, { templateKey: 'beschlussvorlage', templateVersion: 1, title, meetings: { fachausschuss: MEETING } });
      await ok('POST', `/api/v1/rounds/${id}/stages/vorlage/decision`, { outcome: 'completed' });
      return id;
    };
    for (let index = 0; index < 3; index += 1) {
      const id = await paper(`Abgelehnte Vorlage ${index}`);
      await roundWhen(system, id, (round) => stageOf(round, 'fachausschuss').status === 'open');
      await ok('POST', `/api/v1/rounds/${id}/stages/fachausschuss/decision`, { outcome: 'rejected' });
      fixtures.closedRounds.push(id);
    }
    for (let index = 0; index < 3; index += 1) fixtures.waitingRounds.push(await paper(`Wartende Vorlage ${index}`));
    await Promise.all(fixtures.waitingRounds.map((id) => roundWhen(system, id, (round) => stageOf(round, 'fachausschuss').status === 'open')));
    fixtures.meetings.ofRound = (
      await ok('POST', '/api/v1/meetings', { bodyId: fixtures.committeeId, name: 'Vorberatung', start: MEETING, roundId: fixtures.waitingRounds[0], meetingKey: 'fachausschuss' })
    ).body.id;

    // Files on two stages of a round.
    fixtures.filesRound = fixtures.waitingRounds[1] as string;
    const attach = async (stage: 'vorlage' | 'fachausschuss', name: string): Promise<string> => {
      const response = await fetch(`${system.apiUrl}/api/v1/rounds/${fixtures.filesRound}/stages/${stage}/files?name=${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { ...system.authHeaders(), 'content-type': 'application/pdf' },
        body: `%PDF-1.7\n% ${name}\n%%EOF\n`,
      });
      if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { id: string }).id;
    };
    for (const name of ['Entwurf.pdf', 'Anlage 1.pdf', 'Anlage 2.pdf']) fixtures.files.vorlage.push(await attach('vorlage', name));
    for (const name of ['Stellungnahme.pdf', 'Protokoll.pdf']) fixtures.files.fachausschuss.push(await attach('fachausschuss', name));

    // Five public comments.
    fixtures.commentRound = await startRound(system, { templateKey: participationTemplate.key, templateVersion: 1, title: 'Kommentare seitenweise' });
    await ok('POST', `/api/v1/rounds/${fixtures.commentRound}/stages/entwurf/decision`, { outcome: 'completed' });
    await roundWhen(system, fixtures.commentRound, (round) => stageOf(round, 'online-diskussion').status === 'open');
    for (let index = 0; index < 5; index += 1) {
      const response = await system.request('POST', `/api/v1/rounds/${fixtures.commentRound}/comments`, { text: `Anmerkung ${index}`, privacyAccepted: true }, { authorization: '' });
      if (response.status !== 201) throw new Error(`comment failed: ${response.status} ${JSON.stringify(response.body)}`);
    }

    // The worker has told the administrators of the three closed rounds and sent the invitations.
    await eventually(async () => {
      const [admins] = await rows(`SELECT count(*)::text AS v FROM delivery WHERE tenant = $1 AND recipient = 'role:administrator' AND channel = 'inbox'`, [system.tenant]);
      const [mails] = await rows('SELECT count(*)::text AS v FROM local_mailbox WHERE tenant = $1', [system.tenant]);
      const [inbox] = await rows(`SELECT count(*)::text AS v FROM delivery WHERE tenant = $1 AND recipient = $2 AND channel = 'inbox'`, [system.tenant, `person:${fixtures.person}`]);
      return Number(admins) >= 3 && Number(mails) >= 3 && Number(inbox) >= 3 ? true : undefined;
    }, 60_000);
  }, 240_000);

  afterAll(async () => {
    await system.stop();
    await db.end();
  });

  const cases: ListCase[] = [
    {
      route: 'GET /api/v1/templates',
      path: () => '/api/v1/templates',
      id: (item) => String(item.key),
      limit: 2,
      min: 8,
      expected: async () => [...new Set([...BUILTIN_TEMPLATES.map((template) => template.key), ...STORED.map((stored) => stored.key), participationTemplate.key])].sort(),
    },
    {
      route: 'GET /api/v1/rounds',
      path: () => '/api/v1/rounds',
      id: byId,
      limit: 2,
      min: 7,
      expected: () => rows('SELECT id AS v FROM round WHERE tenant = $1 ORDER BY created_at DESC, id DESC', [system.tenant]),
    },
    {
      route: 'GET /api/v1/rounds/{id}/files',
      path: () => `/api/v1/rounds/${fixtures.filesRound}/files`,
      id: byId,
      limit: 2,
      min: 5,
      expected: () => rows('SELECT id AS v FROM stage_file WHERE tenant = $1 AND round_id = $2 ORDER BY created_at, id', [system.tenant, fixtures.filesRound]),
    },
    {
      route: 'GET /api/v1/rounds/{id}/audit',
      path: () => `/api/v1/rounds/${fixtures.filesRound}/audit`,
      id: (item) => String(item.position),
      limit: 3,
      min: 8,
      expected: () => rows('SELECT chain_position AS v FROM audit_entry WHERE tenant = $1 AND chain = $2 ORDER BY chain_position', [system.tenant, `round:${fixtures.filesRound}`]),
    },
    {
      route: 'GET /api/v1/rounds/{id}/comments',
      path: () => `/api/v1/rounds/${fixtures.commentRound}/comments`,
      id: byId,
      limit: 2,
      min: 5,
      expected: () => rows('SELECT id AS v FROM public_comment WHERE tenant = $1 AND round_id = $2 ORDER BY created_at, id', [system.tenant, fixtures.commentRound]),
    },
    {
      route: 'GET /api/v1/webhooks',
      path: () => '/api/v1/webhooks',
      id: byId,
      limit: 2,
      min: 5,
      expected: () => rows('SELECT id AS v FROM webhook_subscription WHERE tenant = $1 ORDER BY created_at, id', [system.tenant]),
    },
    {
      route: 'GET /api/v1/api-keys',
      path: () => '/api/v1/api-keys',
      id: byId,
      limit: 2,
      min: 5,
      expected: () => rows('SELECT id AS v FROM api_key WHERE tenant = $1 ORDER BY created_at, id', [system.tenant]),
    },
    {
      route: 'GET /api/v1/users',
      path: () => '/api/v1/users',
      id: byId,
      limit: 2,
      min: 5,
      expected: () => rows('SELECT id AS v FROM app_user WHERE tenant = $1 ORDER BY email', [system.tenant]),
    },
    {
      route: 'GET /api/v1/bodies',
      path: () => '/api/v1/bodies',
      id: byId,
      limit: 2,
      min: 7,
      expected: () => rows('SELECT id AS v FROM body WHERE tenant = $1 ORDER BY name, id', [system.tenant]),
    },
    {
      route: 'GET /api/v1/persons',
      path: () => '/api/v1/persons',
      id: byId,
      limit: 4,
      min: 25,
      expected: () => rows('SELECT id AS v FROM person WHERE tenant = $1 ORDER BY family_name, given_name, id', [system.tenant]),
    },
    {
      route: 'GET /api/v1/memberships',
      path: () => '/api/v1/memberships',
      id: byId,
      limit: 7,
      min: 40,
      expected: () => rows('SELECT id AS v FROM membership WHERE tenant = $1 ORDER BY start_date, id', [system.tenant]),
    },
    {
      route: 'GET /api/v1/legislative-terms',
      path: () => '/api/v1/legislative-terms',
      id: byId,
      limit: 1,
      min: 3,
      expected: () => rows('SELECT id AS v FROM legislative_term WHERE tenant = $1 ORDER BY start_date, id', [system.tenant]),
    },
    {
      route: 'GET /api/v1/meetings',
      path: () => '/api/v1/meetings',
      id: byId,
      limit: 2,
      min: 6,
      expected: () => rows('SELECT id AS v FROM meeting WHERE tenant = $1 ORDER BY start, id', [system.tenant]),
    },
    {
      route: 'GET /api/v1/mailbox',
      path: () => '/api/v1/mailbox',
      id: byId,
      limit: 2,
      min: 3,
      settles: true,
      expected: () => rows('SELECT id::text AS v FROM local_mailbox WHERE tenant = $1 ORDER BY id DESC', [system.tenant]),
    },
    {
      route: 'GET /api/v1/notifications/administrators',
      path: () => '/api/v1/notifications/administrators',
      id: byId,
      limit: 2,
      min: 3,
      settles: true,
      expected: () =>
        rows(`SELECT id AS v FROM delivery WHERE tenant = $1 AND recipient = 'role:administrator' AND channel = 'inbox' ORDER BY created_at DESC, id DESC`, [system.tenant]),
    },
    {
      route: 'GET /api/v1/persons/{id}/notifications',
      path: () => `/api/v1/persons/${fixtures.person}/notifications`,
      id: byId,
      limit: 2,
      min: 3,
      settles: true,
      expected: () =>
        rows(`SELECT id AS v FROM delivery WHERE tenant = $1 AND recipient = $2 AND channel = 'inbox' ORDER BY created_at DESC, id DESC`, [system.tenant, `person:${fixtures.person}`]),
    },
    {
      route: 'GET /api/v1/me/notifications',
      path: () => '/api/v1/me/notifications',
      token: () => fixtures.personToken,
      id: byId,
      limit: 2,
      min: 3,
      settles: true,
      expected: () =>
        rows(`SELECT id AS v FROM delivery WHERE tenant = $1 AND recipient = $2 AND channel = 'inbox' ORDER BY created_at DESC, id DESC`, [system.tenant, `person:${fixtures.person}`]),
    },
    {
      route: 'GET /api/v1/me/deadlines',
      path: () => '/api/v1/me/deadlines',
      token: () => fixtures.personToken,
      id: (item) => `${String(item.roundId)}/${String(item.stageKey)}`,
      limit: 2,
      min: 3,
    },
  ];

  it('should describe every list in the OpenAPI document as a page with limit and cursor, and none as a bare array', async () => {
    const document = await system.request('GET', '/api/docs-json');
    type Operation = { parameters?: { name: string; in: string }[]; responses?: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }> };
    const paths = document.body.paths as Record<string, Record<string, Operation>>;
    const isPage = (schema: Record<string, unknown> | undefined): boolean =>
      !!schema &&
      (((schema.properties as Record<string, { type?: string }> | undefined)?.data?.type === 'array') ||
        ((schema.oneOf as Record<string, unknown>[] | undefined) ?? []).some((option) => isPage(option)));
    const lists: string[] = [];
    for (const [path, operations] of Object.entries(paths)) {
      const operation = operations.get;
      if (!operation) continue;
      const schema = operation.responses?.['200']?.content?.['application/json']?.schema;
      const route = `GET ${path}`;
      expect({ route, bareArray: schema?.type === 'array' }).toEqual({ route, bareArray: false });
      const query = (operation.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name);
      if (isPage(schema)) {
        lists.push(route);
        expect({ route, query: query.filter((name) => name === 'limit' || name === 'cursor').sort() }).toEqual({ route, query: ['cursor', 'limit'] });
      } else if (!path.startsWith('/oparl')) {
        // `limit` or `cursor` without a page answer would be a list the document does not describe.
        expect({ route, query: query.filter((name) => name === 'limit' || name === 'cursor') }).toEqual({ route, query: [] });
      }
    }
    // OParl lists page by the OParl specification and are left out here.
    expect(lists.filter((route) => !route.startsWith('GET /oparl')).sort()).toEqual(cases.map((list) => list.route).sort());
    // The filters are described too.
    const parameters = (path: string): string[] => (paths[path]?.get?.parameters ?? []).map((parameter) => parameter.name);
    expect(parameters('/api/v1/templates')).toEqual(expect.arrayContaining(['q']));
    expect(parameters('/api/v1/webhooks')).toEqual(expect.arrayContaining(['active', 'eventType']));
    expect(parameters('/api/v1/api-keys')).toEqual(expect.arrayContaining(['revoked', 'scope']));
    expect(parameters('/api/v1/rounds/{id}/files')).toEqual(expect.arrayContaining(['stage']));
    expect(parameters('/api/v1/rounds/{id}/audit')).toEqual(expect.arrayContaining(['download', 'action', 'stage', 'since']));
    expect(parameters('/api/v1/mailbox')).toEqual(expect.arrayContaining(['to']));
    expect(parameters('/api/v1/notifications/administrators')).toEqual(expect.arrayContaining(['unread']));
    expect(parameters('/api/v1/persons/{id}/notifications')).toEqual(expect.arrayContaining(['unread']));
    expect(parameters('/api/v1/users')).toEqual(expect.arrayContaining(['role', 'disabled']));
    expect(parameters('/api/v1/persons')).toEqual(expect.arrayContaining(['q']));
    expect(parameters('/api/v1/bodies')).toEqual(expect.arrayContaining(['classification', 'on']));
    expect(parameters('/api/v1/meetings')).toEqual(expect.arrayContaining(['body', 'round', 'from', 'until']));
  });

  describe.each(cases.map((list) => [list.route, list] as const))('%s', (_route, list) => {
    it('should give every item exactly once, in order, when all pages are walked', async () => {
      const token = list.token?.();
      const compare = async (): Promise<{ walked: string[]; whole: string[]; expected?: string[]; pages: number }> => {
        const { items, pages } = await walk(list.path(), list.limit, token);
        const whole = await system.request('GET', withQuery(list.path(), 'limit=200'), undefined, bearer(token));
        expect(whole.status).toBe(200);
        expect(whole.body.next).toBeUndefined();
        return { walked: ids(items, list.id), whole: ids(whole.body.data, list.id), ...(list.expected ? { expected: await list.expected() } : {}), pages };
      };
      const agree = (result: { walked: string[]; whole: string[]; expected?: string[] }): boolean =>
        JSON.stringify(result.walked) === JSON.stringify(result.whole) && (!result.expected || JSON.stringify(result.walked) === JSON.stringify(result.expected));
      // Lists the worker still writes to are compared once they have settled.
      const result = list.settles ? await eventually(async () => {
        const attempt = await compare();
        return agree(attempt) ? attempt : undefined;
      }, 60_000) : await compare();
      expect(result.walked.length).toBeGreaterThanOrEqual(list.min);
      expect(new Set(result.walked).size).toBe(result.walked.length);
      expect(result.walked).toEqual(result.whole);
      if (result.expected) expect(result.walked).toEqual(result.expected);
      expect(result.pages).toBe(Math.max(1, Math.ceil(result.walked.length / list.limit)));
    });

    it('should answer 400 Problem Details to a bad limit, a bad or foreign cursor and an unknown parameter', async () => {
      const token = list.token?.();
      const foreign = Buffer.from(JSON.stringify(['elsewhere', '2026-01-01 00:00:00+00', randomUUID(), 'x'])).toString('base64url');
      const notJson = Buffer.from('{"not": "a cursor"').toString('base64url');
      const badCases: [string, string][] = [
        ['limit=0', 'limit'],
        ['limit=201', 'limit'],
        ['limit=viele', 'limit'],
        ['limit=2.5', 'limit'],
        ['cursor=%25%25%25', 'cursor'],
        [`cursor=${notJson}`, 'cursor'],
        [`cursor=${foreign}`, 'cursor'],
        ['cursor=', 'cursor'],
        ['sortieren=geheim', 'sortieren'],
      ];
      for (const [query, field] of badCases) {
        const response = await system.request('GET', withQuery(list.path(), query), undefined, bearer(token));
        expect({ query, status: response.status }).toEqual({ query, status: 400 });
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(response.body).toMatchObject({ status: 400, type: expect.any(String), title: expect.any(String) });
        expect({ query, fields: (response.body.errors as { field: string }[]).map((error) => error.field) }).toEqual({ query, fields: expect.arrayContaining([field]) });
      }
    });
  });

  it('should refuse a cursor whose time does not exist (31 February, hour 25) with 400, not 500', async () => {
    const cursor = (parts: string[]): string => encodeURIComponent(Buffer.from(JSON.stringify(parts)).toString('base64url'));
    const id = randomUUID();
    const bad: string[] = [
      `/api/v1/webhooks?cursor=${cursor(['webhooks', '2026-02-31 10:00:00+00', id])}`,
      `/api/v1/api-keys?cursor=${cursor(['api-keys', '2026-01-01 25:00:00+00', id])}`,
      `/api/v1/rounds/${fixtures.filesRound}/files?cursor=${cursor(['files', '2026-13-01 10:00:00+00', id])}`,
      `/api/v1/notifications/administrators?cursor=${cursor(['2026-02-30 10:00:00.123456+00', id])}`,
      `/api/v1/persons/${fixtures.person}/notifications?cursor=${cursor(['2026-04-31 10:00:00+00', id])}`,
      `/api/v1/rounds/${fixtures.filesRound}/audit?cursor=${cursor(['audit', '-1'])}`,
      `/api/v1/templates?cursor=${cursor(['templates', 'Nicht Erlaubt'])}`,
      `/api/v1/templates?cursor=${cursor(['webhooks', 'kurzverfahren'])}`,
    ];
    for (const path of bad) {
      const response = await system.request('GET', path);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    }
  });

  it('should keep a walk stable while items are added: a new webhook comes last, once', async () => {
    const first = await system.request('GET', '/api/v1/webhooks?limit=2');
    const added = (await ok('POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/spaeter', eventTypes: ['round.cancelled'], active: false })).body.id as string;
    const rest = await walk('/api/v1/webhooks', 2, undefined, first.body.next as string);
    const walked = [...first.body.data, ...rest.items].map(byId);
    expect(walked).toEqual(await rows('SELECT id AS v FROM webhook_subscription WHERE tenant = $1 ORDER BY created_at, id', [system.tenant]));
    expect(walked.at(-1)).toBe(added);
  });

  describe('filters', () => {
    /** The ids of every page of `path` (walked with a small limit). */
    const all = async (path: string, id: (item: Item) => string = byId, token?: string): Promise<string[]> => ids((await walk(path, 2, token)).items, id);

    it('templates: ?q= finds words in key or title (German or English), all of them, any case, wildcards taken literally', async () => {
      expect(await all('/api/v1/templates?q=seitenweise', (item) => String(item.key))).toEqual(['blaettern-alpha', 'blaettern-beta']);
      expect(await all('/api/v1/templates?q=PAGED%20beta', (item) => String(item.key))).toEqual(['blaettern-beta']);
      expect(await all('/api/v1/templates?q=blaettern', (item) => String(item.key))).toEqual(['blaettern-alpha', 'blaettern-beta', 'blaettern-gamma', 'blaettern-stellungnahmen']);
      expect(await all('/api/v1/templates?q=100', (item) => String(item.key))).toEqual(['zeta-100']);
      expect(await all('/api/v1/templates?q=%25', (item) => String(item.key))).toEqual([]);
      expect(await all('/api/v1/templates?q=_', (item) => String(item.key))).toEqual([]);
      // The newest version, in the caller's language.
      const beta = await system.request('GET', '/api/v1/templates?q=blaettern-beta', undefined, { 'accept-language': 'en' });
      expect(beta.body).toEqual({ data: [{ key: 'blaettern-beta', title: 'Paged beta, new', version: 2 }] });
      expect((await system.request('GET', '/api/v1/templates?q=')).status).toBe(400);
    });

    it('webhooks: ?active= and ?eventType= (subscriptions without event types receive every type)', async () => {
      const active = await all('/api/v1/webhooks?active=true');
      expect(active).toEqual(fixtures.webhooks.active);
      expect(await all('/api/v1/webhooks?active=false')).toEqual(expect.arrayContaining(fixtures.webhooks.inactive));
      expect(await all('/api/v1/webhooks?active=true&eventType=implementation.status_due')).toEqual(fixtures.webhooks.active.slice(1));
      const cancelled = await all('/api/v1/webhooks?eventType=round.cancelled');
      expect(cancelled).toEqual(expect.arrayContaining([fixtures.webhooks.active[0], fixtures.webhooks.active[1], fixtures.webhooks.inactive[0]]));
      expect(cancelled).not.toContain(fixtures.webhooks.active[2]);
      expect(cancelled).not.toContain(fixtures.webhooks.inactive[1]);
      for (const query of ['active=ja', 'eventType=round.exploded', 'active=true&active=false']) {
        expect({ query, status: (await system.request('GET', `/api/v1/webhooks?${query}`)).status }).toEqual({ query, status: 400 });
      }
    });

    it('API keys: ?revoked= and ?scope=', async () => {
      expect(await all('/api/v1/api-keys?revoked=false')).toEqual(fixtures.keys.live);
      expect(await all('/api/v1/api-keys?revoked=true')).toEqual(fixtures.keys.revoked);
      const metrics = await system.request('GET', '/api/v1/api-keys?scope=metrics&limit=200');
      expect(metrics.body.data.every((key: { scopes: string[] }) => key.scopes.includes('metrics'))).toBe(true);
      expect(metrics.body.data).toHaveLength(3);
      expect(await all('/api/v1/api-keys?scope=metrics&revoked=false')).toEqual([fixtures.keys.live[1], fixtures.keys.live[2]]);
      expect((await system.request('GET', '/api/v1/api-keys?scope=root')).status).toBe(400);
    });

    it('files: ?stage=', async () => {
      const files = `/api/v1/rounds/${fixtures.filesRound}/files`;
      expect(await all(`${files}?stage=vorlage`)).toEqual(fixtures.files.vorlage);
      expect(await all(`${files}?stage=fachausschuss`)).toEqual(fixtures.files.fachausschuss);
      expect(await all(`${files}?stage=ratsbeschluss`)).toEqual([]);
      expect((await system.request('GET', `${files}?stage=${encodeURIComponent("x' OR '1'='1")}`)).status).toBe(400);
      expect((await system.request('GET', '/api/v1/rounds/00000000-0000-4000-8000-000000000000/files?stage=vorlage')).status).toBe(404);
    });

    it('audit: ?action= (one or several), ?stage=, ?since=; ?download=true still exports the whole trail and takes nothing else', async () => {
      const audit = `/api/v1/rounds/${fixtures.filesRound}/audit`;
      const entries = (await walk(audit, 50)).items as { position: number; action: string; stageKey?: string; occurredAt: string; details?: { file?: string } }[];
      const attached = await walk(`${audit}?action=stage.file_attached`, 2);
      expect(attached.items.map((entry) => (entry.details as { file: string }).file)).toEqual([...fixtures.files.vorlage, ...fixtures.files.fachausschuss]);
      const positions = (list: typeof entries): number[] => list.map((entry) => entry.position);
      expect(positions((await walk(`${audit}?action=stage.opened,stage.decided`, 2)).items as typeof entries)).toEqual(
        positions(entries.filter((entry) => entry.action === 'stage.opened' || entry.action === 'stage.decided')),
      );
      expect(positions((await walk(`${audit}?stage=vorlage`, 2)).items as typeof entries)).toEqual(positions(entries.filter((entry) => entry.stageKey === 'vorlage')));
      const middle = entries[Math.floor(entries.length / 2)] as (typeof entries)[number];
      expect(positions((await walk(`${audit}?since=${encodeURIComponent(middle.occurredAt)}`, 2)).items as typeof entries)).toEqual(
        positions(entries.filter((entry) => Date.parse(entry.occurredAt) >= Date.parse(middle.occurredAt))),
      );
      expect(positions((await walk(`${audit}?action=stage.file_attached&stage=fachausschuss`, 1)).items as typeof entries)).toHaveLength(2);

      const download = await system.request('GET', `${audit}?download=true`);
      expect(download.status).toBe(200);
      expect(download.headers.get('content-disposition')).toBe(`attachment; filename="audit-${fixtures.filesRound}.json"`);
      expect(download.body).toMatchObject({ roundId: fixtures.filesRound, verification: { valid: true, entries: entries.length } });
      expect(positions(download.body.entries)).toEqual(positions(entries));
      for (const [query, field] of [
        ['download=true&limit=2', 'limit'],
        ['download=true&action=stage.opened', 'action'],
        ['download=vielleicht', 'download'],
        ['action=', 'action'],
        ['action=stage.opened,,stage.decided', 'action'],
        ['since=gestern', 'since'],
        ['since=2027-02-30T00:00:00Z', 'since'],
        ['since=0000-01-01T00:00:00Z', 'since'],
        ['stage=..%2Fgeheim', 'stage'],
      ] as const) {
        const response = await system.request('GET', `${audit}?${query}`);
        expect({ query, status: response.status }).toEqual({ query, status: 400 });
        expect(response.body.errors.map((error: { field: string }) => error.field.split('.')[0])).toContain(field);
      }
    });

    it('mailbox: ?to= (any case)', async () => {
      const mails = (await system.request('GET', '/api/v1/mailbox?limit=200')).body.data as { id: string; to: string }[];
      const address = (mails[0] as { to: string }).to;
      const expected = mails.filter((mail) => mail.to.toLowerCase() === address.toLowerCase()).map((mail) => mail.id);
      const found = await all(`/api/v1/mailbox?to=${encodeURIComponent(address.toUpperCase())}`);
      // Mail may still arrive: the filtered walk holds the older ones in the same order.
      expect(found.slice(-expected.length)).toEqual(expected);
      expect(found.length).toBeGreaterThanOrEqual(1);
      expect(await all('/api/v1/mailbox?to=niemand@example.org')).toEqual([]);
      expect((await system.request('GET', '/api/v1/mailbox?to=keine-adresse')).status).toBe(400);
    });

    it('inboxes: ?unread= on a person\'s, the administrators\' and one\'s own', async () => {
      const inbox = `/api/v1/persons/${fixtures.person}/notifications`;
      const everything = await all(inbox);
      const read = everything[1] as string;
      expect((await system.request('POST', `${inbox}/${read}/read`)).status).toBe(200);
      expect(await all(`${inbox}?unread=false`)).toEqual([read]);
      expect(await all(`${inbox}?unread=true`)).toEqual(everything.filter((id) => id !== read));
      expect(await all('/api/v1/me/notifications?unread=true', byId, fixtures.personToken)).not.toContain(read);

      const administrators = await all('/api/v1/notifications/administrators');
      expect((await system.request('POST', `/api/v1/me/notifications/${administrators[0] as string}/read`)).status).toBe(200);
      expect(await all('/api/v1/notifications/administrators?unread=false')).toEqual([administrators[0]]);
      expect(await all('/api/v1/notifications/administrators?unread=true')).not.toContain(administrators[0]);
      expect((await system.request('GET', `${inbox}?unread=vielleicht`)).status).toBe(400);
    });

    it('users: ?role= and ?disabled=', async () => {
      expect(await all('/api/v1/users?role=auditor')).toEqual([fixtures.users.auditor]);
      expect(await all('/api/v1/users?disabled=true')).toEqual([fixtures.users.disabled]);
      expect(await all('/api/v1/users?disabled=false')).not.toContain(fixtures.users.disabled);
      expect(await all('/api/v1/users?role=admin')).toHaveLength(1);
      expect((await system.request('GET', '/api/v1/users?role=secretary')).status).toBe(400);
    });

    it('directory: persons ?q=, bodies ?classification= and ?on=, meetings ?body=, ?round=, ?from=, ?until= (same start: by id)', async () => {
      const names = (await walk('/api/v1/persons?q=muster', 2)).items.map((person) => `${String(person.givenName)} ${String(person.familyName)}`);
      expect(names).toEqual(['Greta Musterfrau', 'Vera Muster', 'Willi Muster', 'Erika Mustermann', 'Max Mustermann'].sort(byFamilyThenGiven));
      expect((await walk('/api/v1/persons?q=anna%20beispiel', 2)).items.map((person) => person.familyName)).toEqual(['Beispiel']);
      expect(await all('/api/v1/persons?q=%25')).toEqual([]);

      const committees = (await walk('/api/v1/bodies?classification=committee', 2)).items;
      expect(committees.map((body) => body.classification)).toEqual(['committee', 'committee', 'committee']);
      expect(await all('/api/v1/bodies?on=2019-01-01')).toEqual([]);
      expect((await walk('/api/v1/bodies?on=2026-01-01', 2)).items).toHaveLength(7);

      const tied = [...fixtures.meetings.tied].sort();
      expect(await all(`/api/v1/meetings?body=${fixtures.councilId}`)).toEqual(tied);
      expect(await all(`/api/v1/meetings?round=${fixtures.waitingRounds[0] as string}`)).toEqual([fixtures.meetings.ofRound]);
      const spring = await walk(`/api/v1/meetings?body=${fixtures.committeeId}&from=2030-01-15T16:00:00Z&until=2030-05-12T16:00:00Z`, 2);
      expect(spring.items.map((meeting) => meeting.name)).toEqual(['Ausschusssitzung Januar']);
      for (const query of ['from=2030-05-01T00:00:00Z&until=2030-01-01T00:00:00Z', 'body=rat', 'from=morgen', 'q=rat']) {
        expect({ query, status: (await system.request('GET', `/api/v1/meetings?${query}`)).status }).toEqual({ query, status: 400 });
      }
      expect((await system.request('GET', '/api/v1/bodies?classification=verein')).status).toBe(400);
    });
  });
});

/** The order of the persons list: family name, then given name (as PostgreSQL compares them). */
function byFamilyThenGiven(a: string, b: string): number {
  const [givenA = '', familyA = ''] = a.split(' ');
  const [givenB = '', familyB = ''] = b.split(' ');
  return familyA.localeCompare(familyB, 'de') || givenA.localeCompare(givenB, 'de');
}
