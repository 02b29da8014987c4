import { createHash } from 'node:crypto';

/** The fields an entry's hash covers: everything that states what happened, and the previous hash. */
export interface HashedAuditFields {
  tenant: string;
  chain: string;
  chainPosition: number;
  subjectType: string;
  subjectId: string;
  action: string;
  actor: string;
  stageKey: string | null;
  details: unknown;
  before: unknown;
  after: unknown;
  occurredAt: string;
  prevHash: string | null;
}

/** JSON with object keys sorted at every level, so that equal content always serializes alike. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 (hex) of the canonical JSON of the entry's fields. */
export function auditHash(fields: HashedAuditFields): string {
  return createHash('sha256').update(canonicalJson(fields)).digest('hex');
}
