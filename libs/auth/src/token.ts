import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefixes tell a leaked credential's kind at a glance (and let secret scanners find them). */
export const SESSION_TOKEN_PREFIX = 'rws_';
export const API_KEY_PREFIX = 'rwk_';

/** A new secret token: the prefix and 32 random bytes, base64url. */
export function newToken(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** What the database keeps of a token: its SHA-256 (tokens are random, so no salt or slow hash is needed). */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
