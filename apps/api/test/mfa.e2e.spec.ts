import { randomUUID } from 'node:crypto';
import { totpCode } from '@ratsweg/auth';
import { securityAudit } from './support/security-audit.js';
import { TestSystem, type HttpResult } from './support/system.js';

const anonymous = { authorization: '' };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const expectProblem = (response: HttpResult, status: number, type: string): void => {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(response.body).toMatchObject({ status, type: `/problems/${type}` });
};

/** A six-digit code that is not the current one (nor one step before or after). */
const wrongCode = (secret: string): string => {
  const near = new Set([-30_000, 0, 30_000].map((offset) => totpCode(secret, Date.now() + offset)));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (!near.has(candidate)) return candidate;
  }
};

describe('the TOTP second factor, required for administrators and secretaries', () => {
  const system = new TestSystem({ env: { RATSWEG_REQUIRE_MFA: 'true' } });
  let secret = '';
  let confirmedWith = '';

  beforeAll(async () => {
    await system.startApi();
  });

  afterAll(async () => {
    await system.stop();
  });

  const signIn = (otp?: string) =>
    system.request('POST', '/api/v1/auth/login', { email: system.admin.email, password: system.admin.password, ...(otp ? { otp } : {}) }, anonymous);

  it('should sign in an administrator without a second factor only to set one up', async () => {
    const login = await signIn();
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ mfaEnrollmentRequired: true, user: { roles: ['admin'], mfaEnabled: false } });
    const token = login.body.accessToken as string;

    const me = await system.request('GET', '/api/v1/me', undefined, bearer(token));
    expect(me.status).toBe(200);
    // The web application sends such a session to the set-up page.
    expect(me.body).toMatchObject({ mfaEnabled: false, mfaEnrollmentRequired: true });
    for (const [method, path, body] of [
      ['GET', '/api/v1/users', undefined],
      ['GET', '/api/v1/templates', undefined],
      ['POST', '/api/v1/rounds', { templateKey: 'kurzverfahren', title: 'Ohne zweiten Faktor' }],
      ['PUT', '/api/v1/me/password', { currentPassword: system.admin.password, newPassword: `Neues Kennwort ${randomUUID()}` }],
      ['POST', '/api/v1/api-keys', { name: 'Hintertür', scopes: ['events'] }],
    ] as const) {
      expectProblem(await system.request(method, path, body, bearer(token)), 403, 'mfa-enrollment-required');
    }
    expect((await system.request('GET', '/api/v1/api-keys')).status).toBe(403);
    const refusals = (await securityAudit(system.tenant)).filter((entry) => entry.action === 'access.refused' && entry.details?.reason === 'mfa-enrolment-pending');
    expect(refusals.length).toBeGreaterThanOrEqual(5);
    // Signing out is still allowed.
    expect((await system.request('POST', '/api/v1/auth/logout', undefined, bearer(token))).status).toBe(204);
  });

  it('should set up TOTP with a code from the app and then open the same session', async () => {
    const started = await system.request('POST', '/api/v1/me/mfa/totp');
    expect(started.status).toBe(201);
    secret = started.body.secret as string;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(started.body.otpauthUri).toMatch(new RegExp(`^otpauth://totp/Ratsweg:${encodeURIComponent(system.admin.email).replace(/\./g, '\\.')}\\?.*secret=${secret}`));

    expectProblem(await system.request('POST', '/api/v1/me/mfa/totp/confirm', { otp: wrongCode(secret) }), 400, 'validation-failed');
    expectProblem(await system.request('GET', '/api/v1/users'), 403, 'mfa-enrollment-required');

    confirmedWith = totpCode(secret);
    expect((await system.request('POST', '/api/v1/me/mfa/totp/confirm', { otp: confirmedWith })).status).toBe(204);
    expect((await system.request('GET', '/api/v1/users')).status).toBe(200);
    expect((await system.request('GET', '/api/v1/me')).body).toMatchObject({ mfaEnabled: true, mfaEnrollmentRequired: false });
    expectProblem(await system.request('POST', '/api/v1/me/mfa/totp'), 409, 'conflict');
    const actions = (await securityAudit(system.tenant)).map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['mfa.enrolment-started', 'mfa.enabled']));
  });

  it('should then ask for a code at sign-in and take each code only once', async () => {
    expectProblem(await signIn(), 401, 'mfa-required');
    expectProblem(await signIn(wrongCode(secret)), 401, 'mfa-required');
    // The code that confirmed the set-up is spent.
    expectProblem(await signIn(confirmedWith), 401, 'mfa-required');

    // The next time step's code (accepted as one step of clock drift) is one that was not used yet.
    const code = totpCode(secret, Date.now() + 30_000);
    const login = await signIn(code);
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ mfaEnrollmentRequired: false, user: { mfaEnabled: true } });
    expect((await system.request('GET', '/api/v1/users', undefined, bearer(login.body.accessToken))).status).toBe(200);
    // Replayed: refused.
    expectProblem(await signIn(code), 401, 'mfa-required');

    const audit = await securityAudit(system.tenant);
    const reasons = audit.filter((entry) => entry.subject_id === system.admin.email && entry.action !== 'login.succeeded').map((entry) => entry.details?.reason);
    expect(reasons).toEqual(expect.arrayContaining(['second-factor-missing', 'wrong-second-factor']));
    for (const entry of audit) {
      for (const value of [secret, code, confirmedWith, system.admin.password, login.body.accessToken as string]) expect(entry.row).not.toContain(value);
    }
  });

  it('should not force members to set up a second factor', async () => {
    const password = `Ratsarbeit ${randomUUID()}`;
    const email = `mitglied@${system.tenant}.example`;
    const created = await system.request('POST', '/api/v1/users', { email, displayName: 'Mitglied', password, roles: ['member'] });
    expect(created.status).toBe(201);
    const login = await system.request('POST', '/api/v1/auth/login', { email, password }, anonymous);
    expect(login.body.mfaEnrollmentRequired).toBe(false);
    const token = login.body.accessToken as string;
    expect((await system.request('GET', '/api/v1/templates', undefined, bearer(token))).status).toBe(200);

    // Made administrator, the same session must set up a second factor before acting as one.
    expect((await system.request('PATCH', `/api/v1/users/${created.body.id}`, { roles: ['admin'] })).status).toBe(200);
    expectProblem(await system.request('GET', '/api/v1/users', undefined, bearer(token)), 403, 'mfa-enrollment-required');
    expect((await system.request('GET', '/api/v1/me', undefined, bearer(token))).body.roles).toEqual(['admin']);
  });
});
