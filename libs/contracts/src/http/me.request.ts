import { isoInstantSchema } from '@ratsweg/domain';
import { z } from 'zod';

const flag = z.enum(['true', 'false']).transform((text) => text === 'true');
const limit = z.coerce.number().int().min(1).max(200).default(50);
/** `next` of the previous page. */
const cursor = z.string().min(1).max(2_000);

/** Query of `GET /api/v1/me/deadlines`. */
export const myDeadlinesQuerySchema = z.strictObject({
  /** Only deadlines before this instant (RFC 3339). */
  before: isoInstantSchema.optional(),
  overdue: flag.optional(),
  limit,
  cursor: cursor.optional(),
});
export type MyDeadlinesQuery = z.infer<typeof myDeadlinesQuerySchema>;

/** Query of `GET /api/v1/me/notifications`. */
export const myNotificationsQuerySchema = z.strictObject({
  /** `true`: only what has not been read. */
  unread: flag.optional(),
  limit,
  cursor: cursor.optional(),
});
export type MyNotificationsQuery = z.infer<typeof myNotificationsQuerySchema>;
