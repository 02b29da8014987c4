import { randomUUID } from 'node:crypto';
import type { TestSystem } from './system.js';

/** One signed-in caller of each kind, for tests that go through the access rules. */
export interface Callers {
  admin: string;
  secretary: string;
  member: string;
  auditor: string;
  /** API key with scope `events`. */
  integration: string;
  /** API key with scope `metrics`. */
  monitoring: string;
  /** Directory ids behind the callers. */
  bodyId: string;
  bodyKey: string;
  memberPersonId: string;
  secretaryPersonId: string;
}

export const CALLER_PASSWORD = 'Ratssitzung am Donnerstag 18 Uhr';

async function created(system: TestSystem, path: string, body: unknown): Promise<{ id: string } & Record<string, unknown>> {
  const response = await system.request('POST', path, body);
  if (response.status !== 201) throw new Error(`POST ${path} failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/**
 * The tenant's directory (a committee `bodyKey` with a member and a secretary), an account for
 * each role and an API key of each scope. Needs a started API.
 */
export async function createCallers(system: TestSystem, bodyKey = `ausschuss-${randomUUID().slice(0, 8)}`): Promise<Callers> {
  const tenant = await system.request('PUT', '/api/v1/tenant', { name: 'Stadt Prüfhausen', shortName: 'Prüfhausen', ags: '05999001' });
  if (tenant.status >= 300) throw new Error(`tenant: ${tenant.status} ${JSON.stringify(tenant.body)}`);
  const body = await created(system, '/api/v1/bodies', { key: bodyKey, name: 'Ausschuss für Prüfungen', shortName: 'APr', classification: 'committee', startDate: '2020-01-01' });
  const memberPerson = await created(system, '/api/v1/persons', { givenName: 'Mia', familyName: 'Mitglied', email: `mia-${randomUUID()}@example.org` });
  const secretaryPerson = await created(system, '/api/v1/persons', { givenName: 'Sven', familyName: 'Schriftführer', email: `sven-${randomUUID()}@example.org` });
  await created(system, '/api/v1/memberships', { personId: memberPerson.id, bodyId: body.id, role: 'member', startDate: '2020-01-01' });
  await created(system, '/api/v1/memberships', { personId: secretaryPerson.id, bodyId: body.id, role: 'secretary', startDate: '2020-01-01' });
  const account = async (name: string, roles: string[], personId?: string): Promise<string> => {
    const email = `${name}-${randomUUID().slice(0, 8)}@${system.tenant}.example`;
    await created(system, '/api/v1/users', { email, displayName: name, password: CALLER_PASSWORD, roles, ...(personId ? { personId } : {}) });
    return system.login(email, CALLER_PASSWORD);
  };
  const apiKey = async (scope: string): Promise<string> => (await created(system, '/api/v1/api-keys', { name: `${scope} key`, scopes: [scope] })).key as string;
  return {
    admin: system.adminToken,
    secretary: await account('secretary', [], secretaryPerson.id),
    member: await account('member', [], memberPerson.id),
    auditor: await account('auditor', ['auditor']),
    integration: await apiKey('events'),
    monitoring: await apiKey('metrics'),
    bodyId: body.id,
    bodyKey,
    memberPersonId: memberPerson.id,
    secretaryPersonId: secretaryPerson.id,
  };
}
