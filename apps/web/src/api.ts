import type { Locale } from './i18n';

/** An RFC 9457 Problem Details document as the API sends every error. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { field: string; message: string }[];
}

/** A failed API call: the problem the API answered with, or a stand-in when it could not be reached. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
  }

  get status(): number {
    return this.problem.status;
  }

  /** The problem's code, e.g. `mfa-required` for `/problems/mfa-required`. */
  get code(): string {
    return this.problem.type.replace(/^.*\/problems\//, '');
  }
}

let currentLocale: Locale = 'de';

/** The language the API answers in (titles, rules, messages) follows the language chosen in the application. */
export function setApiLocale(locale: Locale): void {
  currentLocale = locale;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Sent as it is (a file) with its own media type, instead of `body` as JSON. */
  file?: Blob;
  /** Sent as `Idempotency-Key` on POST: a retry of the same action with the same key is answered once. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/**
 * One call to the public HTTP API on this origin. The session cookie (`ratsweg_session`) goes
 * along by itself; no token is ever kept in the page.
 */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': currentLocale };
  if (options.file !== undefined) headers['content-type'] = options.file.type || 'application/octet-stream';
  else if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      credentials: 'same-origin',
      ...(options.file !== undefined ? { body: options.file } : options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({ type: '/problems/network', title: 'network', status: 0 });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const body: unknown = text ? safeJson(text) : undefined;
  if (!response.ok) {
    const problem = isProblem(body) ? body : { type: '/problems/unexpected', title: response.statusText || 'error', status: response.status };
    throw new ApiError(problem);
  }
  return body as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && typeof (value as Problem).type === 'string' && typeof (value as Problem).status === 'number';
}

/** A fresh key for one user action (kept while the action is retried). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
