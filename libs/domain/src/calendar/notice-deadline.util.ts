import { DateTime } from 'luxon';
import type { LocalizedText } from '../template/process-template.type.js';
import { addDays } from './add-days.util.js';
import { CALENDAR_TIME_ZONE, shiftIsoDate } from './iso-date.util.js';
import { isWorkingDay } from './nrw-holidays.util.js';
import type { StandingOrders } from './standing-orders.type.js';

export interface NoticeDeadline {
  /**
   * The instant by which the invitation must be dispatched: end of the last allowed dispatch day,
   * 23:59:59.999 Europe/Berlin, as a UTC ISO string (Date#toISOString format, e.g. '2026-03-02T22:59:59.999Z').
   */
  at: string;
  /** Last day (Europe/Berlin, YYYY-MM-DD) on which the invitation may be dispatched. */
  lastDispatchDay: string;
  /** The rule that produced it, for people. */
  rule: LocalizedText;
}

export interface NoticeDeadlineOptions {
  /** Apply the shortened notice period for urgent matters (Dringlichkeit). */
  urgent?: boolean;
}

/** An ISO 8601 date-time with a UTC offset or `Z`; without one the instant would be ambiguous. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T[^T]*(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * The last moment the invitation (Ladung) to a meeting may be dispatched under the standing orders.
 *
 * With M the meeting's local date in Europe/Berlin and N the notice period (the shortened one when
 * urgent), the last dispatch day L is the latest day such that at least N countable days lie strictly
 * after L and up to M (M included only when the meeting day counts, otherwise up to the day before M).
 * Every day is countable with 'calendar' counting, only working days (Mon–Fri, not an NRW public
 * holiday) with 'working' counting; with 'working' counting L must itself be a working day, so it moves
 * back to the previous working day when needed. N = 0 needs no notice: L = M, so the invitation may go
 * out on the meeting day itself (with 'working' counting: the last working day up to M).
 *
 * Pure and deterministic: it reads no clock, so workflows may call it.
 */
export function noticeDeadline(meetingStart: string, orders: StandingOrders, options: NoticeDeadlineOptions = {}): NoticeDeadline {
  const urgent = options.urgent === true;
  const days = urgent ? orders.urgentNoticePeriodDays : orders.noticePeriodDays;
  if (!Number.isInteger(days) || days < 0) {
    throw new RangeError(`expected a notice period of zero or more whole days, got ${days}`);
  }
  const meetingDay = meetingDayOf(meetingStart);

  let lastDispatchDay: string;
  if (days === 0) {
    lastDispatchDay = meetingDay;
  } else {
    // addDays never counts its start, so start the day after the last day that may count.
    const firstDayNotCounted = orders.meetingDayCounts ? shiftIsoDate(meetingDay, 1) : meetingDay;
    const earliestCountedDay = addDays(firstDayNotCounted, -days, orders.dayCounting);
    lastDispatchDay = shiftIsoDate(earliestCountedDay, -1);
  }
  if (orders.dayCounting === 'working') {
    while (!isWorkingDay(lastDispatchDay)) lastDispatchDay = shiftIsoDate(lastDispatchDay, -1);
  }

  const endOfDay = DateTime.fromISO(lastDispatchDay, { zone: CALENDAR_TIME_ZONE }).endOf('day');
  return {
    at: endOfDay.toJSDate().toISOString(),
    lastDispatchDay,
    rule: describeRule(days, orders, urgent, meetingDay),
  };
}

function meetingDayOf(meetingStart: string): string {
  const start = ISO_INSTANT.test(meetingStart) ? DateTime.fromISO(meetingStart, { zone: CALENDAR_TIME_ZONE }) : undefined;
  if (!start?.isValid) {
    throw new RangeError(`expected the meeting start as an ISO 8601 date-time with offset, got "${meetingStart}"`);
  }
  return start.toISODate();
}

function describeRule(days: number, orders: StandingOrders, urgent: boolean, meetingDay: string): LocalizedText {
  const working = orders.dayCounting === 'working';
  const unitDe = working ? (days === 1 ? 'Arbeitstag' : 'Arbeitstage') : days === 1 ? 'Kalendertag' : 'Kalendertage';
  const unitEn = `${working ? 'working' : 'calendar'} ${days === 1 ? 'day' : 'days'}`;
  // Built by hand rather than with toFormat, which would use the locale's digits.
  const [year, month, day] = meetingDay.split('-');
  const dateDe = `${day}.${month}.${year}`;
  const de =
    `${urgent ? 'Verkürzte Ladungsfrist (Dringlichkeit)' : 'Ladungsfrist'} ${days} ${unitDe} vor der Sitzung am ${dateDe} ` +
    `(Sitzungstag ${orders.meetingDayCounts ? 'zählt mit' : 'zählt nicht'})`;
  const en =
    `${urgent ? 'Shortened notice period (urgent)' : 'Notice period'} of ${days} ${unitEn} before the meeting on ${meetingDay} ` +
    `(meeting day ${orders.meetingDayCounts ? 'counted' : 'not counted'})`;
  return { de, en };
}
