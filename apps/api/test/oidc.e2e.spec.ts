import { randomUUID } from 'node:crypto';
import { totpCode } from '@ratsweg/auth';
import { freePort } from '../../../infra/testing/free-port.mjs';
import { authorizeAtProvider, localCertificate, TestBrowser, TestIdentityProvider, type BrowserResponse } from './support/oidc.js';
import { securityAudit } from './support/security-audit.js';
import { TestSystem } from './support/system.js';

const CLIENT_ID = 'ratsweg-musterhausen';
const CLIENT_SECRET = `client-secret-${randomUUID()}`;

describe('sign-in through the municipality’s OpenID Connect provider', () => {
  const tls = localCertificate();
  let system: TestSystem;
  let idp: TestIdentityProvider;
  let apiOrigin = '';
  let callbackUri = '';

  beforeAll(async () => {
    const idpPort = await freePort();
    const apiPort = await freePort();
    apiOrigin = `http://127.0.0.1:${apiPort}`;
    callbackUri = `${apiOrigin}/api/v1/auth/oidc/callback`;
    const issuer = `https://127.0.0.1:${idpPort}`;
    idp = new TestIdentityProvider(issuer, tls, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: callbackUri });
    system = new TestSystem({
      env: {
        PORT: String(apiPort),
        OIDC_ISSUER: issuer,
        OIDC_CLIENT_ID: CLIENT_ID,
        OIDC_CLIENT_SECRET: CLIENT_SECRET,
        OIDC_REDIRECT_URI: callbackUri,
        OIDC_POST_LOGIN_REDIRECT: '/app/',
        // The provider's certificate is trusted like a municipality's own certificate authority.
        NODE_EXTRA_CA_CERTS: tls.certPath,
        // Administrators need a second factor — except when the identity provider signed them in.
        RATSWEG_REQUIRE_MFA: 'true',
      },
    });
    // The provider is not running yet: the API must start anyway.
    await system.startApi();
    // The first administrator (password sign-in) sets up TOTP to be allowed to manage accounts.
    const { body } = await system.request('POST', '/api/v1/me/mfa/totp');
    expect((await system.request('POST', '/api/v1/me/mfa/totp/confirm', { otp: totpCode(body.secret) })).status).toBe(204);
  });

  afterAll(async () => {
    await system?.stop();
    await idp?.stop();
  });

  const createUser = async (email: string, roles: string[] = ['member']): Promise<string> => {
    const response = await system.request('POST', '/api/v1/users', { email, displayName: email.split('@')[0], roles });
    if (response.status !== 201) throw new Error(`user not created: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.id as string;
  };

  const browser = (): TestBrowser => new TestBrowser(tls.cert);

  /** Our login route, the provider's pages as `login`, and the callback URL the provider sends the browser to (not yet opened). */
  const throughProvider = async (visitor: TestBrowser, login: string): Promise<{ start: BrowserResponse; callbackUrl: string }> => {
    const start = await visitor.get(`${apiOrigin}/api/v1/auth/oidc/login`);
    expect(start.status).toBe(302);
    const callbackUrl = await authorizeAtProvider(visitor, start.location as string, login, callbackUri);
    return { start, callbackUrl };
  };

  const sessionCookieOf = (response: BrowserResponse): string | undefined =>
    response.setCookies.find((line) => line.startsWith('ratsweg_session='))?.split(';')[0]?.slice('ratsweg_session='.length);

  const expectProblem = (response: BrowserResponse, status: number, type: string): void => {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(JSON.parse(response.body)).toMatchObject({ status, type: `/problems/${type}` });
  };

  it('should start while the provider is down, answer 502 then, and find the provider once it is up', async () => {
    const down = await browser().get(`${apiOrigin}/api/v1/auth/oidc/login`);
    expectProblem(down, 502, 'identity-provider-unavailable');
    // The sign-in page offers the provider because it is configured (even while it is down).
    expect((await system.request('GET', '/api/v1/auth/options', undefined, { authorization: '' })).body).toEqual({ password: true, oidc: true });

    await idp.start();
    const up = await browser().get(`${apiOrigin}/api/v1/auth/oidc/login`);
    expect(up.status).toBe(302);
    const authorization = new URL(up.location as string);
    expect(`${authorization.origin}${authorization.pathname}`).toBe(`${idp.issuer}/auth`);
    expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
      client_id: CLIENT_ID,
      redirect_uri: callbackUri,
      response_type: 'code',
      scope: 'openid email profile',
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      state: expect.stringMatching(/^[\w-]{20,}$/),
      nonce: expect.stringMatching(/^[\w-]{20,}$/),
    });
    const stateCookie = up.setCookies.find((line) => line.startsWith('ratsweg_oidc_state='));
    expect(stateCookie).toContain(`ratsweg_oidc_state=${authorization.searchParams.get('state')}`);
    expect(stateCookie).toMatch(/; HttpOnly/i);
    expect(stateCookie).toMatch(/; SameSite=Lax/i);
    expect(stateCookie).toMatch(/; Secure/i);
    expect(stateCookie).toMatch(/; Path=\/api\/v1\/auth\/oidc/i);
  });

  it('should sign in an existing account found by its verified e-mail address, link it, and let its session cookie work', async () => {
    const userId = await createUser('clara.chefin@musterhausen.example', ['admin']);
    idp.accounts.set('clara', { email: 'Clara.Chefin@musterhausen.example', email_verified: true, name: 'Clara Chefin' });
    const visitor = browser();

    const { callbackUrl } = await throughProvider(visitor, 'clara');
    expect(new URL(callbackUrl).searchParams.get('code')).toBeTruthy();
    const callback = await visitor.get(callbackUrl);
    expect(callback.status).toBe(302);
    expect(callback.location).toBe(`${apiOrigin}/app/`);
    const sessionCookie = callback.setCookies.find((line) => line.startsWith('ratsweg_session='));
    expect(sessionCookie).toMatch(/; HttpOnly/i);
    expect(sessionCookie).toMatch(/; SameSite=Strict/i);
    expect(sessionCookie).toMatch(/; Secure/i);
    // The state cookie is spent.
    expect(visitor.cookie(apiOrigin, 'ratsweg_oidc_state')).toBeUndefined();

    const cookie = `ratsweg_session=${sessionCookieOf(callback)}`;
    const me = await system.request('GET', '/api/v1/me', undefined, { authorization: '', cookie });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: userId, email: 'clara.chefin@musterhausen.example', roles: ['admin'], mfaEnabled: false });
    // The provider answers for strong authentication: an administrator it signed in is not asked to set up TOTP.
    const users = await system.request('GET', '/api/v1/users', undefined, { authorization: '', cookie });
    expect(users.status).toBe(200);
    expect((await system.request('GET', `/api/v1/users/${userId}`)).body).toMatchObject({ oidcLinked: true, passwordSet: false });

    const audit = await securityAudit(system.tenant);
    expect(audit).toContainEqual(expect.objectContaining({ action: 'user.oidc-linked', subject_id: userId, details: expect.objectContaining({ oidcSubject: 'clara' }) }));
    expect(audit).toContainEqual(
      expect.objectContaining({
        action: 'login.succeeded',
        actor: `user:${userId}`,
        subject_id: 'clara.chefin@musterhausen.example',
        details: expect.objectContaining({ method: 'oidc', mfaPending: false, linkedByEmail: true }),
      }),
    );
    const secrets = [new URL(callbackUrl).searchParams.get('code') as string, sessionCookieOf(callback) as string, CLIENT_SECRET];
    for (const entry of audit) for (const secret of secrets) expect(entry.row).not.toContain(secret);
  });

  it('should find the account by its subject later although the address at the provider changed, and answer with JSON when asked', async () => {
    idp.accounts.set('clara', { email: 'c.chefin@landkreis.example', email_verified: true });
    const visitor = browser();
    const { callbackUrl } = await throughProvider(visitor, 'clara');
    const callback = await visitor.get(callbackUrl, { accept: 'application/json' });
    expect(callback.status).toBe(200);
    const login = JSON.parse(callback.body);
    expect(login).toMatchObject({ tokenType: 'Bearer', mfaEnrollmentRequired: false, user: { email: 'clara.chefin@musterhausen.example', roles: ['admin'] } });
    expect(sessionCookieOf(callback)).toBe(login.accessToken);
    const me = await system.request('GET', '/api/v1/me', undefined, { authorization: `Bearer ${login.accessToken}` });
    expect(me.body.email).toBe('clara.chefin@musterhausen.example');
  });

  it('should refuse people without an account, and unverified addresses, without creating or linking accounts', async () => {
    idp.accounts.set('fremd', { email: 'fremd@anderswo.example', email_verified: true });
    const stranger = browser();
    const refused = await stranger.get((await throughProvider(stranger, 'fremd')).callbackUrl);
    expectProblem(refused, 403, 'oidc-account-unknown');
    expect(sessionCookieOf(refused)).toBeUndefined();

    const doraId = await createUser('dora@musterhausen.example');
    idp.accounts.set('dora', { email: 'dora@musterhausen.example', email_verified: false });
    const dora = browser();
    expectProblem(await dora.get((await throughProvider(dora, 'dora')).callbackUrl), 403, 'oidc-account-unknown');
    expect((await system.request('GET', `/api/v1/users/${doraId}`)).body.oidcLinked).toBe(false);

    const users = (await system.request('GET', '/api/v1/users')).body.data as { email: string }[];
    expect(users.map((user) => user.email)).not.toContain('fremd@anderswo.example');
    const audit = await securityAudit(system.tenant);
    expect(audit).toContainEqual(
      expect.objectContaining({ action: 'login.failed', actor: 'anonymous', subject_id: 'fremd@anderswo.example', details: expect.objectContaining({ method: 'oidc', reason: 'unknown-account' }) }),
    );
    expect(audit).toContainEqual(
      expect.objectContaining({ action: 'login.failed', subject_id: 'oidc:dora', details: expect.objectContaining({ reason: 'unknown-subject-without-verified-email' }) }),
    );
  });

  it('should refuse a tampered state, a callback without the state cookie, and a callback used twice', async () => {
    idp.accounts.set('erik', { email: 'erik@musterhausen.example', email_verified: true });
    await createUser('erik@musterhausen.example');

    const tampering = browser();
    const tampered = new URL((await throughProvider(tampering, 'erik')).callbackUrl);
    tampered.searchParams.set('state', `${tampered.searchParams.get('state')}x`);
    const refusedTampered = await tampering.get(tampered.href);
    expectProblem(refusedTampered, 400, 'oidc-login-failed');
    expect(sessionCookieOf(refusedTampered)).toBeUndefined();

    // A callback link planted in someone else's browser (login CSRF): that browser never started this sign-in.
    const planted = (await throughProvider(browser(), 'erik')).callbackUrl;
    const victim = browser();
    expectProblem(await victim.get(planted), 400, 'oidc-login-failed');

    const genuine = browser();
    const { start, callbackUrl } = await throughProvider(genuine, 'erik');
    const state = start.setCookies.find((line) => line.startsWith('ratsweg_oidc_state='))?.split(';')[0]?.split('=')[1] as string;
    expect((await genuine.get(callbackUrl)).status).toBe(302);
    // Replayed with the state cookie put back: the state was good once.
    genuine.setCookie(apiOrigin, 'ratsweg_oidc_state', state);
    const replayed = await genuine.get(callbackUrl);
    expectProblem(replayed, 400, 'oidc-login-failed');
    expect(sessionCookieOf(replayed)).toBeUndefined();

    const reasons = (await securityAudit(system.tenant)).filter((entry) => entry.action === 'login.failed').map((entry) => entry.details?.reason);
    expect(reasons).toEqual(expect.arrayContaining(['state-mismatch', 'state-unknown-or-expired']));
  });

  it('should refuse a disabled account', async () => {
    const id = await createUser('frieda@musterhausen.example');
    idp.accounts.set('frieda', { email: 'frieda@musterhausen.example', email_verified: true });
    const first = browser();
    expect((await first.get((await throughProvider(first, 'frieda')).callbackUrl)).status).toBe(302);
    expect((await system.request('PATCH', `/api/v1/users/${id}`, { disabled: true })).status).toBe(200);
    const again = browser();
    expectProblem(await again.get((await throughProvider(again, 'frieda')).callbackUrl), 403, 'oidc-account-unknown');
  });
});
