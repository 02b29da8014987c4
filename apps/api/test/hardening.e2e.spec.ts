import { randomUUID } from 'node:crypto';
import { TestSystem, type HttpResult } from './support/system.js';

const ALLOWED_ORIGIN = 'https://ratsinfo.musterhausen.example';
const FOREIGN_ORIGIN = 'https://evil.example';

/** What must never reach a client: stack frames, SQL, driver and framework internals. */
const LEAKS = [/\bat \S+ \(/, /\.(js|ts):\d+/, /node_modules/, /\bSELECT\b|\bINSERT\b|\bUPDATE\b.*\bSET\b|\bFROM "/i, /QueryFailedError|invalid input syntax|PostgreSQL|typeorm/i, /stack/i];

describe('hardening of the HTTP interface', () => {
  const system = new TestSystem();

  beforeAll(async () => {
    // Only the API: nothing here needs a workflow.
    await system.startApi();
    expect((await system.request('PUT', '/api/v1/tenant', { name: 'Stadt Sicherhausen', shortName: 'Sicherhausen', ags: '05999004' })).status).toBe(201);
  });

  afterAll(async () => {
    await system.stop();
  });

  const expectSecurityHeaders = (response: HttpResult): void => {
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-powered-by')).toBeNull();
    // Another site can neither embed the API's answers nor keep a handle on its window.
    expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  };

  const expectNoLeak = (response: HttpResult): void => {
    const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    for (const pattern of LEAKS) expect(text).not.toMatch(pattern);
  };

  const expectProblem = (response: HttpResult, status: number): void => {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status, type: expect.stringMatching(/^\/problems\//), title: expect.any(String) });
    expectNoLeak(response);
  };

  describe('security headers', () => {
    it('should be on a JSON answer, which no cache may keep', async () => {
      const response = await system.request('GET', '/api/v1/me');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expectSecurityHeaders(response);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('vary')).toMatch(/Authorization/);
    });

    it('should be on a Problem Details answer, and on a refusal before any route runs', async () => {
      const unknown = await system.request('GET', `/api/v1/rounds/${randomUUID()}`);
      expectProblem(unknown, 404);
      expectSecurityHeaders(unknown);
      expect(unknown.headers.get('cache-control')).toBe('no-store');

      const anonymous = await system.request('GET', '/api/v1/rounds', undefined, { authorization: '' });
      expectProblem(anonymous, 401);
      expectSecurityHeaders(anonymous);
      expect(anonymous.headers.get('cache-control')).toBe('no-store');
    });
  });

  describe('CORS', () => {
    const preflight = (origin: string, url = system.apiUrl) =>
      fetch(`${url}/api/v1/rounds`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });

    it('should allow no other origin when CORS_ORIGINS is not set', async () => {
      const answer = await preflight(ALLOWED_ORIGIN);
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
      expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
      const read = await system.request('GET', '/api/v1/me', undefined, { origin: ALLOWED_ORIGIN });
      expect(read.status).toBe(200);
      expect(read.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('should allow exactly the configured origins when CORS_ORIGINS is set', async () => {
      const configured = new TestSystem({ env: { CORS_ORIGINS: `${ALLOWED_ORIGIN}, https://andere.example` } });
      try {
        await configured.startApi();
        const allowed = await preflight(ALLOWED_ORIGIN, configured.apiUrl);
        expect(allowed.status).toBeLessThan(300);
        expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
        expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
        expect(allowed.headers.get('access-control-allow-methods')).toMatch(/POST/);

        const read = await configured.request('GET', '/api/v1/me', undefined, { origin: ALLOWED_ORIGIN });
        expect(read.status).toBe(200);
        expect(read.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
        // Answers differ by origin and by caller: both must stay in Vary.
        expect(read.headers.get('vary')).toMatch(/Origin/);
        expect(read.headers.get('vary')).toMatch(/Authorization/);

        expect((await preflight(FOREIGN_ORIGIN, configured.apiUrl)).headers.get('access-control-allow-origin')).toBeNull();
        const foreign = await configured.request('GET', '/api/v1/me', undefined, { origin: FOREIGN_ORIGIN });
        expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
      } finally {
        await configured.stop();
      }
    });
  });

  describe('refused input', () => {
    it('should refuse a body over the size limit with 413 Problem Details and store nothing', async () => {
      const familyName = `Übergroß ${randomUUID()}`;
      const huge = JSON.stringify({ givenName: 'x'.repeat(1_100_000), familyName });
      const response = await system.request('POST', '/api/v1/persons', huge);
      expectProblem(response, 413);
      expect(response.body.type).toBe('/problems/payload-too-large');
      const persons = await system.request('GET', '/api/v1/persons?limit=200');
      expect(persons.body.data.some((person: { familyName: string }) => person.familyName === familyName)).toBe(false);
    });

    it('should refuse unknown fields with 400 naming each of them', async () => {
      const response = await system.request('POST', '/api/v1/persons', { givenName: 'Erika', familyName: 'Muster', isAdmin: true, roles: ['admin'] }, { 'accept-language': 'en' });
      expectProblem(response, 400);
      const fields = (response.body.errors as { field: string }[]).map((error) => error.field);
      expect(fields).toEqual(expect.arrayContaining(['isAdmin', 'roles']));
    });

    it('should answer malformed and unknown ids, malformed JSON and unknown routes without internals', async () => {
      for (const path of ['/api/v1/rounds/keine-uuid', "/api/v1/rounds/1'%20OR%20'1'='1", `/api/v1/rounds/${randomUUID()}`, '/api/v1/persons/keine-uuid', `/api/v1/persons/${randomUUID()}`, '/api/v1/files/%00/content']) {
        const response = await system.request('GET', path);
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expectProblem(response, response.status);
      }
      expectProblem(await system.request('POST', '/api/v1/persons', '{"givenName": "Erika", '), 400);
      expectProblem(await system.request('GET', '/api/v1/gibt-es-nicht'), 404);
      expectProblem(await system.request('POST', '/api/v1/persons', '<person/>', { 'content-type': 'application/xml' }), 415);
    });
  });

  describe('browser sessions', () => {
    it('should set the session cookie HttpOnly and SameSite=Strict, and refuse a cookie-authenticated change from a foreign origin', async () => {
      const login = await system.request('POST', '/api/v1/auth/login', system.admin, { authorization: '' });
      expect(login.status).toBe(200);
      const setCookie = login.headers.getSetCookie().find((cookie) => cookie.startsWith('ratsweg_session='));
      expect(setCookie).toBeDefined();
      expect(setCookie).toMatch(/HttpOnly/i);
      expect(setCookie).toMatch(/SameSite=Strict/i);
      expect(setCookie).toMatch(/Secure/i);
      const cookie = (setCookie as string).split(';')[0] as string;
      const withCookie = (headers: Record<string, string> = {}) => ({ authorization: '', cookie, ...headers });

      expect((await system.request('GET', '/api/v1/me', undefined, withCookie({ origin: FOREIGN_ORIGIN }))).status).toBe(200);
      const familyName = `Fremd ${randomUUID()}`;
      const forged = await system.request('POST', '/api/v1/persons', { givenName: 'Mallory', familyName }, withCookie({ origin: FOREIGN_ORIGIN }));
      expectProblem(forged, 403);
      const logoutForged = await system.request('POST', '/api/v1/auth/logout', undefined, withCookie({ origin: FOREIGN_ORIGIN }));
      expectProblem(logoutForged, 403);
      const persons = await system.request('GET', '/api/v1/persons?limit=200');
      expect(persons.body.data.some((person: { familyName: string }) => person.familyName === familyName)).toBe(false);
      // The session survived the forged logout, and works from its own origin.
      expect((await system.request('GET', '/api/v1/me', undefined, withCookie())).status).toBe(200);
      const own = await system.request('POST', '/api/v1/persons', { givenName: 'Erika', familyName }, withCookie({ origin: system.apiUrl }));
      expect(own.status).toBe(201);
      // A bearer token is no ambient credential: no origin check.
      expect((await system.request('POST', '/api/v1/persons', { givenName: 'Eva', familyName }, { origin: FOREIGN_ORIGIN })).status).toBe(201);
    });
  });

  describe('OpenAPI documentation', () => {
    it('should serve Swagger UI under the content security policy, with its scripts and styles', async () => {
      const page = await fetch(`${system.apiUrl}/api/docs`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      const html = await page.text();
      // Script sources only: the policy allows no inline script.
      const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attributes, inline] of scripts) {
        expect(attributes).toMatch(/src=/);
        expect((inline ?? '').trim()).toBe('');
      }
      const sources = scripts.map(([, attributes]) => /src="([^"]+)"/.exec(attributes ?? '')?.[1] as string);
      const styles = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((match) => match[1] as string);
      expect(styles.length).toBeGreaterThan(0);
      for (const asset of [...sources, ...styles]) {
        const url = new URL(asset, `${system.apiUrl}/api/docs`);
        expect(url.origin).toBe(new URL(system.apiUrl).origin);
        const answer = await fetch(url);
        expect([asset, answer.status]).toEqual([asset, 200]);
        expect(answer.headers.get('content-type')).toMatch(/javascript|css/);
        expect((await answer.text()).length).toBeGreaterThan(0);
      }
      const document = await fetch(`${system.apiUrl}/api/docs-json`);
      expect(document.status).toBe(200);
      expect(((await document.json()) as { openapi: string }).openapi).toMatch(/^3\./);
    });
  });
});
