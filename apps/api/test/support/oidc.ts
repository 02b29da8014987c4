import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Provider, { type AccountClaims } from 'oidc-provider';

/**
 * A certificate for 127.0.0.1 made for this test run. openid-client talks to identity providers
 * over HTTPS only (as it should); the API trusts this certificate through NODE_EXTRA_CA_CERTS,
 * the same way an installation trusts a municipality's internal certificate authority.
 */
export function localCertificate(): { certPath: string; cert: string; key: string } {
  const dir = mkdtempSync(join(process.env.RATSWEG_TEST_SCRATCH ?? tmpdir(), 'oidc-tls-'));
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      { stdio: 'pipe' },
    );
  } catch (error) {
    throw new Error(`the OpenID Connect tests need the openssl command to make a test certificate: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { certPath, cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
}

export interface IdentityProviderAccount {
  email: string;
  email_verified: boolean;
  name?: string;
}

/** A real OpenID provider (oidc-provider) on HTTPS, with its development login and consent pages. */
export class TestIdentityProvider {
  /** The provider's accounts by login name; change them between sign-ins as needed. */
  readonly accounts = new Map<string, IdentityProviderAccount>();
  private server?: Server;

  constructor(
    readonly issuer: string,
    private readonly tls: { cert: string; key: string },
    private readonly client: { clientId: string; clientSecret: string; redirectUri: string },
  ) {}

  async start(): Promise<void> {
    const provider = new Provider(this.issuer, {
      clients: [
        {
          client_id: this.client.clientId,
          client_secret: this.client.clientSecret,
          redirect_uris: [this.client.redirectUri],
          response_types: ['code'],
          grant_types: ['authorization_code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      findAccount: (_context: unknown, id: string) => {
        const account = this.accounts.get(id);
        if (!account) return undefined;
        return { accountId: id, claims: (): AccountClaims => ({ sub: id, ...account }) };
      },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      cookies: { keys: ['test-only-cookie-signing-key-of-the-identity-provider'] },
      features: { devInteractions: { enabled: true } },
    });
    const url = new URL(this.issuer);
    this.server = createHttpsServer({ cert: this.tls.cert, key: this.tls.key }, provider.callback());
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(Number(url.port), url.hostname, () => resolve());
    });
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export interface BrowserResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The Set-Cookie header lines of this response. */
  setCookies: string[];
  location?: string;
}

/**
 * A browser as far as a sign-in needs one: keeps cookies (per host, by name), follows nothing by
 * itself, trusts the test certificate. Every step is taken explicitly by the test.
 */
export class TestBrowser {
  private readonly jars = new Map<string, Map<string, string>>();

  constructor(private readonly ca: string) {}

  cookie(origin: string, name: string): string | undefined {
    return this.jars.get(new URL(origin).host)?.get(name);
  }

  setCookie(origin: string, name: string, value: string): void {
    this.jar(new URL(origin).host).set(name, value);
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<BrowserResponse> {
    return this.send('GET', url, undefined, headers);
  }

  async send(method: string, url: string, body?: string, headers: Record<string, string> = {}): Promise<BrowserResponse> {
    const target = new URL(url);
    const jar = this.jar(target.host);
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const allHeaders: Record<string, string> = { ...(cookie ? { cookie } : {}), ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers };
    const response = await new Promise<BrowserResponse>((resolve, reject) => {
      const options = { method, headers: allHeaders, ...(target.protocol === 'https:' ? { ca: this.ca } : {}) };
      const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, options, (incoming) => {
        let text = '';
        incoming.setEncoding('utf8');
        incoming.on('data', (chunk: string) => (text += chunk));
        incoming.on('end', () => {
          const location = incoming.headers.location;
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: text,
            setCookies: incoming.headers['set-cookie'] ?? [],
            ...(location ? { location: new URL(location, target).href } : {}),
          });
        });
      });
      request.on('error', reject);
      request.end(body);
    });
    for (const line of response.setCookies) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator);
      const value = pair.slice(separator + 1);
      const expired = attributes.some((attribute) => /^expires=/i.test(attribute) && Date.parse(attribute.slice(8)) <= Date.now()) || attributes.some((a) => /^max-age=0$/i.test(a));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }

  private jar(host: string): Map<string, string> {
    let jar = this.jars.get(host);
    if (!jar) this.jars.set(host, (jar = new Map()));
    return jar;
  }
}

/**
 * Goes through the provider's pages from `authorizationUrl` as a person would: signs in as
 * `login` on the development login form, confirms the consent page, and stops at the redirect
 * back to `callbackPrefix` (returned, not followed).
 */
export async function authorizeAtProvider(browser: TestBrowser, authorizationUrl: string, login: string, callbackPrefix: string): Promise<string> {
  let url = authorizationUrl;
  const pages: string[] = [];
  for (let step = 0; step < 20; step++) {
    if (url.startsWith(callbackPrefix)) return url;
    const response = await browser.get(url);
    pages.push(`${response.status} ${url}`);
    if (response.location) {
      url = response.location;
      continue;
    }
    const form = /<form[^>]*action="([^"]+)"[^>]*method="post"[\s\S]*?name="prompt" value="(\w+)"/i.exec(response.body);
    if (response.status !== 200 || !form) throw new Error(`unexpected page at the identity provider: ${pages.join(' → ')}\n${response.body.slice(0, 500)}`);
    const action = new URL(form[1]?.replace(/&amp;/g, '&') ?? '', url).href;
    const prompt = form[2] ?? '';
    const fields = new URLSearchParams({ prompt, ...(prompt === 'login' ? { login, password: 'irrelevant-for-dev-interactions' } : {}) });
    const submitted = await browser.send('POST', action, fields.toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    if (!submitted.location) throw new Error(`the ${prompt} form was not accepted: ${submitted.status} ${submitted.body.slice(0, 500)}`);
    url = submitted.location;
  }
  throw new Error(`no redirect back to ${callbackPrefix}: ${pages.join(' → ')}`);
}
