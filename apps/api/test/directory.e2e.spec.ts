import { randomUUID } from 'node:crypto';
import { AuditRepository, createDataSource, directoryChain } from '@ratsweg/persistence';
import pg from 'pg';
import { roundWhen, stageOf, startRound } from './support/rounds.js';
import { TestSystem, type HttpResult } from './support/system.js';

const TABLES = ['tenant', 'legislative_term', 'body', 'person', 'membership', 'meeting'] as const;

const MUSTERHAUSEN = { name: 'Stadt Musterhausen', shortName: 'Musterhausen', ags: '05999001', website: 'https://www.musterhausen.example' };

describe('the council directory over HTTP', () => {
  const system = new TestSystem();
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  /** Another municipality in the same database, whose rows this installation must not reach. */
  const otherTenant = `other-${randomUUID()}`;
  const otherPerson = randomUUID();
  const otherBody = randomUUID();

  beforeAll(async () => {
    await Promise.all([system.start(), db.connect()]);
    await db.query(`INSERT INTO "tenant" ("key", "name", "short_name", "ags", "standing_orders") VALUES ($1, 'Gemeinde Anderswo', 'Anderswo', '05999002', '{}')`, [
      otherTenant,
    ]);
    await db.query(`INSERT INTO "person" ("id", "tenant", "given_name", "family_name") VALUES ($1, $2, 'Otto', 'Anderswo')`, [otherPerson, otherTenant]);
    await db.query(`INSERT INTO "body" ("id", "tenant", "key", "name", "short_name", "classification", "start_date") VALUES ($1, $2, 'rat', 'Rat', 'Rat', 'council', '2025-11-01')`, [
      otherBody,
      otherTenant,
    ]);
  });

  afterAll(async () => {
    await db.end();
    await system.stop();
  });

  /** Rows of this test's tenant in every directory table, and its audit entries. */
  const snapshot = async (): Promise<Record<string, number>> => {
    const counts: Record<string, number> = {};
    for (const table of TABLES) {
      const column = table === 'tenant' ? 'key' : 'tenant';
      counts[table] = (await db.query(`SELECT count(*)::int AS n FROM "${table}" WHERE "${column}" = $1`, [system.tenant])).rows[0].n as number;
    }
    counts.audit = (await db.query('SELECT count(*)::int AS n FROM audit_entry WHERE chain = $1', [directoryChain(system.tenant)])).rows[0].n as number;
    return counts;
  };

  const auditOf = async (subjectId: string): Promise<{ action: string; actor: string; subject_type: string; before: unknown; after: unknown }[]> =>
    (
      await db.query('SELECT action, actor, subject_type, before, after FROM audit_entry WHERE chain = $1 AND subject_id = $2 ORDER BY chain_position', [
        directoryChain(system.tenant),
        subjectId,
      ])
    ).rows;

  const created = async (path: string, body: unknown): Promise<Record<string, unknown> & { id: string }> => {
    const response = await system.request('POST', path, body);
    if (response.status !== 201) throw new Error(`POST ${path} failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  };

  const expectProblem = (response: HttpResult, status: number, field?: string): void => {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(response.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
    if (field) expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  };

  const person = (givenName: string, familyName: string) => created('/api/v1/persons', { givenName, familyName });
  const body = (key: string, classification = 'committee') =>
    created('/api/v1/bodies', { key, name: `Gremium ${key}`, shortName: key.slice(0, 10), classification, startDate: '2025-11-01' });

  it('should create the tenant when it does not exist and change it when put again', async () => {
    expectProblem(await system.request('GET', '/api/v1/tenant'), 404);
    const first = await system.request('PUT', '/api/v1/tenant', MUSTERHAUSEN);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ key: system.tenant, ...MUSTERHAUSEN, standingOrders: { noticePeriodDays: 7 } });

    const changed = await system.request('PUT', '/api/v1/tenant', {
      ...MUSTERHAUSEN,
      name: 'Hansestadt Musterhausen',
      standingOrders: { noticePeriodDays: 10, urgentNoticePeriodDays: 3, dayCounting: 'working', meetingDayCounts: false },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'Hansestadt Musterhausen', standingOrders: { noticePeriodDays: 10, dayCounting: 'working' } });
    expect(Date.parse(changed.body.modifiedAt)).toBeGreaterThanOrEqual(Date.parse(changed.body.createdAt));
    expect((await system.request('GET', '/api/v1/tenant')).body.name).toBe('Hansestadt Musterhausen');
    expect((await auditOf(system.tenant)).map((entry) => entry.action)).toEqual(['tenant.created', 'tenant.changed']);
  });

  it('should create, change and end a body and end its open memberships with it when the body ends', async () => {
    const rat = await body('ausschuss-digitales');
    expect(rat).toMatchObject({ key: 'ausschuss-digitales', classification: 'committee', startDate: '2025-11-01', endDate: null });
    expect((await system.request('GET', `/api/v1/bodies/${rat.id}`)).body).toEqual(rat);

    const changed = await system.request('PATCH', `/api/v1/bodies/${rat.id}`, { name: 'Ausschuss für Digitalisierung', shortName: 'ADI' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'Ausschuss für Digitalisierung', shortName: 'ADI', key: 'ausschuss-digitales' });

    const member = await person('Erika', 'Mustermann');
    const seat = await created('/api/v1/memberships', { personId: member.id, bodyId: rat.id, role: 'chair', startDate: '2025-11-01' });
    const ended = await system.request('POST', `/api/v1/bodies/${rat.id}/end`, { endDate: '2030-10-31' });
    expect(ended.status).toBe(200);
    expect(ended.body.endDate).toBe('2030-10-31');
    expect((await system.request('GET', `/api/v1/memberships/${seat.id}`)).body.endDate).toBe('2030-10-31');

    expectProblem(await system.request('POST', `/api/v1/bodies/${rat.id}/end`, { endDate: '2030-12-31' }), 400, 'endDate');
    const audit = await auditOf(rat.id);
    expect(audit.map((entry) => entry.action)).toEqual(['body.created', 'body.changed', 'body.ended']);
    expect(audit.every((entry) => entry.actor === system.adminActor && entry.subject_type === 'body')).toBe(true);
    expect(audit[1]).toMatchObject({ before: { name: 'Gremium ausschuss-digitales' }, after: { name: 'Ausschuss für Digitalisierung' } });
    expect((await auditOf(seat.id)).map((entry) => entry.action)).toEqual(['membership.created', 'membership.ended']);
  });

  it('should create and change a person and refuse unknown fields such as a password', async () => {
    const created = await system.request('POST', '/api/v1/persons', { givenName: 'Max', familyName: 'Mustermann', email: 'max@musterhausen.example', locale: 'en' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/persons/${created.body.id}`);
    expect(created.body).toMatchObject({ givenName: 'Max', familyName: 'Mustermann', formOfAddress: null, title: null, locale: 'en' });

    const changed = await system.request('PATCH', `/api/v1/persons/${created.body.id}`, { title: 'Dr.', formOfAddress: 'Herr', email: null });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ title: 'Dr.', formOfAddress: 'Herr', email: null, givenName: 'Max' });

    const before = await snapshot();
    expectProblem(await system.request('PATCH', `/api/v1/persons/${created.body.id}`, { password: 'geheim' }), 400, 'password');
    expectProblem(await system.request('POST', '/api/v1/persons', { givenName: 'Eva', familyName: 'Muster', password: 'geheim' }), 400, 'password');
    expect(await snapshot()).toEqual(before);
    const audit = await auditOf(created.body.id);
    expect(audit.map((entry) => entry.action)).toEqual(['person.created', 'person.changed']);
    expect(JSON.stringify(audit)).not.toContain('geheim');
  });

  it('should create a legislative term and list it', async () => {
    const term = await created('/api/v1/legislative-terms', { name: 'Wahlperiode 2025–2030', startDate: '2025-11-01', endDate: '2030-10-31' });
    const list = await system.request('GET', '/api/v1/legislative-terms');
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([term]);
    expect((await auditOf(term.id)).map((entry) => entry.action)).toEqual(['legislative_term.created']);
  });

  it('should list only those who are members on a day when the memberships are filtered by that day', async () => {
    const committee = await body('ausschuss-finanzen');
    const leaving = await person('Anna', 'Beispiel');
    const joining = await person('Bernd', 'Beispiel');
    const first = await created('/api/v1/memberships', { personId: leaving.id, bodyId: committee.id, role: 'member', startDate: '2025-11-01' });
    const second = await created('/api/v1/memberships', { personId: joining.id, bodyId: committee.id, role: 'member', votingRight: false, startDate: '2026-04-01' });
    const ended = await system.request('POST', `/api/v1/memberships/${first.id}/end`, { endDate: '2026-03-31' });
    expect(ended.status).toBe(200);
    expect(ended.body.endDate).toBe('2026-03-31');
    const changed = await system.request('PATCH', `/api/v1/memberships/${second.id}`, { role: 'deputy_chair', votingRight: true });
    expect(changed.body).toMatchObject({ role: 'deputy_chair', votingRight: true });

    const membersOn = async (day: string) =>
      (await system.request('GET', `/api/v1/memberships?body=${committee.id}&on=${day}`)).body.data.map((membership: { personId: string }) => membership.personId);
    expect(await membersOn('2026-02-01')).toEqual([leaving.id]);
    expect(await membersOn('2026-03-31')).toEqual([leaving.id]);
    expect(await membersOn('2026-04-01')).toEqual([joining.id]);
    expect(await membersOn('2025-10-31')).toEqual([]);
    const ofPerson = await system.request('GET', `/api/v1/memberships?person=${leaving.id}`);
    expect(ofPerson.body.data.map((membership: { id: string }) => membership.id)).toEqual([first.id]);
    expect((await auditOf(first.id)).map((entry) => entry.action)).toEqual(['membership.created', 'membership.ended']);
    expect((await auditOf(second.id)).map((entry) => entry.action)).toEqual(['membership.created', 'membership.changed']);
  });

  it('should page through a list with an opaque cursor when there are more rows than the limit', async () => {
    for (const given of ['Clara', 'David', 'Emma', 'Felix', 'Greta']) await person(given, 'Seitenweise');
    const all = (await system.request('GET', '/api/v1/persons?limit=200')).body.data.map((row: { id: string }) => row.id);
    const paged: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const response = await system.request('GET', `/api/v1/persons?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      expect(response.body.data.length).toBeLessThanOrEqual(2);
      paged.push(...response.body.data.map((row: { id: string }) => row.id));
      cursor = response.body.next;
      pages += 1;
    } while (cursor && pages < 100);
    expect(paged).toEqual(all);
    expect(new Set(paged).size).toBe(paged.length);
    expect(pages).toBe(Math.ceil(all.length / 2));

    expectProblem(await system.request('GET', '/api/v1/persons?cursor=bm9uc2Vuc2U'), 400, 'cursor');
    expectProblem(await system.request('GET', `/api/v1/persons?cursor=${Buffer.from('["x","y","z"]').toString('base64url')}`), 400, 'cursor');
    expectProblem(await system.request('GET', '/api/v1/persons?limit=0'), 400, 'limit');
    expectProblem(await system.request('GET', '/api/v1/persons?limit=201'), 400, 'limit');
    expectProblem(await system.request('GET', '/api/v1/memberships?on=2026-02-30'), 400, 'on');
  });

  it('should create and change a meeting', async () => {
    const rat = await body('rat', 'council');
    const meeting = await created('/api/v1/meetings', { bodyId: rat.id, name: '1. Sitzung des Rates', start: '2025-11-06T17:00:00+01:00' });
    expect(meeting).toMatchObject({ start: '2025-11-06T16:00:00.000Z', end: null, state: 'scheduled', roundId: null, meetingKey: null });
    const changed = await system.request('PATCH', `/api/v1/meetings/${meeting.id}`, { state: 'held', location: 'Ratssaal', end: '2025-11-06T19:30:00Z' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ state: 'held', location: 'Ratssaal', end: '2025-11-06T19:30:00.000Z' });
    expect((await system.request('GET', '/api/v1/meetings')).body.data.map((row: { id: string }) => row.id)).toContain(meeting.id);
    expect((await auditOf(meeting.id)).map((entry) => entry.action)).toEqual(['meeting.created', 'meeting.changed']);
  });

  describe('bad input', () => {
    let committee: { id: string };
    let member: { id: string };
    let seat: { id: string };
    let endedSeat: { id: string };

    beforeAll(async () => {
      committee = await body('ausschuss-bad-input');
      member = await person('Ida', 'Probe');
      seat = await created('/api/v1/memberships', { personId: member.id, bodyId: committee.id, role: 'member', startDate: '2026-01-01' });
      endedSeat = await created('/api/v1/memberships', { personId: member.id, bodyId: committee.id, role: 'secretary', startDate: '2026-01-01', endDate: '2026-06-30' });
    });

    /** [what, method, path, body, expected status, field named in errors[]] */
    const cases = (): [string, string, string, unknown, number, string?][] => [
      ['a membership that ends before it starts', 'POST', '/api/v1/memberships', { personId: member.id, bodyId: committee.id, role: 'member', startDate: '2026-05-01', endDate: '2026-04-30' }, 400, 'endDate'],
      ['a membership ended before it started', 'POST', `/api/v1/memberships/${seat.id}/end`, { endDate: '2025-12-31' }, 400, 'endDate'],
      ['a membership ended twice', 'POST', `/api/v1/memberships/${endedSeat.id}/end`, { endDate: '2026-07-31' }, 400, 'endDate'],
      ['a membership moved to start after it ended', 'PATCH', `/api/v1/memberships/${endedSeat.id}`, { startDate: '2026-07-01' }, 400, 'startDate'],
      ['a date that does not exist', 'POST', `/api/v1/memberships/${seat.id}/end`, { endDate: '2026-02-30' }, 400, 'endDate'],
      ['an AGS that is not 8 digits', 'PUT', '/api/v1/tenant', { ...MUSTERHAUSEN, ags: '0599900' }, 400, 'ags'],
      ['an AGS with letters', 'PUT', '/api/v1/tenant', { ...MUSTERHAUSEN, ags: '0599900A' }, 400, 'ags'],
      ['standing orders that contradict themselves', 'PUT', '/api/v1/tenant', { ...MUSTERHAUSEN, standingOrders: { noticePeriodDays: 3, urgentNoticePeriodDays: 5, dayCounting: 'calendar', meetingDayCounts: false } }, 400, 'standingOrders.urgentNoticePeriodDays'],
      ['a person of another tenant', 'POST', '/api/v1/memberships', { personId: otherPerson, bodyId: committee.id, role: 'member', startDate: '2026-01-01' }, 400, 'personId'],
      ['a body of another tenant', 'POST', '/api/v1/memberships', { personId: member.id, bodyId: otherBody, role: 'member', startDate: '2026-01-01' }, 400, 'bodyId'],
      ['a meeting of a body of another tenant', 'POST', '/api/v1/meetings', { bodyId: otherBody, name: 'Fremd', start: '2026-01-01T10:00:00Z' }, 400, 'bodyId'],
      ['a meeting that ends before it starts', 'POST', '/api/v1/meetings', { bodyId: committee.id, name: 'Rückwärts', start: '2026-01-01T10:00:00Z', end: '2026-01-01T09:00:00Z' }, 400, 'end'],
      ['a meeting key without a round', 'POST', '/api/v1/meetings', { bodyId: committee.id, name: 'Halb', start: '2026-01-01T10:00:00Z', meetingKey: 'fachausschuss' }, 400, 'roundId'],
      ['an unknown round', 'POST', '/api/v1/meetings', { bodyId: committee.id, name: 'Ohne Runde', start: '2026-01-01T10:00:00Z', roundId: randomUUID(), meetingKey: 'fachausschuss' }, 400, 'roundId'],
      ['a body key in use', 'POST', '/api/v1/bodies', { key: 'ausschuss-bad-input', name: 'Doppelt', shortName: 'D', classification: 'committee', startDate: '2025-11-01' }, 400, 'key'],
      ['an unknown classification', 'POST', '/api/v1/bodies', { key: 'neu', name: 'Neu', shortName: 'N', classification: 'stammtisch', startDate: '2025-11-01' }, 400, 'classification'],
      ['an unknown field', 'PATCH', `/api/v1/bodies/${committee.id}`, { name: 'Neu', color: 'blau' }, 400, 'color'],
      ['a legislative term that ends before it starts', 'POST', '/api/v1/legislative-terms', { name: 'Rückwärts', startDate: '2030-01-01', endDate: '2025-01-01' }, 400, 'endDate'],
      ['an unknown body', 'GET', `/api/v1/bodies/${randomUUID()}`, undefined, 404],
      ['a body of another tenant by id', 'GET', `/api/v1/bodies/${otherBody}`, undefined, 404],
      ['a person of another tenant by id', 'PATCH', `/api/v1/persons/${otherPerson}`, { givenName: 'Eingriff' }, 404],
      ['an unknown person', 'GET', `/api/v1/persons/${randomUUID()}`, undefined, 404],
      ['an id that is no uuid', 'PATCH', '/api/v1/bodies/rat', { name: 'Rat' }, 404],
      ['an unknown membership', 'POST', `/api/v1/memberships/${randomUUID()}/end`, { endDate: '2026-01-01' }, 404],
      ['an unknown meeting', 'PATCH', `/api/v1/meetings/${randomUUID()}`, { name: 'Nie' }, 404],
    ];

    it('should answer with Problem Details naming the field and write nothing when the input is refused', async () => {
      const before = await snapshot();
      const otherBefore = (await db.query('SELECT given_name FROM person WHERE id = $1', [otherPerson])).rows;
      const wrong: string[] = [];
      for (const [what, method, path, payload, status, field] of cases()) {
        const response = await system.request(method, path, payload, { 'accept-language': 'en' });
        const named = field === undefined || (response.body.errors ?? []).some((error: { field: string }) => error.field === field);
        const problem = /application\/problem\+json/.test(response.headers.get('content-type') ?? '');
        if (response.status !== status || !named || !problem) wrong.push(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
      }
      expect(wrong).toEqual([]);
      expect(await snapshot()).toEqual(before);
      expect((await db.query('SELECT given_name FROM person WHERE id = $1', [otherPerson])).rows).toEqual(otherBefore);
    });
  });

  it('should move the committee deadline of a round when the meeting linked to it gets a new start', async () => {
    const id = await startRound(system, {
      templateKey: 'beschlussvorlage',
      templateVersion: 1,
      title: 'Sitzung verschoben',
      meetings: { fachausschuss: '2030-03-24T16:00:00Z' },
    });
    const opened = await system.request('POST', `/api/v1/rounds/${id}/stages/vorlage/decision`, { outcome: 'completed' });
    expect(stageOf(opened.body, 'fachausschuss')).toMatchObject({ status: 'open', deadline: '2030-03-24T16:00:00.000Z' });
    const planung = await body('ausschuss-planung');

    const before = await snapshot();
    const unknownKey = await system.request('POST', '/api/v1/meetings', {
      bodyId: planung.id,
      name: 'Kirmes',
      start: '2030-03-24T16:00:00Z',
      roundId: id,
      meetingKey: 'kirmes',
    });
    expectProblem(unknownKey, 400, 'meetingKey');
    expect(await snapshot()).toEqual(before);

    const meeting = await created('/api/v1/meetings', {
      bodyId: planung.id,
      name: '3. Sitzung des Ausschusses für Stadtplanung',
      start: '2030-03-24T16:00:00Z',
      roundId: id,
      meetingKey: 'fachausschuss',
    });
    const moved = await system.request('PATCH', `/api/v1/meetings/${meeting.id}`, { start: '2030-04-09T15:00:00Z' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ start: '2030-04-09T15:00:00.000Z', roundId: id, meetingKey: 'fachausschuss' });

    const round = await roundWhen(system, id, (body) => stageOf(body, 'fachausschuss').deadline === '2030-04-09T15:00:00.000Z');
    // 9 April 2030 is a Tuesday in CEST; 7 full days before it: dispatch by Monday 1 April, end of day.
    expect(stageOf(round, 'fachausschuss').invitationDeadline.at).toBe('2030-04-01T21:59:59.999Z');
    expect((await auditOf(meeting.id)).map((entry) => entry.action)).toEqual(['meeting.created', 'meeting.changed']);
  });

  it('should have appended an audit entry for every change, all in one valid chain, when the directory changed', async () => {
    const entries = (await db.query('SELECT action, actor FROM audit_entry WHERE chain = $1 ORDER BY chain_position', [directoryChain(system.tenant)])).rows as {
      action: string;
      actor: string;
    }[];
    expect(new Set(entries.map((entry) => entry.action))).toEqual(
      new Set([
        'tenant.created',
        'tenant.changed',
        'legislative_term.created',
        'body.created',
        'body.changed',
        'body.ended',
        'person.created',
        'person.changed',
        'membership.created',
        'membership.changed',
        'membership.ended',
        'meeting.created',
        'meeting.changed',
      ]),
    );
    expect(entries.every((entry) => entry.actor === system.adminActor)).toBe(true);
    const dataSource = await createDataSource({ url: process.env.DATABASE_URL as string, poolSize: 1 }).initialize();
    try {
      expect(await new AuditRepository(dataSource).verify(system.tenant, directoryChain(system.tenant))).toEqual({ valid: true, entries: entries.length });
    } finally {
      await dataSource.destroy();
    }
  });
});
