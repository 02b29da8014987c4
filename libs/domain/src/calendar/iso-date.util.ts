import { DateTime } from 'luxon';

/**
 * The municipalities' zone, the same as MUNICIPAL_TIME_ZONE of the round. Defined here because the
 * round imports the calendar (importing it back would be a cycle); the calendar is the lower layer.
 */
export const CALENDAR_TIME_ZONE = 'Europe/Berlin';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Parses a calendar date `YYYY-MM-DD` as midnight UTC, so that adding days never meets a DST
 * change. Throws a RangeError for anything else (including impossible dates like 2026-02-30).
 */
export function parseIsoDate(date: string): DateTime<true> {
  const parsed = ISO_DATE.test(date) ? DateTime.fromISO(date, { zone: 'utc' }) : undefined;
  if (!parsed?.isValid) throw new RangeError(`expected a date YYYY-MM-DD, got "${date}"`);
  return parsed;
}

export function formatIsoDate(date: DateTime<true>): string {
  return date.toISODate();
}

/** The date `days` calendar days after `date` (before it when negative). */
export function shiftIsoDate(date: string, days: number): string {
  return formatIsoDate(parseIsoDate(date).plus({ days }));
}
