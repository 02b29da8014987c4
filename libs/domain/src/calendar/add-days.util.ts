import { isWorkingDay } from './nrw-holidays.util.js';
import { parseIsoDate, shiftIsoDate } from './iso-date.util.js';
import type { DayCounting } from './standing-orders.type.js';

/** Whether a day counts towards a period under the given way of counting. */
export function isCountableDay(date: string, counting: DayCounting): boolean {
  return counting === 'calendar' || isWorkingDay(date);
}

/**
 * The date `days` countable days after `date` (before it when negative); `date` itself is never
 * counted. With 'working' counting the result is always a working day, e.g. one working day
 * after Thursday 2 April 2026 is Tuesday 7 April 2026 (Karfreitag, weekend, Ostermontag).
 * `days` = 0 returns `date` unchanged, even when it is not a working day.
 */
export function addDays(date: string, days: number, counting: DayCounting = 'calendar'): string {
  parseIsoDate(date);
  if (!Number.isInteger(days)) throw new RangeError(`expected a whole number of days, got ${days}`);
  if (counting === 'calendar') return shiftIsoDate(date, days);
  const step = days < 0 ? -1 : 1;
  let current = date;
  for (let left = Math.abs(days); left > 0; ) {
    current = shiftIsoDate(current, step);
    if (isWorkingDay(current)) left -= 1;
  }
  return current;
}
