import { randomUUID } from 'node:crypto';
import { createDataSource, seedDemoDirectory } from '@ratsweg/persistence';
import pg from 'pg';
import { roundWhen, stageOf, startRound, type RoundBody } from './support/rounds.js';
import { eventually, TestSystem, type HttpResult } from './support/system.js';

const SOURCE = 'https://ris.example.org/sessionnet';

describe('inbound CloudEvents from integrations (POST /api/v1/events)', () => {
  const system = new TestSystem();
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  let integration = { id: '', key: '' };

  beforeAll(async () => {
    const dataSource = await createDataSource({ url: process.env.DATABASE_URL as string, poolSize: 1 }).initialize();
    await seedDemoDirectory(dataSource, system.tenant);
    await dataSource.destroy();
    await Promise.all([system.start(), db.connect()]);
    const created = await system.request('POST', '/api/v1/api-keys', { name: 'Ratsinformationssystem', scopes: ['events'] });
    expect(created.status).toBe(201);
    integration = { id: created.body.id, key: created.body.key };
  });

  afterAll(async () => {
    await db.end();
    await system.stop();
  });

  const asIntegration = (headers: Record<string, string> = {}): Record<string, string> => ({ authorization: `Bearer ${integration.key}`, ...headers });

  /** Structured mode: the whole event as application/cloudevents+json. */
  const sendStructured = (event: Record<string, unknown>, headers: Record<string, string> = asIntegration()): Promise<HttpResult> =>
    system.request('POST', '/api/v1/events', event, { 'content-type': 'application/cloudevents+json', ...headers });

  /** Binary mode: attributes in ce-* headers, the data as the JSON body. */
  const sendBinary = (attributes: Record<string, string>, data: unknown, headers: Record<string, string> = asIntegration()): Promise<HttpResult> =>
    system.request('POST', '/api/v1/events', data, { ...Object.fromEntries(Object.entries(attributes).map(([name, value]) => [`ce-${name}`, value])), ...headers });

  const event = (type: string, data: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    specversion: '1.0',
    id: randomUUID(),
    source: SOURCE,
    type,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data,
    ...extra,
  });

  const auditEntries = async (roundId: string): Promise<{ action: string; actor: string; stageKey?: string | null }[]> => {
    const audit = await system.request('GET', `/api/v1/rounds/${roundId}/audit?limit=200`);
    expect(audit.status).toBe(200);
    expect(audit.body.next).toBeUndefined();
    expect((await system.request('GET', `/api/v1/rounds/${roundId}/audit/verify`)).body.valid).toBe(true);
    return audit.body.data;
  };

  const inboundEvents = async (): Promise<{ source: string; event_id: string; type: string; status: string; actor: string }[]> =>
    (await db.query('SELECT source, event_id, type, status, actor FROM inbound_event WHERE tenant = $1 ORDER BY received_at', [system.tenant])).rows;

  const expectProblem = (response: HttpResult, status: number, code?: string, field?: string): void => {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(response.body).toMatchObject({ status, title: expect.any(String), ...(code ? { type: `/problems/${code}` } : {}) });
    if (field) expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  };

  /** A Beschlussvorlage whose paper is done: the committee stage is open, its deadline the committee meeting. */
  const roundAtCommittee = async (meeting: string): Promise<string> => {
    const id = await startRound(system, { templateKey: 'beschlussvorlage', templateVersion: 1, title: `Vorlage ${randomUUID()}`, meetings: { fachausschuss: meeting } });
    const drafted = await system.request('POST', `/api/v1/rounds/${id}/stages/vorlage/decision`, { outcome: 'completed' });
    expect(stageOf(drafted.body, 'fachausschuss')).toMatchObject({ status: 'open', deadline: new Date(meeting).toISOString() });
    return id;
  };

  it("should record consultation.result as the stage's decision by the API key, once however often it is delivered", async () => {
    const roundId = await startRound(system, { templateKey: 'kurzverfahren', title: `Ergebnis aus dem RIS ${randomUUID()}` });
    const result = event('consultation.result', {
      roundId,
      stageKey: 'fachausschuss',
      outcome: 'approved',
      resolutionText: 'Der Ausschuss empfiehlt dem Rat die Annahme.',
      votes: { yes: 11, no: 2, abstain: 1 },
    });

    const first = await sendStructured(result);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ id: result.id, source: SOURCE, type: 'consultation.result', status: 'applied', rounds: [roundId], receivedAt: expect.any(String) });

    const round: RoundBody = (await system.request('GET', `/api/v1/rounds/${roundId}`)).body;
    expect(stageOf(round, 'fachausschuss')).toMatchObject({
      status: 'completed',
      decisions: [{ outcome: 'approved', actor: `api-key:${integration.id}`, resolutionText: 'Der Ausschuss empfiehlt dem Rat die Annahme.', votes: { yes: 11, no: 2, abstain: 1 } }],
    });
    expect(stageOf(round, 'ratsbeschluss').status).toBe('open');
    const decided = (await auditEntries(roundId)).filter((entry) => entry.action === 'stage.decided');
    expect(decided).toEqual([expect.objectContaining({ actor: `api-key:${integration.id}` })]);

    // Delivered again, in either mode: a duplicate that changes nothing.
    const again = await sendStructured(result);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, status: 'duplicate' });
    const { data, id, source, type } = result as { data: unknown; id: string; source: string; type: string };
    const binaryAgain = await sendBinary({ specversion: '1.0', id, source, type }, data);
    expect(binaryAgain.status).toBe(200);
    expect(binaryAgain.body.status).toBe('duplicate');

    expect((await auditEntries(roundId)).filter((entry) => entry.action === 'stage.decided')).toHaveLength(1);
    expect(stageOf((await system.request('GET', `/api/v1/rounds/${roundId}`)).body, 'fachausschuss').decisions).toHaveLength(1);
    expect((await inboundEvents()).filter((row) => row.event_id === id)).toEqual([
      { source: SOURCE, event_id: id, type: 'consultation.result', status: 'applied', actor: `api-key:${integration.id}` },
    ]);
  });

  it('should move the deadline that follows a round meeting on meeting.rescheduled in binary mode', async () => {
    const roundId = await roundAtCommittee('2030-03-24T16:00:00Z');
    const id = randomUUID();

    const moved = await sendBinary(
      { specversion: '1.0', id, source: SOURCE, type: 'meeting.rescheduled', time: '2030-03-01T09:30:00+01:00' },
      { roundId, meetingKey: 'fachausschuss', start: '2030-04-09T15:00:00Z' },
    );
    expect(moved.status).toBe(202);
    expect(moved.body).toMatchObject({ id, source: SOURCE, type: 'meeting.rescheduled', status: 'applied', rounds: [roundId] });

    const round = await roundWhen(system, roundId, (body) => stageOf(body, 'fachausschuss').deadline === '2030-04-09T15:00:00.000Z');
    expect(round.meetings).toMatchObject({ fachausschuss: '2030-04-09T15:00:00.000Z' });
    expect((await auditEntries(roundId)).filter((entry) => entry.action === 'stage.meeting_moved')).toEqual([
      expect.objectContaining({ actor: `api-key:${integration.id}` }),
    ]);
  });

  it('should move a directory meeting and the round it serves on meeting.rescheduled naming the meeting', async () => {
    const roundId = await roundAtCommittee('2030-05-06T15:00:00Z');
    const bodies = await system.request('GET', '/api/v1/bodies?limit=200');
    const planning = (bodies.body.data as { id: string; key: string }[]).find((body) => body.key === 'ausschuss-planung');
    const meeting = await system.request('POST', '/api/v1/meetings', {
      bodyId: planning?.id,
      name: '5. Sitzung des Ausschusses für Stadtplanung',
      start: '2030-05-06T15:00:00Z',
      end: '2030-05-06T18:00:00Z',
      roundId,
      meetingKey: 'fachausschuss',
    });
    expect(meeting.status).toBe(201);

    const moved = await sendStructured(event('meeting.rescheduled', { meetingId: meeting.body.id, start: '2030-05-13T15:00:00Z', end: '2030-05-13T18:00:00Z' }));
    expect(moved.status).toBe(202);
    expect(moved.body).toMatchObject({ status: 'applied', rounds: [roundId] });

    expect((await system.request('GET', `/api/v1/meetings/${meeting.body.id}`)).body).toMatchObject({ start: '2030-05-13T15:00:00.000Z', end: '2030-05-13T18:00:00.000Z' });
    await roundWhen(system, roundId, (body) => stageOf(body, 'fachausschuss').deadline === '2030-05-13T15:00:00.000Z');
    expect((await auditEntries(roundId)).filter((entry) => entry.action === 'stage.meeting_moved')).toEqual([
      expect.objectContaining({ actor: `api-key:${integration.id}` }),
    ]);

    // A meeting that serves no round moves alone.
    const alone = await system.request('POST', '/api/v1/meetings', { bodyId: planning?.id, name: 'Ortstermin', start: '2030-06-03T08:00:00Z' });
    const movedAlone = await sendStructured(event('meeting.rescheduled', { meetingId: alone.body.id, start: '2030-06-10T08:00:00Z' }));
    expect(movedAlone.status).toBe(202);
    expect(movedAlone.body.rounds).toEqual([]);
    expect((await system.request('GET', `/api/v1/meetings/${alone.body.id}`)).body.start).toBe('2030-06-10T08:00:00.000Z');
  });

  it('should answer with the round’s refusal, and apply the same event when it is delivered again once the round accepts it', async () => {
    const roundId = await startRound(system, { templateKey: 'kurzverfahren', title: `Zu früh ${randomUUID()}` });
    const councilResult = event('consultation.result', { roundId, stageKey: 'ratsbeschluss', outcome: 'approved', votes: { yes: 30, no: 4, abstain: 2 } });

    expectProblem(await sendStructured(councilResult), 409, 'stage-not-open');
    expect((await inboundEvents()).find((row) => row.event_id === councilResult.id)?.status).toBe('rejected');
    expectProblem(await sendStructured(event('consultation.result', { roundId: randomUUID(), stageKey: 'ratsbeschluss', outcome: 'approved' })), 404, 'round-not-found');

    expect((await system.request('POST', `/api/v1/rounds/${roundId}/stages/fachausschuss/decision`, { outcome: 'approved' })).status).toBe(200);
    const applied = await sendStructured(councilResult);
    expect(applied.status).toBe(202);
    expect(applied.body.status).toBe('applied');
    const round = (await system.request('GET', `/api/v1/rounds/${roundId}`)).body;
    expect(round).toMatchObject({ status: 'completed', result: 'approved' });
    expect(stageOf(round, 'ratsbeschluss').decisions).toEqual([expect.objectContaining({ actor: `api-key:${integration.id}`, votes: { yes: 30, no: 4, abstain: 2 } })]);

    // Another event under an id already used is a mistake of the sender, not a duplicate.
    expectProblem(await sendStructured({ ...councilResult, data: { roundId, stageKey: 'ratsbeschluss', outcome: 'rejected' } }), 422, 'event-id-reused');
  });

  it('should accept events only from API keys with scope events', async () => {
    const roundId = await startRound(system, { templateKey: 'kurzverfahren', title: `Fremde Absender ${randomUUID()}` });
    const result = event('consultation.result', { roundId, stageKey: 'fachausschuss', outcome: 'approved' });
    const metrics = await system.request('POST', '/api/v1/api-keys', { name: 'Monitoring', scopes: ['metrics'] });
    const before = await inboundEvents();

    expectProblem(await sendStructured(result, { authorization: '' }), 401, 'unauthorized');
    expectProblem(await sendStructured(result, { authorization: 'Bearer rw_kein-gueltiger-schluessel' }), 401);
    expectProblem(await sendStructured(result, { authorization: `Bearer ${system.adminToken}` }), 403, 'forbidden');
    expectProblem(await sendStructured(result, { authorization: `Bearer ${metrics.body.key}` }), 403, 'forbidden');

    expect(await inboundEvents()).toEqual(before);
    expect(stageOf((await system.request('GET', `/api/v1/rounds/${roundId}`)).body, 'fachausschuss').status).toBe('open');
  });

  it('should refuse malformed events and unknown types with Problem Details that name the field, and change nothing', async () => {
    const roundId = await startRound(system, { templateKey: 'kurzverfahren', title: `Kaputte Ereignisse ${randomUUID()}` });
    const valid = (): Record<string, unknown> => event('consultation.result', { roundId, stageKey: 'fachausschuss', outcome: 'approved' });
    const without = (name: string): Record<string, unknown> => Object.fromEntries(Object.entries(valid()).filter(([key]) => key !== name));
    const binaryAttributes = { specversion: '1.0', id: randomUUID(), source: SOURCE, type: 'consultation.result' };
    const data = { roundId, stageKey: 'fachausschuss', outcome: 'approved' };
    // The round records its start asynchronously; compare against the settled trail.
    const audit = await eventually(async () => {
      const entries = await auditEntries(roundId);
      return entries.some((entry) => entry.action === 'stage.opened') ? entries : undefined;
    });
    const before = { events: await inboundEvents(), audit };

    const cases: [string, () => Promise<HttpResult>, number, string, string?][] = [
      ['no id', () => sendStructured(without('id')), 400, 'validation-failed', 'id'],
      ['no source', () => sendStructured(without('source')), 400, 'validation-failed', 'source'],
      ['another spec version', () => sendStructured({ ...valid(), specversion: '0.3' }), 400, 'validation-failed', 'specversion'],
      ['a source that is no URI-reference', () => sendStructured({ ...valid(), source: 'Rats informations system' }), 400, 'validation-failed', 'source'],
      ['a time without time zone', () => sendStructured({ ...valid(), time: '2030-04-09T18:00:00' }), 400, 'validation-failed', 'time'],
      ['an extension attribute with a bad name', () => sendStructured({ ...valid(), Trace_Id: 'x' }), 400, 'validation-failed', 'Trace_Id'],
      ['an unknown type', () => sendStructured({ ...valid(), type: 'meeting.cancelled' }), 422, 'event-type-unsupported', 'type'],
      ['no data', () => sendStructured(without('data')), 400, 'validation-failed', 'data'],
      ['an outcome the decision does not know', () => sendStructured({ ...valid(), data: { ...data, outcome: 'vertagt-irgendwie' } }), 400, 'validation-failed', 'data.outcome'],
      ['an unknown data field', () => sendStructured({ ...valid(), data: { ...data, sitzungsnummer: 4711 } }), 400, 'validation-failed', 'data.sitzungsnummer'],
      ['negative votes', () => sendStructured({ ...valid(), data: { ...data, votes: { yes: -1, no: 0, abstain: 0 } } }), 400, 'validation-failed', 'data.votes.yes'],
      ['a NUL in the data', () => sendStructured({ ...valid(), data: { ...data, resolutionText: 'A\u0000B' } }), 400, 'validation-failed', 'data.resolutionText'],
      ['base64 data', () => sendStructured({ ...without('data'), data_base64: 'e30=' }), 415, 'unsupported-media-type'],
      ['XML data', () => sendStructured({ ...valid(), datacontenttype: 'application/xml' }), 415, 'unsupported-media-type'],
      ['a structured event that is no JSON', () => system.request('POST', '/api/v1/events', '{"specversion": "1.0",', { 'content-type': 'application/cloudevents+json', ...asIntegration() }), 400, 'malformed-body'],
      ['a structured event that is an array', () => system.request('POST', '/api/v1/events', [valid()], { 'content-type': 'application/cloudevents+json', ...asIntegration() }), 400, 'validation-failed'],
      ['plain JSON without ce-* headers', () => system.request('POST', '/api/v1/events', valid(), asIntegration()), 400, 'validation-failed', '(body)'],
      ['binary mode without ce-id', () => sendBinary({ ...binaryAttributes, id: '' }, data), 400, 'validation-failed', 'ce-id'],
      ['binary mode with an unknown type', () => sendBinary({ ...binaryAttributes, type: 'paper.created' }, data), 422, 'event-type-unsupported', 'ce-type'],
      ['binary mode with a broken percent-encoding', () => sendBinary({ ...binaryAttributes, subject: 'TOP%2' }, data), 400, 'validation-failed', 'ce-subject'],
      ['binary mode with invalid data', () => sendBinary(binaryAttributes, { ...data, roundId: 'keine-uuid' }), 400, 'validation-failed', 'data.roundId'],
    ];
    const wrong: string[] = [];
    for (const [what, send, status, code, field] of cases) {
      const response = await send();
      const fieldNamed = !field || (response.body.errors ?? []).some((error: { field: string }) => error.field === field);
      const problem = /application\/problem\+json/.test(response.headers.get('content-type') ?? '');
      if (response.status !== status || response.body.type !== `/problems/${code}` || !fieldNamed || !problem) {
        wrong.push(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
      }
    }
    expect(wrong).toEqual([]);

    expect(await inboundEvents()).toEqual(before.events);
    expect(await auditEntries(roundId)).toEqual(before.audit);
    expect(stageOf((await system.request('GET', `/api/v1/rounds/${roundId}`)).body, 'fachausschuss').status).toBe('open');
  });

  it('should describe the route, both modes and the supported types in the OpenAPI document', async () => {
    const { body } = await system.request('GET', '/api/docs-json');
    const operation = body.paths['/api/v1/events']?.post;
    expect(Object.keys(operation.requestBody.content)).toEqual(expect.arrayContaining(['application/cloudevents+json', 'application/json']));
    const structured = operation.requestBody.content['application/cloudevents+json'].schema.oneOf as { properties: { type: { enum: string[] } } }[];
    expect(structured.map((schema) => schema.properties.type.enum[0])).toEqual(['meeting.rescheduled', 'consultation.result']);
    expect(operation.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(expect.arrayContaining(['ce-specversion', 'ce-id', 'ce-source', 'ce-type', 'Idempotency-Key']));
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '202', '400', '401', '403', '415', '422']));
  });
});
