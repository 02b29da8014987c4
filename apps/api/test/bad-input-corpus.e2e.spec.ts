import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ACCESS_POLICY } from '../src/auth/access-policy.js';
import { createCallers, type Callers } from './support/callers.js';
import { eventually, TestSystem } from './support/system.js';

/**
 * Hundreds of malformed requests across the routes — wrong types, missing and extra fields,
 * oversized bodies and strings, invalid dates and durations, unknown and foreign-tenant ids,
 * decisions on closed stages, SQL and HTML injection, invalid UTF-8, wrong content types —
 * each answered with a 4xx Problem Details document, never a 500, leaving database and
 * workflows exactly as they were.
 */
interface Case {
  name: string;
  method: string;
  path: () => string;
  /** A value is sent as JSON; a string or Buffer as it is. */
  body?: unknown;
  /** A JSON body built when the case runs (it names fixtures created in set-up). */
  bodyOf?: () => unknown;
  raw?: string | Buffer;
  contentType?: string;
  /** Defaults to the administrator; `integration` for routes only integrations may call. */
  as?: 'admin' | 'integration' | 'anonymous';
  /** An exact status where the answer is certain; otherwise any 4xx. */
  status?: number;
}

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const INJECTIONS = ["1' OR '1'='1", "'; DROP TABLE round; --", '<script>alert(1)</script>', '%00', '../../etc/passwd', '{{7*7}}', '${jndi:ldap://x}'];
const INVALID_UTF8 = Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('"}')]);
const HUGE = JSON.stringify({ title: 'x'.repeat(1_200_000) });

/** POST/PUT/PATCH routes that take no body: only parse failures are sent to them (anything parseable would act). */
const NO_BODY = new Set([
  'POST /api/v1/auth/logout',
  'POST /api/v1/me/mfa/totp',
  'POST /api/v1/persons/:id/calendar-token',
  'POST /api/v1/persons/:id/notifications/:deliveryId/read',
  'POST /api/v1/me/notifications/:deliveryId/read',
]);
/** Routes whose body is a raw file, not JSON. */
const RAW_BODY = new Set(['POST /api/v1/rounds/:id/stages/:stageKey/files']);

const bodyRoutes = Object.keys(ACCESS_POLICY).filter((key) => /^(POST|PUT|PATCH) /.test(key) && !RAW_BODY.has(key));

