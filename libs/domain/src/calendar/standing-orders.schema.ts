import { z } from 'zod';
import { DAY_COUNTINGS, type StandingOrders } from './standing-orders.type.js';

/** The longest notice period a Geschäftsordnung may set here, in days. */
export const MAX_NOTICE_PERIOD_DAYS = 60;

const periodDays = z.number().int().min(0).max(MAX_NOTICE_PERIOD_DAYS);

export const standingOrdersSchema = z
  .strictObject({
    noticePeriodDays: periodDays,
    urgentNoticePeriodDays: periodDays,
    dayCounting: z.enum(DAY_COUNTINGS),
    meetingDayCounts: z.boolean(),
  })
  .superRefine((orders, ctx) => {
    if (orders.urgentNoticePeriodDays > orders.noticePeriodDays) {
      ctx.addIssue({
        code: 'custom',
        path: ['urgentNoticePeriodDays'],
        message: 'the shortened notice period must not be longer than the notice period',
      });
    }
  }) satisfies z.ZodType<StandingOrders>;
