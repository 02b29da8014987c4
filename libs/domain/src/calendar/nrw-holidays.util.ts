import { formatIsoDate, parseIsoDate } from './iso-date.util.js';

export interface PublicHoliday {
  /** YYYY-MM-DD */
  date: string;
  /** German name, e.g. `Fronleichnam`. */
  name: string;
}

/** The Gregorian calendar (and so the Easter algorithm) starts in 1583; dates are written with four digits. */
const FIRST_YEAR = 1583;
const LAST_YEAR = 9999;

/** Easter Sunday (YYYY-MM-DD) by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): string {
  assertYear(year);
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return isoDate(year, month, day);
}

/**
 * The statutory public holidays of North Rhine-Westphalia (Feiertagsgesetz NW) in one year,
 * sorted by date. Today's rules are applied to every year. Two holidays can fall on the same
 * day (Christi Himmelfahrt on 1 May, e.g. in 2008); both are listed.
 */
export function nrwPublicHolidays(year: number): PublicHoliday[] {
  const easter = parseIsoDate(easterSunday(year));
  const fixed = (month: number, day: number): string => isoDate(year, month, day);
  const afterEaster = (days: number): string => formatIsoDate(easter.plus({ days }));
  const holidays: PublicHoliday[] = [
    { date: fixed(1, 1), name: 'Neujahr' },
    { date: afterEaster(-2), name: 'Karfreitag' },
    { date: afterEaster(1), name: 'Ostermontag' },
    { date: fixed(5, 1), name: 'Tag der Arbeit' },
    { date: afterEaster(39), name: 'Christi Himmelfahrt' },
    { date: afterEaster(50), name: 'Pfingstmontag' },
    { date: afterEaster(60), name: 'Fronleichnam' },
    { date: fixed(10, 3), name: 'Tag der Deutschen Einheit' },
    { date: fixed(11, 1), name: 'Allerheiligen' },
    { date: fixed(12, 25), name: '1. Weihnachtstag' },
    { date: fixed(12, 26), name: '2. Weihnachtstag' },
  ];
  // Christi Himmelfahrt falls before 1 May when Easter is on 22 March (e.g. 2285).
  return holidays.sort((left, right) => (left.date < right.date ? -1 : left.date > right.date ? 1 : 0));
}

/** Holiday dates per year; the same in every run, so caching is deterministic. */
const holidayDatesByYear = new Map<number, ReadonlySet<string>>();

function holidayDates(year: number): ReadonlySet<string> {
  let dates = holidayDatesByYear.get(year);
  if (!dates) {
    dates = new Set(nrwPublicHolidays(year).map((holiday) => holiday.date));
    holidayDatesByYear.set(year, dates);
  }
  return dates;
}

/** Whether `date` (YYYY-MM-DD) is a public holiday in North Rhine-Westphalia. */
export function isNrwPublicHoliday(date: string): boolean {
  const parsed = parseIsoDate(date);
  return holidayDates(parsed.year).has(date);
}

/** Monday to Friday and not a public holiday in North Rhine-Westphalia. 24 and 31 December are working days. */
export function isWorkingDay(date: string): boolean {
  const parsed = parseIsoDate(date);
  return parsed.weekday <= 5 && !holidayDates(parsed.year).has(date);
}

function assertYear(year: number): void {
  if (!Number.isInteger(year) || year < FIRST_YEAR || year > LAST_YEAR) {
    throw new RangeError(`expected a year from ${FIRST_YEAR} to ${LAST_YEAR}, got ${year}`);
  }
}

function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
