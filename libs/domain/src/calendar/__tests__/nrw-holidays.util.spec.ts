import { easterSunday, isNrwPublicHoliday, isWorkingDay, nrwPublicHolidays } from '../nrw-holidays.util.js';

describe('easterSunday', () => {
  it.each([
    [2008, '2008-03-23'],
    [2019, '2019-04-21'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2038, '2038-04-25'], // the latest possible date
    [2285, '2285-03-22'], // the earliest possible date
  ])('should return the Gregorian Easter Sunday when the year is %i', (year, expected) => {
    expect(easterSunday(year)).toBe(expected);
  });

  it.each([1582, 10000, 2026.5, Number.NaN])('should throw a RangeError when the year is %p', (year) => {
    expect(() => easterSunday(year)).toThrow(RangeError);
  });
});

describe('nrwPublicHolidays', () => {
  // Movable feasts from Easter Sunday E: Karfreitag E−2, Ostermontag E+1, Christi Himmelfahrt E+39,
  // Pfingstmontag E+50, Fronleichnam E+60.
  it.each([
    [
      // E = 31 Mar 2024: E+39 = 9 May (30 days to 30 Apr, 9 more), E+50 = 20 May, E+60 = 30 May.
      2024,
      [
        ['2024-01-01', 'Neujahr'],
        ['2024-03-29', 'Karfreitag'],
        ['2024-04-01', 'Ostermontag'],
        ['2024-05-01', 'Tag der Arbeit'],
        ['2024-05-09', 'Christi Himmelfahrt'],
        ['2024-05-20', 'Pfingstmontag'],
        ['2024-05-30', 'Fronleichnam'],
        ['2024-10-03', 'Tag der Deutschen Einheit'],
        ['2024-11-01', 'Allerheiligen'],
        ['2024-12-25', '1. Weihnachtstag'],
        ['2024-12-26', '2. Weihnachtstag'],
      ],
    ],
    [
      // E = 20 Apr 2025: E+39 = 29 May (10 days to 30 Apr, 29 more), E+50 = 9 Jun, E+60 = 19 Jun.
      2025,
      [
        ['2025-01-01', 'Neujahr'],
        ['2025-04-18', 'Karfreitag'],
        ['2025-04-21', 'Ostermontag'],
        ['2025-05-01', 'Tag der Arbeit'],
        ['2025-05-29', 'Christi Himmelfahrt'],
        ['2025-06-09', 'Pfingstmontag'],
        ['2025-06-19', 'Fronleichnam'],
        ['2025-10-03', 'Tag der Deutschen Einheit'],
        ['2025-11-01', 'Allerheiligen'],
        ['2025-12-25', '1. Weihnachtstag'],
        ['2025-12-26', '2. Weihnachtstag'],
      ],
    ],
    [
      // E = 5 Apr 2026: E+39 = 14 May (25 days to 30 Apr, 14 more), E+50 = 25 May, E+60 = 4 Jun.
      2026,
      [
        ['2026-01-01', 'Neujahr'],
        ['2026-04-03', 'Karfreitag'],
        ['2026-04-06', 'Ostermontag'],
        ['2026-05-01', 'Tag der Arbeit'],
        ['2026-05-14', 'Christi Himmelfahrt'],
        ['2026-05-25', 'Pfingstmontag'],
        ['2026-06-04', 'Fronleichnam'],
        ['2026-10-03', 'Tag der Deutschen Einheit'],
        ['2026-11-01', 'Allerheiligen'],
        ['2026-12-25', '1. Weihnachtstag'],
        ['2026-12-26', '2. Weihnachtstag'],
      ],
    ],
  ])('should list the eleven NRW holidays in date order when the year is %i', (year, expected) => {
    expect(nrwPublicHolidays(year).map((holiday) => [holiday.date, holiday.name])).toEqual(expected);
  });

  it('should list both holidays when Christi Himmelfahrt falls on 1 May', () => {
    // E = 23 Mar 2008: E+39 = 1 May (8 days to 31 Mar, 30 in April, 1 more).
    const first = nrwPublicHolidays(2008).filter((holiday) => holiday.date === '2008-05-01');
    expect(first.map((holiday) => holiday.name)).toEqual(['Tag der Arbeit', 'Christi Himmelfahrt']);
  });

  it('should sort Christi Himmelfahrt before Tag der Arbeit when Easter is on 22 March', () => {
    // E = 22 Mar 2285: E+39 = 30 Apr (9 days to 31 Mar, 30 more).
    const names = nrwPublicHolidays(2285).map((holiday) => `${holiday.date} ${holiday.name}`);
    expect(names.slice(3, 5)).toEqual(['2285-04-30 Christi Himmelfahrt', '2285-05-01 Tag der Arbeit']);
  });
});

describe('isNrwPublicHoliday', () => {
  it.each([
    ['2026-04-03', true], // Karfreitag
    ['2026-06-04', true], // Fronleichnam (a holiday in NRW, not in every Land)
    ['2024-11-01', true], // Allerheiligen
    ['2026-04-05', false], // Ostersonntag is a Sunday, not a statutory holiday in NRW
    ['2026-01-06', false], // Heilige Drei Könige: Baden-Württemberg, Bayern, Sachsen-Anhalt only
    ['2024-10-31', false], // Reformationstag: not in NRW
    ['2025-12-24', false], // Heiligabend
    ['2025-12-31', false], // Silvester
    ['2026-03-10', false],
  ])('should answer for %s when asked whether it is an NRW holiday', (date, expected) => {
    expect(isNrwPublicHoliday(date)).toBe(expected);
  });

  it.each(['2026-02-30', '10.03.2026', '2026-03-10T00:00:00Z', ''])('should throw a RangeError when the date is %p', (date) => {
    expect(() => isNrwPublicHoliday(date)).toThrow(RangeError);
  });
});

describe('isWorkingDay', () => {
  it.each([
    ['2026-03-09', true], // Monday
    ['2026-03-13', true], // Friday
    ['2026-03-14', false], // Saturday
    ['2026-03-15', false], // Sunday
    ['2026-04-03', false], // Karfreitag (Friday)
    ['2026-04-06', false], // Ostermontag (Monday)
    ['2026-04-02', true], // Gründonnerstag is a working day
    ['2025-12-24', true], // Heiligabend (Wednesday) is a working day
    ['2025-10-03', false], // Tag der Deutschen Einheit (Friday)
  ])('should answer for %s when asked whether it is a working day', (date, expected) => {
    expect(isWorkingDay(date)).toBe(expected);
  });
});
