import { DateTime } from 'luxon';
import { memoized } from '../memo.util.js';

export const CALENDAR_TIME_ZONE = 'Europe/Berlin';

export interface CalendarEvent {
  /** Stable across updates: a moved meeting keeps its UID and gets a higher SEQUENCE. */
  uid: string;
  sequence: number;
  start: string;
  /** Defaults to one hour after the start. */
  end?: string;
  summary: string;
  description?: string;
  location?: string;
  url?: string;
  /** When the event was last changed (DTSTAMP / LAST-MODIFIED). */
  stamp: string;
  status?: 'CONFIRMED' | 'TENTATIVE' | 'CANCELLED';
  /** TRANSP:TRANSPARENT — the entry does not block the calendar's time (a deadline, not an appointment). */
  transparent?: boolean;
}

export type CalendarMethod = 'PUBLISH' | 'REQUEST' | 'CANCEL';

/** How far apart the SEQUENCE numbers of two openings of a stage lie: room for this many moves of one opening's date. */
const SEQUENCE_PER_ITERATION = 1000;

/**
 * The SEQUENCE of a stage's calendar entry (its meeting or its deadline): grows whenever the date
 * moves (`revision`, the stage's `deadlineRevision`) and whenever the stage opens again
 * (`iteration`; a postponed or returned stage starts again at revision 0), so every later version
 * replaces the earlier one in calendar clients. The first opening's SEQUENCE is the revision itself.
 */
export function calendarSequence(iteration: number, revision: number): number {
  return Math.max(0, Math.trunc(iteration) - 1) * SEQUENCE_PER_ITERATION + Math.max(0, Math.trunc(revision));
}

/** The METHOD of an iCalendar object, e.g. to label the MIME part it travels in. */
export function calendarMethodOf(ics: string): CalendarMethod | undefined {
  const method = /^METHOD:(PUBLISH|REQUEST|CANCEL)\r?$/m.exec(ics)?.[1];
  return method as CalendarMethod | undefined;
}

/** RFC 5545 text escaping: backslash, semicolon, comma and newlines. */
export function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** The UTF-8 length of one code point (a lone surrogate is written as U+FFFD: three octets). */
function utf8Octets(character: string): number {
  const code = character.codePointAt(0) ?? 0;
  return code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
}

/** Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character. */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const character of line) {
    const size = utf8Octets(character);
    const limit = parts.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += character;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

const localDateTime = memoized((instant) => DateTime.fromISO(instant).setZone(CALENDAR_TIME_ZONE).toFormat("yyyyMMdd'T'HHmmss"));

const utcDateTime = memoized((instant) => DateTime.fromISO(instant).toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'"));

/** The Europe/Berlin time zone definition (EU rules since 1996). */
const VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  `TZID:${CALENDAR_TIME_ZONE}`,
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

/**
 * An iCalendar object (RFC 5545) with the given events in Europe/Berlin local time. `method`
 * is `PUBLISH` for feeds, `REQUEST` for an invitation attached to a mail, `CANCEL` for a withdrawn one.
 */
export function icsCalendar(events: CalendarEvent[], options: { method?: CalendarMethod; name?: string } = {}): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Ratsweg//Ratsweg//DE',
    'CALSCALE:GREGORIAN',
    `METHOD:${options.method ?? 'PUBLISH'}`,
    ...(options.name ? [`X-WR-CALNAME:${escapeText(options.name)}`, `NAME:${escapeText(options.name)}`] : []),
    `X-WR-TIMEZONE:${CALENDAR_TIME_ZONE}`,
    ...VTIMEZONE,
    ...events.flatMap((event) => {
      const end = event.end ?? DateTime.fromISO(event.start).plus({ hours: 1 }).toUTC().toISO();
      return [
        'BEGIN:VEVENT',
        `UID:${event.uid}`,
        `SEQUENCE:${event.sequence}`,
        `DTSTAMP:${utcDateTime(event.stamp)}`,
        `LAST-MODIFIED:${utcDateTime(event.stamp)}`,
        `DTSTART;TZID=${CALENDAR_TIME_ZONE}:${localDateTime(event.start)}`,
        `DTEND;TZID=${CALENDAR_TIME_ZONE}:${localDateTime(end as string)}`,
        `SUMMARY:${escapeText(event.summary)}`,
        ...(event.description ? [`DESCRIPTION:${escapeText(event.description)}`] : []),
        ...(event.location ? [`LOCATION:${escapeText(event.location)}`] : []),
        ...(event.url ? [`URL:${event.url}`] : []),
        `STATUS:${event.status ?? 'CONFIRMED'}`,
        ...(event.transparent ? ['TRANSP:TRANSPARENT'] : []),
        'END:VEVENT',
      ];
    }),
    'END:VCALENDAR',
  ];
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