describe('a corpus of bad requests: 4xx Problem Details, never a 500, nothing changed', () => {
  const system = new TestSystem({ env: { RATE_LIMIT_COMMENTS_PER_MINUTE: '100000' } });
  const otherTenant = new TestSystem();
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  let callers: Callers;
  let running: string;
  let decided: string;
  const foreign = { personId: '', bodyId: '' };
  let baseline: Snapshot;

  type Snapshot = { tables: Record<string, string>; workflows: string[] };

  /** Every row of every table that has this tenant's rows, and every workflow of the tenant with its history length. */
  async function snapshot(): Promise<Snapshot> {
    const { rows: tables } = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'tenant' ORDER BY table_name`,
    );
    const result: Record<string, string> = {};
    for (const { table_name: table } of tables) {
      // Sending mail changes delivery rows by itself, and using an API key stamps it: those are not changes by a request.
      const columns = table === 'delivery' ? `count(*)::text` : `count(*)::text || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))`;
      const source = table === 'api_key' ? `(SELECT id, tenant, name, key_hash, scopes, revoked_at FROM api_key) t` : `"${table}" t`;
      const { rows } = await db.query<{ v: string }>(`SELECT ${columns} AS v FROM ${source} WHERE t.tenant = $1`, [system.tenant]);
      result[table] = rows[0]?.v ?? '';
    }
    const client = await system.temporalClient();
    const workflows: string[] = [];
    for await (const execution of client.workflow.list({ query: `RatswegTenant="${system.tenant}"` })) {
      const description = await client.workflow.getHandle(execution.workflowId, execution.runId).describe();
      workflows.push(`${execution.workflowId}/${execution.runId}/${description.status.name}/${description.historyLength}`);
    }
    return { tables: result, workflows: workflows.sort() };
  }

  async function send(testCase: Case): Promise<{ status: number; contentType: string; text: string }> {
    const token = testCase.as === 'anonymous' ? '' : testCase.as === 'integration' ? callers.integration : system.adminToken;
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    let body: string | Buffer | undefined;
    if (testCase.raw !== undefined) body = testCase.raw;
    else if (testCase.bodyOf !== undefined) body = JSON.stringify(testCase.bodyOf());
    else if (testCase.body !== undefined) body = JSON.stringify(testCase.body);
    if (body !== undefined) headers['content-type'] = testCase.contentType ?? 'application/json';
    if (typeof body === 'string' && body.length > 1024 * 1024) {
      const response = await system.request(testCase.method, testCase.path(), body, headers);
      return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: JSON.stringify(response.body) };
    }
    const response = await fetch(`${system.apiUrl}${testCase.path()}`, { method: testCase.method, headers, ...(body !== undefined ? { body } : {}) });
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
  }

  beforeAll(async () => {
    await Promise.all([system.start(), otherTenant.startApi(), db.connect()]);
    callers = await createCallers(system, 'fachausschuss');
    running = (await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title: 'Laufend' })).body.id;
    decided = (await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title: 'Entschieden' })).body.id;
    const decision = await system.request('POST', `/api/v1/rounds/${decided}/stages/fachausschuss/decision`, { outcome: 'approved' });
    expect(decision.status).toBe(200);
    await otherTenant.request('PUT', '/api/v1/tenant', { name: 'Stadt Anderswo', shortName: 'Anderswo', ags: '05999002' });
    foreign.personId = (await otherTenant.request('POST', '/api/v1/persons', { givenName: 'Fremd', familyName: 'Person' })).body.id;
    foreign.bodyId = (await otherTenant.request('POST', '/api/v1/bodies', { key: 'fremd', name: 'Fremdes Gremium', shortName: 'FG', classification: 'committee', startDate: '2020-01-01' })).body.id;
    // Settled: both rounds recorded, their mail sent — from here on nothing may change.
    await eventually(async () => {
      const { rows } = await db.query<{ id: string; seq: number }>(`SELECT id, seq FROM round WHERE tenant = $1`, [system.tenant]);
      const seq = (id: string) => rows.find((row) => row.id === id)?.seq ?? 0;
      return seq(running) >= 1 && seq(decided) >= 2 ? true : undefined;
    });
    baseline = await snapshot();
    await eventually(async () => (JSON.stringify(await snapshot()) === JSON.stringify(baseline) ? true : ((baseline = await snapshot()), undefined)));
  });

  afterAll(async () => {
    await Promise.all([system.stop(), otherTenant.stop(), db.end()]);
  });

  const fill = (route: string) => () =>
    route.replace(/:(\w+)/g, (_match, name: string) => {
      if (name === 'stageKey') return 'fachausschuss';
      if (name === 'key') return 'kurzverfahren';
      if (name === 'meetingKey') return 'rat';
      if (name === 'id' && route.includes('/rounds/')) return running;
      return UNKNOWN;
    });

  const generated: Case[] = bodyRoutes.flatMap((key) => {
    const [method = 'POST', route = ''] = key.split(' ');
    const as: Case['as'] = ACCESS_POLICY[key]?.includes('integration') ? 'integration' : 'admin';
    const base = { method, path: fill(route), as };
    const parseFailures: Case[] = [
      { ...base, name: `${key}: malformed JSON`, raw: '{"title":', status: 400 },
      { ...base, name: `${key}: invalid UTF-8`, raw: INVALID_UTF8, status: 400 },
      { ...base, name: `${key}: a body over 1 MiB`, raw: HUGE, status: 413 },
      { ...base, name: `${key}: text/plain`, raw: 'title=x', contentType: 'text/plain', status: 415 },
      { ...base, name: `${key}: XML`, raw: '<round><title>x</title></round>', contentType: 'application/xml', status: 415 },
      { ...base, name: `${key}: a form`, raw: 'title=x&templateKey=y', contentType: 'application/x-www-form-urlencoded', status: 415 },
      { ...base, name: `${key}: JSON with a __proto__ key`, raw: '{"__proto__":{"admin":true}}', status: 400 },
    ];
    if (NO_BODY.has(key)) return parseFailures;
    return [
      ...parseFailures,
      { ...base, name: `${key}: a JSON array`, body: [] },
      { ...base, name: `${key}: JSON null`, raw: 'null' },
      { ...base, name: `${key}: a JSON number`, body: 42 },
      { ...base, name: `${key}: a JSON string with HTML`, body: '<img src=x onerror=alert(1)>' },
      { ...base, name: `${key}: only unknown fields`, body: { hacker: true, __proto__: { admin: true } } },
      { ...base, name: `${key}: nested 200 deep`, raw: '{"a":'.repeat(200) + '1' + '}'.repeat(200) },
    ];
  });

  const round = (path: string) => () => `/api/v1/rounds/${running}${path}`;
  const specific: Case[] = [
    // starting rounds
    { name: 'round: title missing', method: 'POST', path: () => '/api/v1/rounds', body: { templateKey: 'kurzverfahren' }, status: 400 },
    { name: 'round: title a number', method: 'POST', path: () => '/api/v1/rounds', body: { templateKey: 'kurzverfahren', title: 42 }, status: 400 },
    { name: 'round: title too long', method: 'POST', path: () => '/api/v1/rounds', body: { templateKey: 'kurzverfahren', title: 'x'.repeat(301) }, status: 400 },
    { name: 'round: title only spaces', method: 'POST', path: () => '/api/v1/rounds', body: { templateKey: 'kurzverfahren', title: '   ' }, status: 400 },
    { name: 'round: unknown template', method: 'POST', path: () => '/api/v1/rounds', body: { templateKey: 'gibt-es-nicht', title: 'X' }, status: 400 },
    { name: 'round: template version 0', method: 'POST', path: () => '/api/v1/rounds', body: { templateKey: 'kurzverfahren', templateVersion: 0, title: 'X' }, status: 400 },
    { name: 'round: template version a string', method: 'POST', path: () => '/api/v1/rounds', body: { templateKey: 'kurzverfahren', templateVersion: '1', title: 'X' }, status: 400 },
    { name: 'round: 30 February', method: 'POST', path: () => '/api/v1/rounds', body: { templateKey: 'kurzverfahren', title: 'X', start: '2027-02-30T10:00:00Z' }, status: 400 },
    { name: 'round: start without time zone', method: 'POST', path: () => '/api/v1/rounds', body: { templateKey: 'kurzverfahren', title: 'X', start: '2027-03-01T10:00:00' }, status: 400 },
    { name: 'round: start a word', method: 'POST', path: () => '/api/v1/rounds', body: { templateKey: 'kurzverfahren', title: 'X', start: 'morgen' }, status: 400 },
    { name: 'round: meetings an array', method: 'POST', path: () => '/api/v1/rounds', body: { templateKey: 'kurzverfahren', title: 'X', meetings: ['2027-03-01T10:00:00Z'] }, status: 400 },
    { name: 'round: meeting date invalid', method: 'POST', path: () => '/api/v1/rounds', body: { templateKey: 'kurzverfahren', title: 'X', meetings: { rat: '2027-13-01T10:00:00Z' } }, status: 400 },
    { name: 'round: status set by the caller', method: 'POST', path: () => '/api/v1/rounds', body: { templateKey: 'kurzverfahren', title: 'X', status: 'completed' }, status: 400 },
    { name: 'round: NUL in the title', method: 'POST', path: () => '/api/v1/rounds', body: { templateKey: 'kurzverfahren', title: 'a\u0000b' }, status: 400 },
    { name: 'round: SQL in the template key', method: 'POST', path: () => '/api/v1/rounds', body: { templateKey: "x'; DROP TABLE round; --", title: 'X' }, status: 400 },
    // decisions and commands on rounds
    { name: 'decision: stage already decided', method: 'POST', path: () => `/api/v1/rounds/${decided}/stages/fachausschuss/decision`, body: { outcome: 'rejected' }, status: 409 },
    { name: 'decision: stage not open yet', method: 'POST', path: round('/stages/ratsbeschluss/decision'), body: { outcome: 'approved' }, status: 409 },
    { name: 'decision: unknown stage', method: 'POST', path: round('/stages/gibt-es-nicht/decision'), body: { outcome: 'approved' }, status: 404 },
    { name: 'decision: unknown round', method: 'POST', path: () => `/api/v1/rounds/${UNKNOWN}/stages/fachausschuss/decision`, body: { outcome: 'approved' }, status: 404 },
    { name: 'decision: unknown outcome', method: 'POST', path: round('/stages/fachausschuss/decision'), body: { outcome: 'vielleicht' }, status: 400 },
    { name: 'decision: outcome the stage does not take', method: 'POST', path: round('/stages/fachausschuss/decision'), body: { outcome: 'acknowledged' }, status: 400 },
    { name: 'decision: votes as strings', method: 'POST', path: round('/stages/fachausschuss/decision'), body: { outcome: 'approved', votes: { yes: '3', no: 0, abstain: 0 } }, status: 400 },
    { name: 'decision: negative votes', method: 'POST', path: round('/stages/fachausschuss/decision'), body: { outcome: 'approved', votes: { yes: -1, no: 0, abstain: 0 } }, status: 400 },
    { name: 'decision: fractional votes', method: 'POST', path: round('/stages/fachausschuss/decision'), body: { outcome: 'approved', votes: { yes: 1.5, no: 0, abstain: 0 } }, status: 400 },
    { name: 'decision: resolution text too long', method: 'POST', path: round('/stages/fachausschuss/decision'), body: { outcome: 'approved', resolutionText: 'x'.repeat(20_001) }, status: 400 },
    { name: 'decision: postponed to an invalid date', method: 'POST', path: round('/stages/fachausschuss/decision'), body: { outcome: 'postponed', nextMeetingStart: '2027-02-29T10:00:00Z' }, status: 400 },
    { name: 'decision: bell character', method: 'POST', path: round('/stages/fachausschuss/decision'), body: { outcome: 'approved', resolutionText: 'a\u0007b' }, status: 400 },
    { name: 'deadline: not a date', method: 'POST', path: round('/stages/fachausschuss/deadline'), body: { until: 'nächste Woche' }, status: 400 },
    { name: 'deadline: a duration instead of a date', method: 'POST', path: round('/stages/fachausschuss/deadline'), body: { until: 'P7D' }, status: 400 },
    { name: 'deadline: stage closed', method: 'POST', path: () => `/api/v1/rounds/${decided}/stages/fachausschuss/deadline`, body: { until: '2099-01-01T00:00:00Z' }, status: 409 },
    { name: 'cancel: reason too short', method: 'POST', path: round('/cancel'), body: { reason: 'x' }, status: 400 },
    { name: 'cancel: reason missing', method: 'POST', path: round('/cancel'), body: {}, status: 400 },
    { name: 'cancel: unknown round', method: 'POST', path: () => `/api/v1/rounds/${UNKNOWN}/cancel`, body: { reason: 'Weil es nicht mehr nötig ist' }, status: 404 },
    { name: 'meeting: unknown meeting key', method: 'PUT', path: round('/meetings/gibt-es-nicht'), body: { start: '2099-01-01T10:00:00Z' }, status: 404 },
    { name: 'meeting: start invalid', method: 'PUT', path: round('/meetings/rat'), body: { start: '2099-01-01T25:00:00Z' }, status: 400 },
    // templates
    { name: 'template: invalid duration', method: 'POST', path: () => '/api/v1/templates', body: { key: 'kaputt', title: 'Kaputt', version: 1, stages: [{ key: 'a', type: 'briefing', title: 'A', deadline: { after: 'P1X' } }] } },
    { name: 'template: negative duration', method: 'POST', path: () => '/api/v1/templates', body: { key: 'kaputt', title: 'Kaputt', version: 1, stages: [{ key: 'a', type: 'briefing', title: 'A', deadline: { after: '-P1D' } }] } },
    { name: 'template: no stages', method: 'POST', path: () => '/api/v1/templates', body: { key: 'kaputt', title: 'Kaputt', version: 1, stages: [] } },
    { name: 'template: unknown stage type', method: 'POST', path: () => '/api/v1/templates', body: { key: 'kaputt', title: 'Kaputt', version: 1, stages: [{ key: 'a', type: 'volksabstimmung', title: 'A' }] } },
    { name: 'template: version not newer', method: 'POST', path: () => '/api/v1/templates', body: { key: 'kurzverfahren', title: 'Kurz', version: 1, stages: [{ key: 'a', type: 'briefing', title: 'A' }] } },
    { name: 'template: YAML alias bomb', method: 'POST', path: () => '/api/v1/templates', raw: 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n', contentType: 'application/yaml' },
    { name: 'template: YAML that is not YAML', method: 'POST', path: () => '/api/v1/templates', raw: 'key: [unclosed', contentType: 'application/yaml', status: 400 },
    { name: 'preview: invalid start', method: 'POST', path: () => '/api/v1/templates/kurzverfahren/preview', body: { start: '2027-02-30T00:00:00Z' }, status: 400 },
    { name: 'preview: unknown template', method: 'POST', path: () => '/api/v1/templates/gibt-es-nicht/preview', body: {} },
    // directory
    { name: 'tenant: AGS of 7 digits', method: 'PUT', path: () => '/api/v1/tenant', body: { name: 'Stadt', shortName: 'S', ags: '0599900' }, status: 400 },
    { name: 'tenant: website javascript:', method: 'PUT', path: () => '/api/v1/tenant', body: { name: 'Stadt', shortName: 'S', ags: '05999001', website: 'javascript:alert(1)' }, status: 400 },
    { name: 'body: key with spaces', method: 'POST', path: () => '/api/v1/bodies', body: { key: 'Mein Gremium', name: 'G', shortName: 'G', classification: 'committee', startDate: '2020-01-01' }, status: 400 },
    { name: 'body: unknown classification', method: 'POST', path: () => '/api/v1/bodies', body: { key: 'g', name: 'G', shortName: 'G', classification: 'geheimbund', startDate: '2020-01-01' }, status: 400 },
    { name: 'body: month 13', method: 'POST', path: () => '/api/v1/bodies', body: { key: 'g', name: 'G', shortName: 'G', classification: 'committee', startDate: '2020-13-01' }, status: 400 },
    { name: 'body: ends before it starts', method: 'POST', path: () => '/api/v1/bodies', body: { key: 'g', name: 'G', shortName: 'G', classification: 'committee', startDate: '2020-01-01', endDate: '2019-01-01' }, status: 400 },
    { name: 'body: key taken', method: 'POST', path: () => '/api/v1/bodies', body: { key: 'fachausschuss', name: 'G', shortName: 'G', classification: 'committee', startDate: '2020-01-01' } },
    { name: 'body: foreign tenant', method: 'PATCH', path: () => `/api/v1/bodies/${foreign.bodyId}`, body: { name: 'Übernommen' }, status: 404 },
    { name: 'body: end a foreign one', method: 'POST', path: () => `/api/v1/bodies/${foreign.bodyId}/end`, body: { endDate: '2030-01-01' }, status: 404 },
    { name: 'person: e-mail invalid', method: 'POST', path: () => '/api/v1/persons', body: { givenName: 'A', familyName: 'B', email: 'keine-adresse' }, status: 400 },
    { name: 'person: locale fr', method: 'POST', path: () => '/api/v1/persons', body: { givenName: 'A', familyName: 'B', locale: 'fr' }, status: 400 },
    { name: 'person: name 10 000 characters', method: 'POST', path: () => '/api/v1/persons', body: { givenName: 'A'.repeat(10_000), familyName: 'B' }, status: 400 },
    { name: 'person: foreign tenant', method: 'PATCH', path: () => `/api/v1/persons/${foreign.personId}`, body: { givenName: 'Übernommen' }, status: 404 },
    { name: 'membership: foreign person', method: 'POST', path: () => '/api/v1/memberships', bodyOf: () => ({ personId: foreign.personId, bodyId: callers.bodyId, role: 'member', startDate: '2020-01-01' }) },
    { name: 'membership: foreign body', method: 'POST', path: () => '/api/v1/memberships', bodyOf: () => ({ personId: callers.memberPersonId, bodyId: foreign.bodyId, role: 'member', startDate: '2020-01-01' }) },
    { name: 'membership: unknown role', method: 'POST', path: () => '/api/v1/memberships', bodyOf: () => ({ personId: callers.memberPersonId, bodyId: callers.bodyId, role: 'king', startDate: '2020-01-01' }), status: 400 },
    { name: 'membership: person id not a UUID', method: 'POST', path: () => '/api/v1/memberships', bodyOf: () => ({ personId: "1' OR '1'='1", bodyId: callers.bodyId, role: 'member', startDate: '2020-01-01' }), status: 400 },
    { name: 'legislative term: ends before it starts', method: 'POST', path: () => '/api/v1/legislative-terms', body: { name: 'WP', startDate: '2025-11-01', endDate: '2020-10-31' }, status: 400 },
    { name: 'meeting: start a date only', method: 'POST', path: () => '/api/v1/meetings', body: { name: 'Sitzung', start: '2027-03-01' }, status: 400 },
    { name: 'meeting: unknown state', method: 'POST', path: () => '/api/v1/meetings', body: { name: 'Sitzung', start: '2027-03-01T10:00:00Z', state: 'verschoben?' }, status: 400 },
    // integrations and accounts
    { name: 'webhook: URL not http', method: 'POST', path: () => '/api/v1/webhooks', body: { url: 'ftp://example.org/hook' }, status: 400 },
    { name: 'webhook: javascript URL', method: 'POST', path: () => '/api/v1/webhooks', body: { url: 'javascript:alert(1)' }, status: 400 },
    { name: 'webhook: unknown event type', method: 'POST', path: () => '/api/v1/webhooks', body: { url: 'https://example.org/hook', eventTypes: ['round.exploded'] }, status: 400 },
    { name: 'user: e-mail invalid', method: 'POST', path: () => '/api/v1/users', body: { email: 'nobody', displayName: 'N' }, status: 400 },
    { name: 'user: password too short', method: 'POST', path: () => '/api/v1/users', body: { email: 'kurz@example.org', displayName: 'K', password: 'kurz' }, status: 400 },
    { name: 'user: common password', method: 'POST', path: () => '/api/v1/users', body: { email: 'häufig@example.org', displayName: 'H', password: 'passwort1234' }, status: 400 },
    { name: 'user: unknown role', method: 'POST', path: () => '/api/v1/users', body: { email: 'rolle@example.org', displayName: 'R', roles: ['superuser'] }, status: 400 },
    { name: 'user: foreign person', method: 'POST', path: () => '/api/v1/users', bodyOf: () => ({ email: 'fremd@example.org', displayName: 'F', personId: foreign.personId }), status: 400 },
    { name: 'user: e-mail taken', method: 'POST', path: () => '/api/v1/users', body: { email: system.admin.email, displayName: 'Doppelt' }, status: 409 },
    { name: 'user: empty patch', method: 'PATCH', path: () => `/api/v1/users/${UNKNOWN}`, body: {}, status: 400 },
    { name: 'api key: unknown scope', method: 'POST', path: () => '/api/v1/api-keys', body: { name: 'K', scopes: ['root'] }, status: 400 },
    { name: 'api key: no scope', method: 'POST', path: () => '/api/v1/api-keys', body: { name: 'K', scopes: [] }, status: 400 },
    { name: 'login: password missing', method: 'POST', path: () => '/api/v1/auth/login', body: { email: system.admin.email }, as: 'anonymous', status: 400 },
    { name: 'login: e-mail an object', method: 'POST', path: () => '/api/v1/auth/login', body: { email: { $ne: null }, password: 'x' }, as: 'anonymous', status: 400 },
    { name: 'login: code with letters', method: 'POST', path: () => '/api/v1/auth/login', body: { email: system.admin.email, password: 'x', otp: 'abcdef' }, as: 'anonymous', status: 400 },
    { name: 'own password: new one too common', method: 'PUT', path: () => '/api/v1/me/password', body: { currentPassword: 1, newPassword: 'passwort1234' }, status: 400 },
    { name: 'notification preferences: unknown mode', method: 'PUT', path: () => `/api/v1/persons/${callers.memberPersonId}/notification-preferences`, bodyOf: () => ({ deliveryMode: 'brieftaube' }), status: 400 },
    { name: 'stage file: JSON instead of a file', method: 'POST', path: () => `/api/v1/rounds/${running}/stages/fachausschuss/files?name=a.pdf`, body: { file: 'x' }, status: 415 },
    { name: 'stage file: name with a slash', method: 'POST', path: () => `/api/v1/rounds/${running}/stages/fachausschuss/files?name=../a.pdf`, raw: '%PDF-1.7', contentType: 'application/pdf', status: 400 },
    { name: 'stage file: no name', method: 'POST', path: () => `/api/v1/rounds/${running}/stages/fachausschuss/files`, raw: '%PDF-1.7', contentType: 'application/pdf', status: 400 },
    { name: 'stage file: empty', method: 'POST', path: () => `/api/v1/rounds/${running}/stages/fachausschuss/files?name=a.pdf`, raw: '', contentType: 'application/pdf' },
    { name: 'stage file: an executable', method: 'POST', path: () => `/api/v1/rounds/${running}/stages/fachausschuss/files?name=a.exe`, raw: 'MZ', contentType: 'application/x-msdownload', status: 415 },
    { name: 'stage file: unknown round', method: 'POST', path: () => `/api/v1/rounds/${UNKNOWN}/stages/fachausschuss/files?name=a.pdf`, raw: '%PDF-1.7', contentType: 'application/pdf', status: 404 },
    // lists and queries
    { name: 'rounds: limit -1', method: 'GET', path: () => '/api/v1/rounds?limit=-1', status: 400 },
    { name: 'rounds: limit a word', method: 'GET', path: () => '/api/v1/rounds?limit=viele', status: 400 },
    { name: 'rounds: limit 100000', method: 'GET', path: () => '/api/v1/rounds?limit=100000', status: 400 },
    { name: 'rounds: unknown sort', method: 'GET', path: () => '/api/v1/rounds?sort=password', status: 400 },
    { name: 'rounds: unknown status', method: 'GET', path: () => '/api/v1/rounds?status=running,deleted', status: 400 },
    { name: 'rounds: unknown parameter', method: 'GET', path: () => '/api/v1/rounds?admin=true', status: 400 },
    { name: 'rounds: garbage cursor', method: 'GET', path: () => '/api/v1/rounds?cursor=%%%', status: 400 },
    { name: 'rounds: overdue maybe', method: 'GET', path: () => '/api/v1/rounds?overdue=vielleicht', status: 400 },
    { name: 'users: cursor of another list', method: 'GET', path: () => `/api/v1/users?cursor=${Buffer.from('{"x":1}').toString('base64url')}`, status: 400 },
    { name: 'persons: limit 0', method: 'GET', path: () => '/api/v1/persons?limit=0', status: 400 },
    { name: 'memberships: date invalid', method: 'GET', path: () => '/api/v1/memberships?on=2027-02-30', status: 400 },
    { name: 'templates: limit 0', method: 'GET', path: () => '/api/v1/templates?limit=0', status: 400 },
    { name: 'templates: unknown parameter', method: 'GET', path: () => '/api/v1/templates?sort=key', status: 400 },
    { name: 'webhooks: active maybe', method: 'GET', path: () => '/api/v1/webhooks?active=vielleicht', status: 400 },
    { name: 'api keys: garbage cursor', method: 'GET', path: () => '/api/v1/api-keys?cursor=%%%', status: 400 },
    { name: 'stage files: cursor of 31 February', method: 'GET', path: () => `/api/v1/rounds/${running}/files?cursor=${Buffer.from(JSON.stringify(['files', '2026-02-31 10:00:00+00', UNKNOWN])).toString('base64url')}`, status: 400 },
    { name: 'audit: download with a page size', method: 'GET', path: () => `/api/v1/rounds/${running}/audit?download=true&limit=5`, status: 400 },
    { name: 'audit: since month 13', method: 'GET', path: () => `/api/v1/rounds/${running}/audit?since=2027-13-01T00:00:00Z`, status: 400 },
    { name: 'mailbox: to not an address', method: 'GET', path: () => `/api/v1/mailbox?to=${encodeURIComponent("' OR 1=1 --")}`, status: 400 },
    { name: 'administrators inbox: unread maybe', method: 'GET', path: () => '/api/v1/notifications/administrators?unread=vielleicht', status: 400 },
    { name: 'meetings: until before from', method: 'GET', path: () => '/api/v1/meetings?from=2030-05-01T00:00:00Z&until=2030-01-01T00:00:00Z', status: 400 },
    { name: 'OParl: unknown list', method: 'GET', path: () => `/oparl/v1/bodies/${system.tenant}/secrets`, as: 'anonymous' },
    { name: 'OParl: unknown body', method: 'GET', path: () => '/oparl/v1/bodies/gibt-es-nicht', as: 'anonymous', status: 404 },
    { name: 'calendar: unknown token', method: 'GET', path: () => `/api/v1/calendar/${randomUUID()}.ics`, as: 'anonymous', status: 404 },
    { name: 'route that does not exist', method: 'GET', path: () => '/api/v1/geheim', status: 404 },
    // live updates (server-sent events)
    { name: 'live updates: a query parameter', method: 'GET', path: round('/events?once=true'), status: 400 },
    { name: 'live updates: unknown round', method: 'GET', path: () => `/api/v1/rounds/${UNKNOWN}/events`, status: 404 },
    { name: 'live updates on every round: a query parameter', method: 'GET', path: () => '/api/v1/rounds/events?since=0', status: 400 },
    { name: 'method that does not exist', method: 'DELETE', path: () => `/api/v1/rounds/${running}`, status: 404 },
    { name: 'revoke an unknown API key', method: 'DELETE', path: () => `/api/v1/api-keys/${UNKNOWN}`, status: 404 },
    { name: 'delete an unknown webhook', method: 'DELETE', path: () => `/api/v1/webhooks/${UNKNOWN}`, status: 404 },
    // unknown, malformed and foreign ids on every kind of object
    ...['rounds', 'persons', 'bodies', 'memberships', 'meetings', 'legislative-terms', 'webhooks', 'users', 'mailbox'].flatMap((kind): Case[] => [
      { name: `${kind}: unknown id`, method: 'GET', path: () => `/api/v1/${kind}/${UNKNOWN}`, status: 404 },
      ...INJECTIONS.map((value): Case => ({ name: `${kind}: id ${value}`, method: 'GET', path: () => `/api/v1/${kind}/${encodeURIComponent(value)}` })),
    ]),
    { name: 'persons: foreign tenant', method: 'GET', path: () => `/api/v1/persons/${foreign.personId}`, status: 404 },
    { name: 'bodies: foreign tenant', method: 'GET', path: () => `/api/v1/bodies/${foreign.bodyId}`, status: 404 },
    { name: 'OParl person of another tenant', method: 'GET', path: () => `/oparl/v1/people/${foreign.personId}`, as: 'anonymous', status: 404 },
    ...['audit', 'audit/verify', 'audit/protocol', 'files'].map((sub): Case => ({ name: `round ${sub}: unknown round`, method: 'GET', path: () => `/api/v1/rounds/${UNKNOWN}/${sub}`, status: 404 })),
    { name: 'file content: unknown file', method: 'GET', path: () => `/api/v1/files/${UNKNOWN}/content`, status: 404 },
    { name: 'publication: published a string', method: 'PUT', path: () => `/api/v1/files/${UNKNOWN}/publication`, body: { published: 'ja' }, status: 400 },
    { name: 'publication: published missing', method: 'PUT', path: () => `/api/v1/files/${UNKNOWN}/publication`, body: {}, status: 400 },
    { name: 'publication: unknown file', method: 'PUT', path: () => `/api/v1/files/${UNKNOWN}/publication`, body: { published: true }, status: 404 },
    { name: 'publication: file id with SQL', method: 'PUT', path: () => `/api/v1/files/${encodeURIComponent(INJECTIONS[0] ?? '')}/publication`, body: { published: true }, status: 404 },
    { name: 'published file: unknown file', method: 'GET', path: round(`/consultation/files/${UNKNOWN}`), as: 'anonymous', status: 404 },
    ...INJECTIONS.map((value): Case => ({ name: `published file: id ${value}`, method: 'GET', path: round(`/consultation/files/${encodeURIComponent(value)}`), as: 'anonymous' })),
    ...INJECTIONS.map((value): Case => ({ name: `rounds search: ${value}`, method: 'GET', path: () => `/api/v1/rounds?template=${encodeURIComponent(value)}`, status: 400 })),
  ];

  const cases = [...generated, ...specific];

  it('should hold at least 200 bad requests', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
  });

  it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
    const response = await send(testCase);
    if (testCase.status !== undefined) expect(response.status).toBe(testCase.status);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.contentType).toMatch(/^application\/problem\+json/);
    const problem = JSON.parse(response.text);
    expect(problem).toMatchObject({ status: response.status, type: expect.any(String), title: expect.any(String) });
    expect(response.text).not.toMatch(/QueryFailedError|SELECT |INSERT |\bat .*\.js:\d+|node_modules/);
    expect(await snapshot()).toEqual(baseline);
  });
});
