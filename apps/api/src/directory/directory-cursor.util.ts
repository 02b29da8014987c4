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
