import { createDataSource, seedDemoDirectory } from '@ratsweg/persistence';
import pg from 'pg';
import { oparlTypeName, oparlValidators } from './support/oparl-schemas.js';
import { inMinutes, startRound } from './support/rounds.js';
import { TestSystem } from './support/system.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- OParl objects are checked against the official schemas
type OparlObject = Record<string, any>;

describe('OParl 1.1 read API, validated against the official schemas', () => {
  const system = new TestSystem();
  const validators = oparlValidators();
  let roundId: string;

  const get = async (url: string): Promise<OparlObject> => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    return (await response.json()) as OparlObject;
  };

  const expectValid = (object: OparlObject, schema = oparlTypeName(object)) => {
    const validate = validators[schema];
    if (!validate) throw new Error(`no schema ${schema} for ${JSON.stringify(object).slice(0, 200)}`);
    const valid = validate(object);
    expect({ id: object.id, errors: valid ? [] : validate.errors }).toEqual({ id: object.id, errors: [] });
  };

  /** Every object of a list, over all its pages. */
  const crawl = async (url: string): Promise<OparlObject[]> => {
    const objects: OparlObject[] = [];
    let next: string | undefined = url;
    while (next) {
      const page = await get(next);
      expect(page).toMatchObject({ data: expect.any(Array), pagination: expect.any(Object), links: expect.any(Object) });
      objects.push(...page.data);
      next = page.links.next;
    }
    return objects;
  };

  beforeAll(async () => {
    await system.start();
    const dataSource = await createDataSource({ url: process.env.DATABASE_URL as string, poolSize: 1 }).initialize();
    await seedDemoDirectory(dataSource, system.tenant);
    await dataSource.destroy();

    roundId = await startRound(system, {
      templateKey: 'beschlussvorlage',
      templateVersion: 1,
      title: 'Sanierung des Hallenbads',
      meetings: { fachausschuss: inMinutes(60), hauptausschuss: inMinutes(70), rat: inMinutes(80) },
      parameters: { reference: 'DS 2026/0815' },
    });
    for (const stage of ['vorlage', 'fachausschuss', 'hauptausschuss']) {
      const outcome = stage === 'vorlage' ? 'completed' : 'approved';
      expect((await system.request('POST', `/api/v1/rounds/${roundId}/stages/${stage}/decision`, { outcome })).status).toBe(200);
    }
    const council = await system.request('POST', `/api/v1/rounds/${roundId}/stages/ratsbeschluss/decision`, {
      outcome: 'approved',
      resolutionText: 'Der Rat beschließt die Sanierung des Hallenbads.',
      votes: { yes: 30, no: 8, abstain: 1 },
    });
    expect(council.body.status).toBe('completed');
    const file = await fetch(`${system.apiUrl}/api/v1/rounds/${roundId}/stages/ratsbeschluss/files?name=Beschlussvorlage.pdf`, {
      method: 'POST',
      headers: { ...system.authHeaders(), 'content-type': 'application/pdf' },
      body: Buffer.from('%PDF-1.7\nBeschlussvorlage\n%%EOF\n'),
    });
    expect(file.status).toBe(201);
    // The council meeting of the round, in the directory.
    const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    await db.query(
      `INSERT INTO meeting (id, tenant, body_id, name, start, state, round_id, meeting_key, created_at, modified_at)
       SELECT gen_random_uuid(), $1, id, 'Sitzung des Rates', now(), 'held', $2, 'rat', now(), now() FROM body WHERE tenant = $1 AND key = 'rat'`,
      [system.tenant, roundId],
    );
    await db.end();
  });

  afterAll(async () => {
    await system.stop();
  });

  it('should serve a valid System whose body list leads to a valid Body with absolute URLs', async () => {
    const oparlSystem = await get(`${system.apiUrl}/oparl/v1/system`);
    expectValid(oparlSystem, 'System');
    expect(oparlSystem.id).toBe(`${system.apiUrl}/oparl/v1/system`);
    const bodies = await crawl(oparlSystem.body);
    expect(bodies).toHaveLength(1);
    const body = bodies[0] as OparlObject;
    expectValid(body, 'Body');
    expect(body.ags).toMatch(/^\d{8}$/);
    for (const term of body.legislativeTerm) expectValid(term, 'LegislativeTerm');
    expect(await get(body.id)).toEqual(body);
  });

  it('should serve every list of the body with objects that validate and can be fetched by their id', async () => {
    const [body] = await crawl(`${system.apiUrl}/oparl/v1/bodies`);
    const lists = ['organization', 'person', 'meeting', 'paper', 'agendaItem', 'consultation', 'file', 'membership', 'legislativeTermList'];
    const counts: Record<string, number> = {};
    for (const list of lists) {
      const objects = await crawl((body as OparlObject)[list]);
      counts[list] = objects.length;
      for (const object of objects) {
        expectValid(object);
        expect(object.id).toMatch(new RegExp(`^${system.apiUrl}/oparl/v1/`));
        for (const embedded of [...(object.membership ?? []), ...(object.consultation ?? []), ...(object.agendaItem ?? [])]) {
          if (typeof embedded === 'object') expectValid(embedded);
        }
      }
      if (objects[0]) expect(await get(objects[0].id)).toEqual(objects[0]);
    }
    expect(counts.organization).toBeGreaterThanOrEqual(7);
    expect(counts.person).toBeGreaterThanOrEqual(20);
    expect(counts.paper).toBe(1);
    expect(counts.consultation).toBe(3);
    expect(counts.agendaItem).toBe(1);
    expect(counts.file).toBe(1);
  });

  it('should show the round as a paper whose committee stages are consultations and whose council decision is an agenda item', async () => {
    const paper = await get(`${system.apiUrl}/oparl/v1/papers/${roundId}`);
    expect(paper).toMatchObject({ name: 'Sanierung des Hallenbads', reference: 'DS 2026/0815', paperType: 'Beschlussvorlage' });
    expect(paper.consultation.map((consultation: OparlObject) => [consultation.role, consultation.authoritative])).toEqual([
      ['Vorberatung', false],
      ['Vorberatung', false],
      ['Entscheidung', true],
    ]);
    const council = paper.consultation[2] as OparlObject;
    const item = await get(council.agendaItem);
    expect(item).toMatchObject({ result: 'Beschlossen', resolutionText: 'Der Rat beschließt die Sanierung des Hallenbads.', consultation: council.id });
    const meeting = await get(item.meeting);
    expect(meeting.agendaItem.map((agendaItem: OparlObject) => agendaItem.id)).toEqual([item.id]);
  });

  it('should paginate with links and filter by created and modified', async () => {
    const first = await get(`${system.apiUrl}/oparl/v1/bodies/${system.tenant}/people?limit=5`);
    expect(first.pagination).toMatchObject({ elementsPerPage: 5, currentPage: 1 });
    expect(first.links.next).toContain('page=2');
    const second = await get(first.links.next);
    expect(second.data.map((person: OparlObject) => person.id)).not.toContain(first.data[0].id);
    const future = await get(`${system.apiUrl}/oparl/v1/bodies/${system.tenant}/people?created_since=${encodeURIComponent(inMinutes(60))}`);
    expect(future.data).toEqual([]);
    const bad = await system.request('GET', `/oparl/v1/bodies/${system.tenant}/people?created_since=gestern`);
    expect(bad.status).toBe(400);
  });

  it('should answer 404 Problem Details for unknown bodies, lists and objects', async () => {
    for (const path of ['/oparl/v1/bodies/andere-stadt', '/oparl/v1/bodies/andere-stadt/people', `/oparl/v1/people/00000000-0000-4000-8000-000000000000`]) {
      const response = await system.request('GET', path);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect((await system.request('GET', `/oparl/v1/bodies/${system.tenant}/gibt-es-nicht`)).status).toBe(400);
  });
});
