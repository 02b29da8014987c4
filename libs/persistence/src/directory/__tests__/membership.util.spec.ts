import { isMemberOn } from '../membership.util.js';

describe('isMemberOn', () => {
  const ended = { startDate: '2025-11-01', endDate: '2026-03-31' };
  const open = { startDate: '2026-04-01', endDate: null };

  it('should count the first and the last day when the date is on either', () => {
    expect(isMemberOn(ended, '2025-11-01')).toBe(true);
    expect(isMemberOn(ended, '2026-03-31')).toBe(true);
  });

  it('should not count a day before the start or after the end when the date lies outside', () => {
    expect(isMemberOn(ended, '2025-10-31')).toBe(false);
    expect(isMemberOn(ended, '2026-04-01')).toBe(false);
    expect(isMemberOn(open, '2026-03-31')).toBe(false);
  });

  it('should count every later day when the membership has no end', () => {
    expect(isMemberOn(open, '2026-04-01')).toBe(true);
    expect(isMemberOn(open, '2099-12-31')).toBe(true);
  });
});
