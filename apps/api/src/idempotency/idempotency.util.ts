import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { ProblemException, text } from '../problem-details/problem.exception.js';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IDEMPOTENCY_REPLAYED_HEADER = 'idempotency-replayed';

/** 1 to 255 printable ASCII characters (a UUID is a good key). */
const KEY = /^[\x20-\x7e]{1,255}$/;

/** The Idempotency-Key of a request; undefined without one; 400 for a malformed one. */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header === 'string' && KEY.test(header)) return header;
  const message = text(
    'Der Idempotency-Key muss aus 1 bis 255 druckbaren ASCII-Zeichen bestehen und darf nur einmal angegeben werden.',
    'The Idempotency-Key must be 1 to 255 printable ASCII characters, given once.',
  );
  throw new ProblemException('idempotency-key-invalid', message, (locale) => [{ field: 'Idempotency-Key', message: message(locale) }]);
}

export function sha256(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}

/** JSON with the keys of every object sorted, so that equal bodies give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'undefined';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const plain = typeof (value as { toJSON?: unknown }).toJSON === 'function' ? (value as { toJSON: () => unknown }).toJSON() : value;
    if (plain !== value) return sortKeys(plain);
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/**
 * What makes two requests "the same": method, path with query, and the body — JSON in canonical
 * form, a raw body (a stage file) by its bytes and media type.
 */
export function requestFingerprint(method: string, url: string, body: unknown, contentType: string | undefined): string {
  const hash = createHash('sha256').update(`${method}\n${url}\n`);
  if (Buffer.isBuffer(body)) hash.update(`bytes ${(contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''}\n`).update(body);
  else if (body === undefined || body === null) hash.update('none');
  else hash.update(`json\n${canonicalJson(body)}`);
  return hash.digest('hex');
}

/** A stored answer body: JSON, text, raw bytes, or nothing. */
export type StoredBody = { kind: 'json'; value: unknown } | { kind: 'text'; value: string } | { kind: 'bytes'; base64: string } | { kind: 'empty' };

/** What is sealed: the answer's body, which may carry a credential shown once (a session token, a new API key). */
export interface SealedAnswer {
  body: StoredBody;
}

const SEAL_VERSION = 1;

/**
 * Encrypts the answer (AES-256-GCM) with a key derived (HKDF-SHA-256) from the Idempotency-Key,
 * which the database keeps only as a hash: whoever holds the key can replay, a copy of the
 * database alone does not show session tokens or API keys an answer carried.
 */
export function sealAnswer(answer: SealedAnswer, idempotencyKey: string, context: string): Buffer {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derive(idempotencyKey, salt, context), iv);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(answer), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([SEAL_VERSION]), salt, iv, cipher.getAuthTag(), sealed]);
}

export function openAnswer(sealed: Buffer, idempotencyKey: string, context: string): SealedAnswer {
  if (sealed[0] !== SEAL_VERSION) throw new Error(`unknown idempotency seal version ${sealed[0]}`);
  const salt = sealed.subarray(1, 17);
  const iv = sealed.subarray(17, 29);
  const tag = sealed.subarray(29, 45);
  const decipher = createDecipheriv('aes-256-gcm', derive(idempotencyKey, salt, context), iv);
  decipher.setAuthTag(tag);
  return JSON.parse(Buffer.concat([decipher.update(sealed.subarray(45)), decipher.final()]).toString('utf8')) as SealedAnswer;
}

function derive(idempotencyKey: string, salt: Buffer, context: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(idempotencyKey, 'utf8'), salt, `ratsweg idempotency ${context}`, 32));
}
