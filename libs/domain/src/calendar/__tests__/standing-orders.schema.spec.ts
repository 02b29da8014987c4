import { standingOrdersSchema } from '../standing-orders.schema.js';
import { DEFAULT_STANDING_ORDERS } from '../standing-orders.type.js';

function errorPaths(input: unknown): string[] {
  const result = standingOrdersSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
}

describe('standingOrdersSchema', () => {
  it('should accept the default standing orders', () => {
    expect(standingOrdersSchema.parse(DEFAULT_STANDING_ORDERS)).toEqual(DEFAULT_STANDING_ORDERS);
  });

  it('should accept zero days and working-day counting when both periods are within bounds', () => {
    const orders = { noticePeriodDays: 60, urgentNoticePeriodDays: 0, dayCounting: 'working', meetingDayCounts: true };
    expect(standingOrdersSchema.parse(orders)).toEqual(orders);
  });

  it('should accept equal periods when urgent matters get no shorter notice', () => {
    expect(errorPaths({ ...DEFAULT_STANDING_ORDERS, urgentNoticePeriodDays: 7 })).toEqual([]);
  });

  it('should refuse it at urgentNoticePeriodDays when the shortened period is longer than the normal one', () => {
    const result = standingOrdersSchema.safeParse({ ...DEFAULT_STANDING_ORDERS, noticePeriodDays: 3, urgentNoticePeriodDays: 5 });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['urgentNoticePeriodDays'], message: 'the shortened notice period must not be longer than the notice period' }),
    ]);
  });

  it.each([
    ['a fraction', { noticePeriodDays: 7.5 }, 'noticePeriodDays'],
    ['a negative number', { urgentNoticePeriodDays: -1 }, 'urgentNoticePeriodDays'],
    ['more than 60 days', { noticePeriodDays: 61 }, 'noticePeriodDays'],
    ['a string', { noticePeriodDays: '7' }, 'noticePeriodDays'],
    ['an unknown way of counting', { dayCounting: 'business' }, 'dayCounting'],
    ['a missing field', { meetingDayCounts: undefined }, 'meetingDayCounts'],
    ['an unknown field', { quorum: 3 }, ''],
  ])('should refuse the orders when they contain %s', (_case, change, path) => {
    expect(errorPaths({ ...DEFAULT_STANDING_ORDERS, ...change })).toContain(path);
  });
});
