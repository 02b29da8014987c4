import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_STANDING_ORDERS } from '@ratsweg/domain';
import type { DataSource } from 'typeorm';
import { AuditRepository, directoryChain } from '../../audit/audit.repository.js';
import { createDataSource } from '../../database/data-source.js';
import { importFromOparl, type OparlImportOptions, type OparlImportResult } from '../oparl-importer.js';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..');
const EXAMPLES = join(REPO_ROOT, '..', 'shared', 'oparl-1.1', 'examples');
const TYPE = (name: string) => `https://schema.oparl.org/1.1/${name}`;

type Json = Record<string, unknown>;

/** An OParl server on 127.0.0.1: objects by path (with query), `hang` paths never answer. */
class FakeOparlServer {
  readonly routes = new Map<string, unknown>();
  readonly hang = new Set<string>();
  /** Paths answered in chunks without content-length, so that only the bytes read tell the size. */
  readonly chunked = new Set<string>();
  readonly requests: string[] = [];
  private server?: Server;
  base = '';

  async start(): Promise<this> {
    this.server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const path = request.url ?? '/';
      this.requests.push(path);
      if (this.hang.has(path)) return;
      const body = this.routes.get(path);
      if (body === undefined) {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
      }
      const text = JSON.stringify(body);
      if (this.chunked.has(path)) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write(text.slice(0, 100));
        response.end(text.slice(100));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(text);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  url(path: string): string {
    return `${this.base}${path}`;
  }

  /** An official example, with its URLs pointing at this server. */
  example(name: string): Json {
    return JSON.parse(readFileSync(join(EXAMPLES, `${name}.json`), 'utf8').replaceAll('https://oparl.example.org', this.base)) as Json;
  }

  /** Serves `objects` as an OParl list at `path`, `perPage` objects a page (page 2 onwards at `?page=n`). */
  list(path: string, objects: Json[], perPage = 100): void {
    const pages = Math.max(1, Math.ceil(objects.length / perPage));
    const pagePath = (page: number) => (page === 1 ? path : `${path}?page=${page}`);
    for (let page = 1; page <= pages; page += 1) {
      this.routes.set(pagePath(page), {
        data: objects.slice((page - 1) * perPage, page * perPage),
        pagination: { totalElements: objects.length, elementsPerPage: perPage, currentPage: page, totalPages: pages },
        links: {
          first: this.url(pagePath(1)),
          ...(page < pages ? { next: this.url(pagePath(page + 1)) } : {}),
          last: this.url(pagePath(pages)),
        },
      });
    }
  }
}

interface Scenario {
  /** The family name of the generated person /person/101. */
  familyName101: string;
}

/** System → Body → lists, from the official examples and a few generated objects. */
function publish(server: FakeOparlServer, scenario: Scenario = { familyName101: 'Beispiel' }): void {
  const body = server.url('/body/0');
  const system = server.example('System-01');
  server.routes.set('/', system);
  const oparlBody = server.example('Body-01');
  server.routes.set('/body/0', oparlBody);
  server.list('/bodies', [oparlBody]);

  const rat = {
    id: server.url('/organization/1'),
    type: TYPE('Organization'),
    body,
    name: 'Rat der Stadt Köln',
    shortName: 'Rat',
    organizationType: 'Gremium',
    classification: 'Rat',
    startDate: '2020-11-01',
    created: '2020-11-01T10:00:00+01:00',
    modified: '2020-11-01T10:00:00+01:00',
  };
  server.list('/body/0/organizations/', [server.example('Organization-01'), rat]);

  const person = (id: number, givenName: string, familyName: string): Json => ({
    id: server.url(`/person/${id}`),
    type: TYPE('Person'),
    body,
    name: `${givenName} ${familyName}`,
    givenName,
    familyName,
    created: '2020-11-01T10:00:00+01:00',
    modified: '2020-11-01T10:00:00+01:00',
  });
  server.list(
    '/body/0/persons/',
    [
      server.example('Person-01'),
      person(101, 'Erika', scenario.familyName101),
      person(102, 'Hans', 'Platzhalter'),
      person(103, 'Ida', 'Exempel'),
      person(104, 'Jan', 'Muster'),
    ],
    3,
  );

  const membership = (id: number, personId: number, organization: string, role: string, extra: Json = {}): Json => ({
    id: server.url(`/membership/${id}`),
    type: TYPE('Membership'),
    person: server.url(`/person/${personId}`),
    organization: server.url(organization),
    role,
    startDate: '2020-11-01',
    created: '2020-11-01T10:00:00+01:00',
    modified: '2020-11-01T10:00:00+01:00',
    ...extra,
  });
  server.list('/body/0/memberships/', [
    membership(27, 29, '/organization/34', 'Vorsitz', { votingRight: true }),
    membership(48, 101, '/organization/34', 'Stellvertretender Vorsitz', { votingRight: true }),
    membership(57, 102, '/organization/34', 'Schriftführung', { votingRight: false }),
    membership(60, 103, '/organization/1', 'Mitglied', { endDate: '2024-10-31' }),
    membership(61, 999, '/organization/1', 'Mitglied'),
  ]);

  const meeting = (id: number, name: string, extra: Json): Json => ({
    id: server.url(`/meeting/${id}`),
    type: TYPE('Meeting'),
    name,
    start: '2025-03-12T17:00:00+01:00',
    organization: [rat.id],
    created: '2025-01-01T10:00:00+01:00',
    modified: '2025-01-01T10:00:00+01:00',
    ...extra,
  });
  server.list('/body/0/meetings/', [
    server.example('Meeting-01'),
    meeting(282, '12. Sitzung des Rates', { meetingState: 'durchgeführt', end: '2025-03-12T21:00:00+01:00' }),
    meeting(283, '13. Sitzung des Rates', { cancelled: true, meetingState: 'abgesagt' }),
  ]);
}

describe('importFromOparl', () => {
  let dataSource: DataSource;
  let server: FakeOparlServer;

  const newTenant = async (): Promise<string> => {
    const tenant = `oparl-import-${randomUUID()}`;
    await dataSource.query(`INSERT INTO "tenant" ("key", "name", "short_name", "ags", "standing_orders") VALUES ($1, $2, $3, $4, $5::jsonb)`, [
      tenant,
      'Stadt Köln',
      'Köln',
      '05315000',
      JSON.stringify(DEFAULT_STANDING_ORDERS),
    ]);
    return tenant;
  };

  const run = (tenant: string, extra: Partial<OparlImportOptions> = {}): Promise<OparlImportResult> =>
    importFromOparl({ dataSource, tenant, systemUrl: server.url('/'), actor: 'system:oparl-import-test', ...extra });

  /** Everything the import writes for a tenant. */
  const snapshot = async (tenant: string) => {
    const rows = async (table: string) =>
      dataSource.query(`SELECT "id", "created_at", "modified_at" FROM "${table}" WHERE "tenant" = $1 ORDER BY "id"`, [tenant]) as Promise<unknown[]>;
    return {
      body: await rows('body'),
      person: await rows('person'),
      membership: await rows('membership'),
      meeting: await rows('meeting'),
      refs: (await dataSource.query(
        `SELECT "oparl_id", "kind", "local_id", "content_hash", "imported_at" FROM "oparl_import_ref" WHERE "tenant" = $1 ORDER BY "oparl_id"`,
        [tenant],
      )) as unknown[],
      audit: (await dataSource.query(`SELECT "id", "action", "subject_id" FROM "audit_entry" WHERE "chain" = $1 ORDER BY "chain_position"`, [
        directoryChain(tenant),
      ])) as { id: string; action: string; subject_id: string }[],
    };
  };

  beforeAll(async () => {
    dataSource = await createDataSource({ url: process.env.DATABASE_URL as string, poolSize: 3 }).initialize();
  });

  beforeEach(async () => {
    server = await new FakeOparlServer().start();
    publish(server);
  });

  afterEach(async () => {
    await server.stop();
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  it('should create bodies, persons, memberships and meetings with references and audit entries when the tenant is empty', async () => {
    const tenant = await newTenant();
    const result = await run(tenant);

    expect(result.body).toBe(server.url('/body/0'));
    expect(result.created).toEqual({ organization: 2, person: 5, membership: 4, meeting: 3 });
    expect(result.updated).toEqual({ organization: 0, person: 0, membership: 0, meeting: 0 });
    expect(result.unchanged).toEqual({ organization: 0, person: 0, membership: 0, meeting: 0 });
    // The membership of an unknown person, and the two memberships Person-01 embeds in organizations not imported.
    expect(result.skipped).toEqual({ organization: 0, person: 0, membership: 3, meeting: 0 });
    // Both pages of the persons list were read.
    expect(server.requests).toEqual(expect.arrayContaining(['/body/0/persons/', '/body/0/persons/?page=2']));

    const bodies = await dataSource.query(
      `SELECT "key", "name", "short_name", "classification", to_char("start_date", 'YYYY-MM-DD') AS "start_date" FROM "body" WHERE "tenant" = $1 ORDER BY "key"`,
      [tenant],
    );
    expect(bodies).toEqual([
      { key: 'finanzausschuss', name: 'Ausschuss für Haushalt und Finanzen', short_name: 'Finanzausschuss', classification: 'committee', start_date: '2012-07-17' },
      { key: 'rat', name: 'Rat der Stadt Köln', short_name: 'Rat', classification: 'council', start_date: '2020-11-01' },
    ]);
    const [max] = await dataSource.query(
      `SELECT "given_name", "family_name", "form_of_address", "title", "email", "locale" FROM "person" WHERE "tenant" = $1 AND "family_name" = 'Mustermann'`,
      [tenant],
    );
    expect(max).toEqual({ given_name: 'Max', family_name: 'Mustermann', form_of_address: 'Ratsfrau', title: 'Prof. Dr.', email: 'max@mustermann.de', locale: 'de' });

    const memberships = await dataSource.query(
      `SELECT p."family_name", b."key", m."role", m."voting_right", to_char(m."start_date", 'YYYY-MM-DD') AS "start", to_char(m."end_date", 'YYYY-MM-DD') AS "end"
       FROM "membership" m JOIN "person" p ON p."id" = m."person_id" JOIN "body" b ON b."id" = m."body_id"
       WHERE m."tenant" = $1 ORDER BY p."family_name"`,
      [tenant],
    );
    expect(memberships).toEqual([
      { family_name: 'Beispiel', key: 'finanzausschuss', role: 'deputy_chair', voting_right: true, start: '2020-11-01', end: null },
      { family_name: 'Exempel', key: 'rat', role: 'member', voting_right: true, start: '2020-11-01', end: '2024-10-31' },
      { family_name: 'Mustermann', key: 'finanzausschuss', role: 'chair', voting_right: true, start: '2020-11-01', end: null },
      { family_name: 'Platzhalter', key: 'finanzausschuss', role: 'secretary', voting_right: false, start: '2020-11-01', end: null },
    ]);

    const meetings = await dataSource.query(
      `SELECT m."name", b."key", m."start", m."end", m."location", m."state", m."round_id"
       FROM "meeting" m JOIN "body" b ON b."id" = m."body_id" WHERE m."tenant" = $1 ORDER BY m."name"`,
      [tenant],
    );
    expect(meetings).toEqual([
      {
        name: '12. Sitzung des Rates',
        key: 'rat',
        start: new Date('2025-03-12T16:00:00Z'),
        end: new Date('2025-03-12T20:00:00Z'),
        location: null,
        state: 'held',
        round_id: null,
      },
      { name: '13. Sitzung des Rates', key: 'rat', start: new Date('2025-03-12T16:00:00Z'), end: null, location: null, state: 'cancelled', round_id: null },
      {
        name: '4. Sitzung des Finanzausschusses',
        key: 'finanzausschuss',
        start: new Date('2013-01-04T07:00:00Z'),
        end: new Date('2013-01-04T11:00:00Z'),
        location: 'Rathaus der Beispielstadt, Ratshausplatz 1, 12345 Beispielstadt',
        state: 'scheduled',
        round_id: null,
      },
    ]);

    const written = await snapshot(tenant);
    expect(written.refs).toHaveLength(14);
    expect(written.refs).not.toContainEqual(expect.objectContaining({ oparl_id: server.url('/membership/61') }));
    expect(written.audit).toHaveLength(14);
    expect(new Set(written.audit.map((entry) => entry.action))).toEqual(new Set(['body.imported', 'person.imported', 'membership.imported', 'meeting.imported']));
    expect(await new AuditRepository(dataSource).verify(tenant, directoryChain(tenant))).toEqual({ valid: true, entries: 14 });
  });

  it('should change nothing when the same data is imported a second time', async () => {
    const tenant = await newTenant();
    await run(tenant);
    const before = await snapshot(tenant);

    const second = await run(tenant);

    expect(second.created).toEqual({ organization: 0, person: 0, membership: 0, meeting: 0 });
    expect(second.updated).toEqual({ organization: 0, person: 0, membership: 0, meeting: 0 });
    expect(second.unchanged).toEqual({ organization: 2, person: 5, membership: 4, meeting: 3 });
    expect(await snapshot(tenant)).toEqual(before);
  });

  it('should update only the changed person, with one audit entry, when a name changed on the server', async () => {
    const tenant = await newTenant();
    await run(tenant);
    await run(tenant);
    const before = await snapshot(tenant);
    publish(server, { familyName101: 'Beispiel-Neumann' });

    const third = await run(tenant);

    expect(third.updated).toEqual({ organization: 0, person: 1, membership: 0, meeting: 0 });
    expect(third.created).toEqual({ organization: 0, person: 0, membership: 0, meeting: 0 });
    expect(third.unchanged).toEqual({ organization: 2, person: 4, membership: 4, meeting: 3 });
    const after = await snapshot(tenant);
    expect(after.person).toHaveLength(5);
    const [ref] = (await dataSource.query(`SELECT "local_id" FROM "oparl_import_ref" WHERE "tenant" = $1 AND "oparl_id" = $2`, [
      tenant,
      server.url('/person/101'),
    ])) as { local_id: string }[];
    const changedId = ref?.local_id as string;
    expect(after.person.filter((row) => (row as { id: string }).id !== changedId)).toEqual(
      before.person.filter((row) => (row as { id: string }).id !== changedId),
    );
    expect(after.person).not.toEqual(before.person);
    expect(after.body).toEqual(before.body);
    expect(after.membership).toEqual(before.membership);
    expect(after.meeting).toEqual(before.meeting);
    expect(after.audit).toHaveLength(before.audit.length + 1);

    const [entry] = await dataSource.query(
      `SELECT "action", "actor", "subject_type", "subject_id", "before", "after", "details" FROM "audit_entry" WHERE "chain" = $1 ORDER BY "chain_position" DESC LIMIT 1`,
      [directoryChain(tenant)],
    );
    expect(entry).toMatchObject({
      action: 'person.imported',
      actor: 'system:oparl-import-test',
      subject_type: 'person',
      subject_id: changedId,
      before: { familyName: 'Beispiel', givenName: 'Erika' },
      after: { familyName: 'Beispiel-Neumann', givenName: 'Erika' },
      details: { oparlId: server.url('/person/101'), change: 'updated' },
    });
    const [person] = await dataSource.query(`SELECT "family_name" FROM "person" WHERE "id" = $1`, [changedId]);
    expect(person).toEqual({ family_name: 'Beispiel-Neumann' });
    expect(await new AuditRepository(dataSource).verify(tenant, directoryChain(tenant))).toEqual({ valid: true, entries: 15 });
  });

  it('should give an error naming the URL and write nothing when the server is unreachable', async () => {
    const tenant = await newTenant();
    const url = server.url('/');
    await server.stop();

    await expect(run(tenant)).rejects.toThrow(`OParl request to ${url} failed`);

    const written = await snapshot(tenant);
    expect(written).toEqual({ body: [], person: [], membership: [], meeting: [], refs: [], audit: [] });
  });

  it('should write nothing when a list fails half-way through', async () => {
    const tenant = await newTenant();
    server.routes.delete('/body/0/persons/?page=2');

    await expect(run(tenant)).rejects.toThrow(`OParl request to ${server.url('/body/0/persons/?page=2')} failed: HTTP 404`);

    expect(await snapshot(tenant)).toEqual({ body: [], person: [], membership: [], meeting: [], refs: [], audit: [] });
  });

  it('should refuse with an error naming the URL when a response, a request or a list exceeds its limit', async () => {
    const tenant = await newTenant();
    await expect(run(tenant, { limits: { maxBytes: 200 } })).rejects.toThrow(`OParl response from ${server.url('/')} is too large: `);
    server.chunked.add('/');
    await expect(run(tenant, { limits: { maxBytes: 200 } })).rejects.toThrow(`OParl response from ${server.url('/')} is too large: more than 200 bytes`);
    server.chunked.clear();
    server.hang.add('/body/0/meetings/');
    await expect(run(tenant, { limits: { timeoutMs: 300 } })).rejects.toThrow(`OParl request to ${server.url('/body/0/meetings/')} failed: no answer within 0.3 s`);
    server.hang.clear();
    await expect(run(tenant, { limits: { maxObjectsPerList: 4 } })).rejects.toThrow(`OParl list ${server.url('/body/0/persons/')} has more than 4 objects`);
    expect((await snapshot(tenant)).refs).toEqual([]);
  });

  it('should import when given the body URL, and refuse when the URL is neither a System nor a Body', async () => {
    const tenant = await newTenant();
    const result = await run(tenant, { systemUrl: undefined, bodyUrl: server.url('/body/0') });
    expect(result.created).toEqual({ organization: 2, person: 5, membership: 4, meeting: 3 });
    await expect(run(tenant, { systemUrl: undefined, url: server.url('/body/0/organizations/') })).rejects.toThrow(
      `${server.url('/body/0/organizations/')} is not an OParl System or Body`,
    );
  });

  it('should refuse to import when the tenant does not exist', async () => {
    await expect(run(`missing-${randomUUID()}`)).rejects.toThrow(/tenant "missing-.*" does not exist/);
  });
});
