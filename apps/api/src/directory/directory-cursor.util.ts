import { ProblemException, text } from '../problem-details/problem.exception.js';

/** The cursor of a list page: the sort key of the page's last row, opaque to clients (base64url JSON). */
export function encodeCursor(sortKey: readonly string[]): string {
  return Buffer.from(JSON.stringify(sortKey)).toString('base64url');
}

/** The sort key a cursor carries; a 400 naming `cursor` when it is not one. */
export function decodeCursor(cursor: string): string[] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(decoded) || decoded.length === 0 || !decoded.every((value) => typeof value === 'string')) throw invalidCursor();
  return decoded as string[];
}

export function invalidCursor(): ProblemException {
  const message = text('Ungültiger Cursor: Er gehört nicht zu dieser Liste.', 'Invalid cursor: it does not belong to this list.');
  return new ProblemException('validation-failed', message, (locale) => [{ field: 'cursor', message: message(locale) }]);
}

/** What one position of a keyset cursor holds. */
export type CursorPart = 'timestamp' | 'uuid' | 'key' | 'integer' | 'bigint';

/** A PostgreSQL timestamptz as text (`2026-11-25 10:00:00.123456+00`) or ISO 8601. */
const TIMESTAMP_PARTS = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(?:Z|[+-](\d{2})(?::?(\d{2}))?)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEY = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Whether a text is an instant PostgreSQL reads: a real calendar day and time of day (no 31 February, no hour 25). */
export function isTimestampText(value: string): boolean {
  const match = TIMESTAMP_PARTS.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = [1, 2, 3, 4, 5, 6, 8, 9].map((index) => Number(match[index] ?? 0)) as number[];
  const date = new Date(Date.UTC(year as number, (month as number) - 1, day as number));
  return (
    (year as number) >= 1 &&
    date.getUTCMonth() === (month as number) - 1 &&
    date.getUTCDate() === day &&
    (hour as number) <= 23 &&
    (minute as number) <= 59 &&
    (second as number) <= 59 &&
    (offsetHours as number) <= 15 &&
    (offsetMinutes as number) <= 59
  );
}

function fits(value: string, part: CursorPart): boolean {
  switch (part) {
    case 'timestamp':
      return isTimestampText(value);
    case 'uuid':
      return UUID.test(value);
    case 'key':
      return KEY.test(value);
    case 'integer':
      return /^\d{1,9}$/.test(value);
    case 'bigint':
      return /^\d{1,18}$/.test(value);
  }
}

/** The cursor of a keyset page: the list's name and the sort key of the page's last row. */
export function encodeKeysetCursor(list: string, sortKey: readonly string[]): string {
  return encodeCursor([list, ...sortKey]);
}

/**
 * The sort key a cursor of `list` carries, each part checked against `parts`; a 400 naming
 * `cursor` when it is none, belongs to another list, or holds a value PostgreSQL could not read.
 */
export function decodeKeysetCursor(cursor: string, list: string, parts: readonly CursorPart[]): string[] {
  const [name, ...values] = decodeCursor(cursor);
  if (name !== list || values.length !== parts.length || !values.every((value, index) => fits(value, parts[index] as CursorPart))) throw invalidCursor();
  return values;
}

/** One page from `limit + 1` rows read in order: the first `limit`, and the cursor of the last one when more follow. */
export function pageOf<Row, Item>(
  rows: readonly Row[],
  limit: number,
  present: (row: Row) => Item,
  cursorOf: (row: Row) => string,
): { data: Item[]; next?: string } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { data: page.map(present), ...(rows.length > limit && last !== undefined ? { next: cursorOf(last) } : {}) };
}
