import { addDays, isCountableDay } from '../add-days.util.js';

describe('addDays', () => {
  it.each([
    ['2026-03-10', 7, 'calendar', '2026-03-17'],
    ['2026-03-10', -8, 'calendar', '2026-03-02'],
    ['2024-02-28', 1, 'calendar', '2024-02-29'], // leap year
    ['2026-12-31', 1, 'calendar', '2027-01-01'],
    ['2026-03-29', 1, 'calendar', '2026-03-30'], // DST change does not matter for dates
    ['2026-03-13', 1, 'working', '2026-03-16'], // Friday → Monday
    ['2026-03-16', -1, 'working', '2026-03-13'], // Monday → Friday
    ['2026-04-02', 1, 'working', '2026-04-07'], // Thursday → over Karfreitag, weekend, Ostermontag → Tuesday
    ['2026-04-07', -1, 'working', '2026-04-02'],
    ['2025-12-23', 3, 'working', '2025-12-30'], // 24th (1), 25th/26th holidays, weekend, 29th (2), 30th (3)
    ['2026-03-14', 0, 'working', '2026-03-14'], // zero days: unchanged even on a Saturday
    ['2026-03-14', 1, 'working', '2026-03-16'], // from a Saturday: the next working day
  ] as const)('should return the right date when adding to %s %i %s days', (date, days, counting, expected) => {
    expect(addDays(date, days, counting)).toBe(expected);
  });

  it('should count calendar days when no way of counting is given', () => {
    expect(addDays('2026-04-02', 1)).toBe('2026-04-03');
  });

  it.each([
    ['2026-13-01', 1],
    ['2026-03-10', 1.5],
  ])('should throw a RangeError when the input is %p, %p', (date, days) => {
    expect(() => addDays(date, days, 'working')).toThrow(RangeError);
  });
});

describe('isCountableDay', () => {
  it('should count every day when counting calendar days', () => {
    expect(isCountableDay('2026-04-03', 'calendar')).toBe(true);
  });

  it('should count only working days when counting working days', () => {
    expect(['2026-04-02', '2026-04-03', '2026-04-04'].map((date) => isCountableDay(date, 'working'))).toEqual([true, false, false]);
  });
});
