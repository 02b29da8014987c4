import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ACCESS_POLICY, type Audience } from '../src/auth/access-policy.js';
import { createCallers, type Callers } from './support/callers.js';
import { TestSystem } from './support/system.js';

/**
 * Every route × every kind of caller → the status the access table promises: generated from
 * ACCESS_POLICY, and checked against the OpenAPI document so that a new route cannot be
 * missing from either.
 */
type CallerName = 'anonymous' | 'admin' | 'secretary' | 'member' | 'auditor' | 'integration' | 'monitoring' | 'otherTenantAdmin';

interface CallerModel {
  kind: 'none' | 'user' | 'api-key';
  roles: string[];
  personId?: string;
}

const CALLERS: CallerName[] = ['anonymous', 'admin', 'secretary', 'member', 'auditor', 'integration', 'monitoring', 'otherTenantAdmin'];
const STAFF = ['admin', 'secretary', 'member', 'auditor'];
// Logging out ends the caller's session: it goes last.
const ROUTES = Object.keys(ACCESS_POLICY).sort((a, b) => Number(a === 'POST /api/v1/auth/logout') - Number(b === 'POST /api/v1/auth/logout'));

/** What the table says a caller gets: through (any answer but 401/403), 401 or 403. */
function expected(rule: readonly Audience[], caller: CallerModel, params: Record<string, string>): 'through' | 401 | 403 {
  if (rule.includes('public')) return 'through';
  if (caller.kind === 'none') return 401;
  const permitted = rule.some((audience) => {
    if (audience === 'authenticated') return caller.kind === 'user';
    if (audience === 'staff') return caller.roles.some((role) => STAFF.includes(role));
    if (audience === 'self') return caller.kind === 'user' && caller.personId !== undefined && caller.personId === params.id;
    return caller.roles.includes(audience);
  });
  return permitted ? 'through' : 403;
}

describe('the access matrix: every route for every role', () => {
  const system = new TestSystem({ env: { RATE_LIMIT_COMMENTS_PER_MINUTE: '100000' } });
  const otherTenant = new TestSystem();
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  let callers: Callers;
  let roundId: string;
  const tokens = {} as Record<CallerName, string>;
  const models = {} as Record<CallerName, CallerModel>;
  let refusals = 0;

  beforeAll(async () => {
    await Promise.all([system.start(), otherTenant.startApi(), db.connect()]);
    // The secretary serves the body of the round's first stage, so the finer stage rule lets them through too.
    callers = await createCallers(system, 'fachausschuss');
    const round = await system.request('POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title: 'Matrix' });
    roundId = round.body.id;
    Object.assign(tokens, {
      anonymous: '',
      admin: callers.admin,
      secretary: callers.secretary,
      member: callers.member,
      auditor: callers.auditor,
      integration: callers.integration,
      monitoring: callers.monitoring,
      otherTenantAdmin: otherTenant.adminToken,
    });
    Object.assign(models, {
      anonymous: { kind: 'none', roles: [] },
      admin: { kind: 'user', roles: ['admin'] },
      secretary: { kind: 'user', roles: ['secretary'], personId: callers.secretaryPersonId },
      member: { kind: 'user', roles: ['member'], personId: callers.memberPersonId },
      auditor: { kind: 'user', roles: ['auditor'] },
      integration: { kind: 'api-key', roles: ['integration'] },
      monitoring: { kind: 'api-key', roles: ['monitoring'] },
      // Another tenant's session is unknown here: to this tenant it is no credential at all.
      otherTenantAdmin: { kind: 'none', roles: [] },
    });
  });

  afterAll(async () => {
    await Promise.all([system.stop(), otherTenant.stop(), db.end()]);
  });

  /** Path parameters that name real things where the route's rule depends on them. */
  function params(route: string): Record<string, string> {
    const values: Record<string, string> = {};
    for (const [, name] of route.matchAll(/:(\w+)/g)) {
      if (!name) continue;
      values[name] = (() => {
        if (name === 'id' && route.includes('/persons/')) return callers.memberPersonId;
        if (name === 'id' && route.includes('/bodies/')) return callers.bodyId;
        if (name === 'id' && route.includes('/rounds/')) return roundId;
        if (name === 'id' && route.startsWith('GET /oparl/v1/:list')) return roundId;
        if (name === 'stageKey') return 'fachausschuss';
        if (name === 'key' && route.includes('/templates/')) return 'kurzverfahren';
        if (name === 'key') return system.tenant;
        if (name === 'list') return route.includes('/bodies/') ? 'people' : 'papers';
        if (name === 'file') return `${randomUUID()}.ics`;
        if (name === 'meetingKey') return 'rat';
        return randomUUID();
      })();
    }
    return values;
  }

  it('should describe exactly the routes of the access table in the OpenAPI document', async () => {
    const document = await system.request('GET', '/api/docs-json');
    const documented = Object.entries(document.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect([...documented].sort()).toEqual([...ROUTES].sort());
    // The document tells every caller who may call an operation and what a refusal looks like.
    for (const [path, operations] of Object.entries(document.body.paths as Record<string, Record<string, { 'x-ratsweg-access': string[]; security: unknown[]; responses: Record<string, unknown> }>>)) {
      for (const [method, operation] of Object.entries(operations)) {
        const rule = ACCESS_POLICY[`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`];
        expect(operation['x-ratsweg-access']).toEqual(rule);
        if (rule?.includes('public')) {
          expect(operation.security).toEqual([]);
        } else {
          expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403']));
        }
      }
    }
  });

  it.each(ROUTES)('%s', async (routeKey) => {
    const [method = 'GET', route = ''] = routeKey.split(' ');
    const rule = ACCESS_POLICY[routeKey] ?? [];
    const values = params(routeKey);
    const path = route.replace(/:(\w+)/g, (_match, name: string) => encodeURIComponent(values[name] ?? ''));
    const hasBody = method !== 'GET' && method !== 'DELETE';
    const mismatches: string[] = [];
    for (const caller of CALLERS) {
      const want = expected(rule, models[caller], values);
      // A probe body no route accepts: a caller who gets through is stopped by validation, so nothing changes.
      const response = await system.request(method, path, hasBody ? { matrixProbe: true } : undefined, {
        authorization: tokens[caller] ? `Bearer ${tokens[caller]}` : '',
      });
      const got = response.status;
      const ok = want === 'through' ? got !== 401 && got !== 403 && got < 500 : got === want;
      if (!ok) mismatches.push(`${caller}: expected ${want}, got ${got} ${JSON.stringify(response.body).slice(0, 200)}`);
      if (got === 401 || got === 403) {
        refusals += 1;
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('should have written every refusal to the security audit chain, without any token', async () => {
    const { rows } = await db.query<{ action: string; actor: string; details: unknown }>(
      `SELECT action, actor, details FROM audit_entry WHERE tenant = $1 AND chain = $2 AND action = 'access.refused'`,
      [system.tenant, `security:${system.tenant}`],
    );
    expect(rows.length).toBe(refusals);
    const text = JSON.stringify(rows);
    for (const token of Object.values(tokens).filter(Boolean)) expect(text).not.toContain(token);
  });
});
