import { randomUUID } from 'node:crypto';
import { roundWhen, stageOf, startRound } from './support/rounds.js';
import { securityAudit } from './support/security-audit.js';
import { TestSystem, type HttpResult } from './support/system.js';

const expectProblem = (response: HttpResult, status: number, type?: string, field?: string): void => {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(response.body).toMatchObject({ status, title: expect.any(String), ...(type ? { type: `/problems/${type}` } : {}) });
  if (field) expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
};

const anonymous = { authorization: '' };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Passwords and tokens this file uses: none of them may ever reach the audit trail. */
const secrets: string[] = [];
const password = (): string => {
  const value = `Sitzungsgeld ${randomUUID()}`;
  secrets.push(value);
  return value;
};

describe('accounts, sessions and access over HTTP', () => {
  const system = new TestSystem();

  beforeAll(async () => {
    await system.start();
    secrets.push(system.admin.password, system.adminToken);
  });

  afterAll(async () => {
    await system.stop();
  });

  const createUser = async (body: Record<string, unknown>): Promise<string> => {
    const response = await system.request('POST', '/api/v1/users', body);
    if (response.status !== 201) throw new Error(`user not created: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.id as string;
  };

  const login = async (email: string, secret: string): Promise<string> => {
    const token = await system.login(email, secret);
    secrets.push(token);
    return token;
  };

  it('should have created the first administrator from RATSWEG_ADMIN_EMAIL and RATSWEG_ADMIN_PASSWORD', async () => {
    const me = await system.request('GET', '/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: system.admin.email, displayName: 'Administrator', roles: ['admin'], personId: null, secretaryOf: [], mfaEnabled: false });
    const audit = await securityAudit(system.tenant);
    expect(audit[0]).toMatchObject({ action: 'user.created', actor: 'system:bootstrap', subject_id: me.body.id, after: { email: system.admin.email, roles: ['admin'] } });
  });

  it('should sign in with a bearer token and an HttpOnly, Secure, SameSite=Strict cookie, and end the session on logout', async () => {
    const response = await system.request('POST', '/api/v1/auth/login', { email: system.admin.email, password: system.admin.password }, anonymous);
    expect(response.status).toBe(200);
    const token = response.body.accessToken as string;
    secrets.push(token);
    expect(response.body).toMatchObject({ tokenType: 'Bearer', mfaEnrollmentRequired: false, user: { email: system.admin.email, roles: ['admin'] } });
    expect(Date.parse(response.body.expiresAt)).toBeGreaterThan(Date.now());
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('ratsweg_session='));
    expect(cookie?.startsWith(`ratsweg_session=${token};`)).toBe(true);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; SameSite=Strict/i);
    expect(cookie).toMatch(/; Path=\//i);

    expect((await system.request('GET', '/api/v1/me', undefined, bearer(token))).status).toBe(200);
    expect((await system.request('GET', '/api/v1/me', undefined, { authorization: '', cookie: `ratsweg_session=${token}` })).status).toBe(200);

    const logout = await system.request('POST', '/api/v1/auth/logout', undefined, bearer(token));
    expect(logout.status).toBe(204);
    expect(logout.headers.getSetCookie().find((line) => line.startsWith('ratsweg_session='))).toMatch(/Expires=Thu, 01 Jan 1970/i);
    expectProblem(await system.request('GET', '/api/v1/me', undefined, bearer(token)), 401, 'unauthorized');
    expectProblem(await system.request('GET', '/api/v1/me', undefined, { authorization: '', cookie: `ratsweg_session=${token}` }), 401, 'unauthorized');
    // Other sessions of the same person go on.
    expect((await system.request('GET', '/api/v1/me')).status).toBe(200);
  });

  it('should refuse a wrong password and an unknown address with the same answer', async () => {
    const wrong = await system.request('POST', '/api/v1/auth/login', { email: system.admin.email, password: password() }, anonymous);
    const unknown = await system.request('POST', '/api/v1/auth/login', { email: `niemand@${system.tenant}.example`, password: password() }, anonymous);
    expectProblem(wrong, 401, 'invalid-credentials');
    expect(unknown.status).toBe(401);
    const { instance: _wrongInstance, ...wrongBody } = wrong.body;
    const { instance: _unknownInstance, ...unknownBody } = unknown.body;
    expect(unknownBody).toEqual(wrongBody);
    expect(wrong.headers.getSetCookie()).toEqual([]);

    const audit = await securityAudit(system.tenant);
    expect(audit).toContainEqual(expect.objectContaining({ action: 'login.failed', subject_id: system.admin.email, details: expect.objectContaining({ reason: 'wrong-password', method: 'password' }) }));
    expect(audit).toContainEqual(
      expect.objectContaining({ action: 'login.failed', actor: 'anonymous', subject_id: `niemand@${system.tenant}.example`, details: expect.objectContaining({ reason: 'unknown-account' }) }),
    );
  });

  it('should refuse short and common passwords, naming the field, and create nothing', async () => {
    const email = `schwach@${system.tenant}.example`;
    for (const weak of ['kurz', 'Password1234!', 'passwort12345', '111111111111111', '123456789012']) {
      expectProblem(await system.request('POST', '/api/v1/users', { email, displayName: 'Schwach', password: weak, roles: ['member'] }), 400, 'validation-failed', 'password');
    }
    const users = (await system.request('GET', '/api/v1/users')).body.data as { email: string }[];
    expect(users.map((user) => user.email)).not.toContain(email);
  });

  it('should list, show and change accounts; a disabled account is signed out at once; the last administrator stays', async () => {
    const secret = password();
    const id = await createUser({ email: `Bernd@${system.tenant}.example`, displayName: 'Bernd Beispiel', password: secret, roles: ['member'] });
    const token = await login(`bernd@${system.tenant}.example`, secret);

    const shown = await system.request('GET', `/api/v1/users/${id}`);
    expect(shown.body).toEqual({
      id,
      email: `bernd@${system.tenant}.example`,
      displayName: 'Bernd Beispiel',
      roles: ['member'],
      personId: null,
      mfaEnabled: false,
      oidcLinked: false,
      passwordSet: true,
      disabled: false,
      createdAt: expect.any(String),
      modifiedAt: expect.any(String),
    });
    const list = await system.request('GET', '/api/v1/users?limit=1');
    expect(list.body.data).toHaveLength(1);
    const rest = await system.request('GET', `/api/v1/users?limit=50&cursor=${encodeURIComponent(list.body.next)}`);
    expect([...list.body.data, ...rest.body.data].map((user: { email: string }) => user.email)).toEqual(expect.arrayContaining([system.admin.email, `bernd@${system.tenant}.example`]));
    expectProblem(await system.request('GET', '/api/v1/users', undefined, bearer(token)), 403, 'forbidden');
    expectProblem(await system.request('GET', `/api/v1/users/${randomUUID()}`), 404, 'not-found');

    const renamed = await system.request('PATCH', `/api/v1/users/${id}`, { displayName: 'Bernd B.' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.displayName).toBe('Bernd B.');
    expect((await system.request('GET', '/api/v1/me', undefined, bearer(token))).body.displayName).toBe('Bernd B.');

    expect((await system.request('PATCH', `/api/v1/users/${id}`, { disabled: true })).body.disabled).toBe(true);
    expectProblem(await system.request('GET', '/api/v1/me', undefined, bearer(token)), 401);
    expectProblem(await system.request('POST', '/api/v1/auth/login', { email: `bernd@${system.tenant}.example`, password: secret }, anonymous), 401, 'invalid-credentials');

    const me = (await system.request('GET', '/api/v1/me')).body;
    expectProblem(await system.request('PATCH', `/api/v1/users/${me.id}`, { roles: ['member'] }), 409, 'conflict');
    expectProblem(await system.request('PATCH', `/api/v1/users/${me.id}`, { disabled: true }), 409, 'conflict');
    expect((await system.request('GET', '/api/v1/me')).body.roles).toEqual(['admin']);
    // With a second administrator, one of them may step down.
    const deputy = await createUser({ email: `vertretung@${system.tenant}.example`, displayName: 'Vertretung', roles: ['admin'] });
    expect((await system.request('PATCH', `/api/v1/users/${deputy}`, { roles: ['auditor'] })).body.roles).toEqual(['auditor']);

    const audit = await securityAudit(system.tenant);
    expect(audit).toContainEqual(
      expect.objectContaining({ action: 'user.updated', actor: `user:${me.id}`, subject_id: id, before: expect.objectContaining({ disabled: false }), after: expect.objectContaining({ disabled: true }) }),
    );
  });

  it('should let an API key reach only what its scope allows, and nothing once revoked', async () => {
    const created = await system.request('POST', '/api/v1/api-keys', { name: 'Ratsinformationssystem', scopes: ['events'] });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    secrets.push(key);
    expect(key).toMatch(/^rwk_/);
    expect(created.body).toMatchObject({ name: 'Ratsinformationssystem', scopes: ['events'], prefix: key.slice(0, 10), revokedAt: null });
    const listed = await system.request('GET', '/api/v1/api-keys');
    expect(JSON.stringify(listed.body)).not.toContain(key);

    // An integration key is no user and no administrator.
    expectProblem(await system.request('GET', '/api/v1/users', undefined, bearer(key)), 403, 'forbidden');
    expectProblem(await system.request('GET', '/api/v1/me', undefined, bearer(key)), 403, 'forbidden');
    expectProblem(await system.request('POST', '/api/v1/api-keys', { name: 'mehr', scopes: ['metrics'] }, bearer(key)), 403, 'forbidden');
    expect((await system.request('GET', '/api/v1/api-keys')).body.data).toContainEqual(expect.objectContaining({ id: created.body.id, lastUsedAt: expect.any(String) }));

    expect((await system.request('DELETE', `/api/v1/api-keys/${created.body.id}`)).status).toBe(204);
    expectProblem(await system.request('GET', '/api/v1/users', undefined, bearer(key)), 401, 'unauthorized');
    expectProblem(await system.request('GET', '/api/v1/rounds', undefined, bearer(`${key}x`)), 401, 'unauthorized');
  });

  it('should let a secretary decide stages of their own body only', async () => {
    expect((await system.request('PUT', '/api/v1/tenant', { name: 'Stadt Musterhausen', shortName: 'Musterhausen', ags: '05999001' })).status).toBe(201);
    const body = async (key: string): Promise<string> => {
      const response = await system.request('POST', '/api/v1/bodies', { key, name: `Gremium ${key}`, shortName: key, classification: key === 'rat' ? 'council' : 'committee', startDate: '2025-11-01' });
      if (response.status !== 201) throw new Error(`body not created: ${JSON.stringify(response.body)}`);
      return response.body.id as string;
    };
    const committee = await body('fachausschuss');
    await body('rat');
    const person = await system.request('POST', '/api/v1/persons', { givenName: 'Sabine', familyName: 'Schriftführerin' });
    expect(person.status).toBe(201);
    expect((await system.request('POST', '/api/v1/memberships', { personId: person.body.id, bodyId: committee, role: 'secretary', startDate: '2025-11-01' })).status).toBe(201);
    const secret = password();
    await createUser({ email: `sabine@${system.tenant}.example`, displayName: 'Sabine', password: secret, personId: person.body.id });
    const token = await login(`sabine@${system.tenant}.example`, secret);
    expect((await system.request('GET', '/api/v1/me', undefined, bearer(token))).body).toMatchObject({ roles: ['secretary'], personId: person.body.id, secretaryOf: ['fachausschuss'] });

    const round = await startRound(system, { templateKey: 'kurzverfahren', title: 'Radweg Bahnhofstraße' });
    // The council's stage is not hers (pending or open).
    expectProblem(await system.request('POST', `/api/v1/rounds/${round}/stages/ratsbeschluss/decision`, { outcome: 'approved' }, bearer(token)), 403, 'forbidden');
    const decided = await system.request('POST', `/api/v1/rounds/${round}/stages/fachausschuss/decision`, { outcome: 'approved' }, bearer(token));
    expect(decided.status).toBe(200);
    expect(stageOf(decided.body, 'fachausschuss').decisions).toEqual([expect.objectContaining({ outcome: 'approved' })]);
    await roundWhen(system, round, (current) => stageOf(current, 'ratsbeschluss').status === 'open');
    expectProblem(await system.request('POST', `/api/v1/rounds/${round}/stages/ratsbeschluss/decision`, { outcome: 'approved' }, bearer(token)), 403, 'forbidden');
    // Nor may she act as an administrator.
    expectProblem(await system.request('POST', `/api/v1/rounds/${round}/cancel`, { reason: 'nicht ihre Sache' }, bearer(token)), 403, 'forbidden');
    expect((await system.request('POST', `/api/v1/rounds/${round}/stages/ratsbeschluss/decision`, { outcome: 'approved' })).status).toBe(200);

    const refusals = (await securityAudit(system.tenant)).filter((entry) => entry.action === 'access.refused' && entry.subject_id === `${round}/ratsbeschluss`);
    expect(refusals).toHaveLength(2);
    expect(refusals[0]?.details).toMatchObject({ reason: 'not-secretary-of-responsible-body', attempted: 'decision', body: 'rat' });
  });

  it('should refuse another municipality’s tokens', async () => {
    const other = new TestSystem();
    await other.startApi();
    try {
      secrets.push(other.admin.password, other.adminToken);
      expectProblem(await system.request('GET', '/api/v1/me', undefined, bearer(other.adminToken)), 401, 'unauthorized');
      expectProblem(await system.request('GET', '/api/v1/users', undefined, bearer(other.adminToken)), 401, 'unauthorized');
      expectProblem(await other.request('GET', '/api/v1/me', undefined, bearer(system.adminToken)), 401, 'unauthorized');
      expect((await other.request('GET', '/api/v1/me')).body.email).toBe(other.admin.email);
      // Nor does this municipality's administrator sign in there.
      expectProblem(await other.request('POST', '/api/v1/auth/login', { email: system.admin.email, password: system.admin.password }, anonymous), 401, 'invalid-credentials');
    } finally {
      await other.stop();
    }
  });

  it('should answer 404 on the OpenID Connect routes when no identity provider is set up', async () => {
    expectProblem(await system.request('GET', '/api/v1/auth/oidc/login', undefined, anonymous), 404, 'not-found');
    expectProblem(await system.request('GET', '/api/v1/auth/oidc/callback?code=abc&state=def', undefined, anonymous), 404, 'not-found');
  });

  it('should have written every sign-in and refusal to the security audit chain, without any password or token', async () => {
    const audit = await securityAudit(system.tenant);
    const actions = new Set(audit.map((entry) => entry.action));
    for (const action of ['user.created', 'login.succeeded', 'login.failed', 'logout', 'access.refused', 'user.updated', 'api-key.created', 'api-key.revoked']) {
      expect(actions).toContain(action);
    }
    // Refusals by the guard: anonymous, wrong role, revoked key.
    const reasons = audit.filter((entry) => entry.action === 'access.refused').map((entry) => entry.details?.reason);
    expect(reasons).toEqual(expect.arrayContaining(['role', 'invalid-credentials']));
    expect(audit.filter((entry) => entry.action === 'login.succeeded').length).toBeGreaterThanOrEqual(4);
    expect(secrets.length).toBeGreaterThan(10);
    for (const entry of audit) {
      for (const secret of secrets) expect(entry.row).not.toContain(secret);
    }
  });
});

describe('the lockout after failed sign-ins', () => {
  const system = new TestSystem({ env: { AUTH_LOCKOUT_FREE_ATTEMPTS: '3', AUTH_LOCKOUT_BASE_SECONDS: '60' } });

  beforeAll(async () => {
    await system.startApi();
  });

  afterAll(async () => {
    await system.stop();
  });

  const attempt = (email: string, secret: string) => system.request('POST', '/api/v1/auth/login', { email, password: secret }, anonymous);

  const expectLocked = (response: HttpResult): void => {
    expectProblem(response, 429, 'account-locked');
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  };

  it('should lock an address after the free failed attempts, even for the right password, and unknown addresses alike', async () => {
    const email = `carla@${system.tenant}.example`;
    const secret = password();
    expect((await system.request('POST', '/api/v1/users', { email, displayName: 'Carla', password: secret, roles: ['member'] })).status).toBe(201);

    expectProblem(await attempt(email, password()), 401, 'invalid-credentials');
    expectProblem(await attempt(email, password()), 401, 'invalid-credentials');
    expectLocked(await attempt(email, password()));
    expectLocked(await attempt(email, secret));

    const nobody = `niemand@${system.tenant}.example`;
    expectProblem(await attempt(nobody, password()), 401, 'invalid-credentials');
    expectProblem(await attempt(nobody, password()), 401, 'invalid-credentials');
    expectLocked(await attempt(nobody, password()));
    expectLocked(await attempt(nobody, password()));

    // Other addresses are not affected.
    expect(await system.login(system.admin.email, system.admin.password)).toMatch(/^rws_/);
    const audit = await securityAudit(system.tenant);
    expect(audit.filter((entry) => entry.action === 'login.refused' && entry.details?.reason === 'locked').map((entry) => entry.subject_id)).toEqual([email, nobody]);
  });

  it('should not let parallel guesses get around the lockout', async () => {
    const email = `parallel@${system.tenant}.example`;
    const answers = await Promise.all(Array.from({ length: 12 }, () => attempt(email, password())));
    expect(answers.filter((answer) => answer.status === 401)).toHaveLength(2);
    for (const answer of answers.filter((candidate) => candidate.status !== 401)) expectLocked(answer);
    // Only the free attempts had their password checked; the others were refused unchecked.
    const entries = (await securityAudit(system.tenant)).filter((entry) => entry.subject_id === email);
    expect(entries.filter((entry) => entry.action === 'login.failed')).toHaveLength(3);
    expect(entries.filter((entry) => entry.action === 'login.refused' && entry.details?.reason === 'locked')).toHaveLength(9);
  });
});

describe('the rate limit of sign-ins per client address', () => {
  const system = new TestSystem({ env: { RATE_LIMIT_LOGIN_PER_MINUTE: '4' } });

  beforeAll(async () => {
    // Signing in the administrator is the first of the four sign-ins this minute.
    await system.startApi();
  });

  afterAll(async () => {
    await system.stop();
  });

  it('should answer 429 with Retry-After once the limit is reached, even for the right password', async () => {
    for (let i = 0; i < 3; i++) {
      expectProblem(await system.request('POST', '/api/v1/auth/login', { email: `gast${i}@${system.tenant}.example`, password: password() }, anonymous), 401);
    }
    const limited = await system.request('POST', '/api/v1/auth/login', { email: system.admin.email, password: system.admin.password }, anonymous);
    expectProblem(limited, 429, 'rate-limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Other routes are not limited.
    expect((await system.request('GET', '/api/v1/me')).status).toBe(200);
  });
});
