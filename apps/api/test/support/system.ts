import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { NodeProcess } from './node-process.js';
export { eventually } from '../../../../infra/testing/eventually.mjs';

export interface SystemOptions {
  /** Defaults to the database of the test run (set in global set-up). */
  databaseUrl?: string;
  /** A queue of its own keeps this test's workflows away from other test files' workers. */
  taskQueue?: string;
  /** More settings for API and worker. */
  env?: Record<string, string>;
}

export interface StartedWorker {
  process: NodeProcess;
  stop(signal?: NodeJS.Signals): ReturnType<NodeProcess['stop']>;
}

/** API and worker processes against the test run's Temporal and PostgreSQL. */
export class TestSystem {
  readonly taskQueue: string;
  /** A tenant of its own keeps this test's rows apart from other test files' in the shared database. */
  readonly tenant = `test-${randomUUID()}`;
  readonly env: Record<string, string>;
  api?: NodeProcess;
  apiUrl = '';
  /** The first administrator, created by the API from RATSWEG_ADMIN_EMAIL/PASSWORD. */
  readonly admin = { email: `admin@${this.tenant}.example`, password: `Prüfkennwort ${randomUUID()}` };
  /** The administrator's bearer token; `request()` sends it unless told otherwise. */
  adminToken = '';
  /** How the audit trail names the administrator: `user:<id>`. */
  adminActor = '';
  worker?: NodeProcess;

  constructor(options: SystemOptions = {}) {
    this.taskQueue = options.taskQueue ?? `test-${randomUUID()}`;
    this.env = {
      DATABASE_URL: options.databaseUrl ?? required('DATABASE_URL'),
      TEMPORAL_ADDRESS: required('TEMPORAL_ADDRESS'),
      TEMPORAL_NAMESPACE: required('TEMPORAL_NAMESPACE'),
      TEMPORAL_TASK_QUEUE: this.taskQueue,
      WORKFLOW_BUNDLE_PATH: required('WORKFLOW_BUNDLE_PATH'),
      DATABASE_POOL_SIZE: '5',
      WORKER_HTTP_PORT: '0',
      RATSWEG_TENANT: this.tenant,
      RATSWEG_ADMIN_EMAIL: this.admin.email,
      RATSWEG_ADMIN_PASSWORD: this.admin.password,
      RATSWEG_REQUIRE_MFA: 'false',
      RATE_LIMIT_LOGIN_PER_MINUTE: '10000',
      ...options.env,
    };
  }

  async start(): Promise<this> {
    await Promise.all([this.startApi(), this.startWorker()]);
    return this;
  }

  async startApi(): Promise<void> {
    // A port of the test's choosing (env PORT) when its URL must be known before the start, e.g. as an OpenID Connect redirect URI.
    this.api = NodeProcess.start('api', 'apps/api/dist/main.js', { PORT: '0', ...this.env });
    const [, url] = await this.api.waitForOutput(/Ratsweg API listening on (http:\/\/\S+?) /);
    this.apiUrl = (url as string).replace('[::1]', '127.0.0.1');
    if (!this.adminToken) {
      this.adminToken = await this.login(this.admin.email, this.admin.password);
      this.adminActor = `user:${(await this.request('GET', '/api/v1/me')).body.id as string}`;
    }
  }

  /** Signs in and returns the bearer token; fails the test when sign-in does. */
  async login(email: string, password: string, otp?: string): Promise<string> {
    const response = await this.request('POST', '/api/v1/auth/login', { email, password, ...(otp ? { otp } : {}) }, { authorization: '' });
    if (response.status !== 200) throw new Error(`login of ${email} failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.accessToken as string;
  }

  /** Headers of an administrator's request: the bearer token. */
  authHeaders(token = this.adminToken): Record<string, string> {
    return token ? { authorization: `Bearer ${token}` } : {};
  }

  async startWorker(): Promise<NodeProcess> {
    this.worker = NodeProcess.start('worker', 'apps/worker/dist/main.js', this.env);
    await this.worker.waitForOutput(/Ratsweg worker polling task queue/);
    return this.worker;
  }

  private temporal?: Promise<Client>;

  /** A Temporal client for the test run's server and namespace, closed by `stop()`. */
  temporalClient(): Promise<Client> {
    this.temporal ??= Connection.connect({ address: this.env.TEMPORAL_ADDRESS as string }).then(
      (connection) => new Client({ connection, namespace: this.env.TEMPORAL_NAMESPACE as string }),
    );
    return this.temporal;
  }

  async stop(): Promise<void> {
    await Promise.all([this.api?.stop(), this.worker?.stop()]);
    await (await this.temporal)?.connection.close();
  }

  /**
   * A request as the administrator; pass `authorization` in `headers` to act as someone else,
   * or as `''` to send none (anonymous).
   */
  async request(method: string, path: string, body?: unknown, givenHeaders: Record<string, string> = {}): Promise<HttpResult> {
    const headers = withAuthorization(givenHeaders, this.adminToken);
    if (typeof body === 'string' && body.length > 512 * 1024) return this.largeRequest(method, path, body, headers);
    const response = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    // A live-update stream (server-sent events) does not end by itself: its status and headers are the answer.
    if (/^text\/event-stream/.test(response.headers.get('content-type') ?? '')) {
      await response.body?.cancel();
      return { status: response.status, headers: response.headers, body: '' };
    }
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text,
    };
  }

  /**
   * For bodies over the server's limit. The server refuses by the declared Content-Length before
   * reading any of the body and then closes the connection; body bytes sent after that close are
   * answered with a reset, which can discard the answer before it is read (EPIPE, seen in CI). So
   * the body is declared, not sent: the answer must come from the length alone.
   */
  private largeRequest(method: string, path: string, body: string, headers: Record<string, string>): Promise<HttpResult> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        `${this.apiUrl}${path}`,
        { method, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers } },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => {
            request.destroy();
            resolve({
              status: response.statusCode ?? 0,
              headers: new Headers(Object.entries(response.headers).map(([name, value]) => [name, String(value)])),
              body: text ? JSON.parse(text) : text,
            });
          });
        },
      );
      request.on('error', reject);
      request.flushHeaders();
    });
  }
}

export interface HttpResult {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
  body: any;
}

function withAuthorization(headers: Record<string, string>, adminToken: string): Record<string, string> {
  const { authorization, ...rest } = headers;
  const value = authorization ?? (adminToken ? `Bearer ${adminToken}` : '');
  return value ? { ...rest, authorization: value } : rest;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through jest's global set-up (npm test)`);
  return value;
}

