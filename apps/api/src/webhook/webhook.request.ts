import { WEBHOOK_EVENT_TYPES } from '@ratsweg/persistence';
import { z } from 'zod';

const url = z
  .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
  .max(2_000)
  .refine((value) => !/^https?:\/\/[^/?#]*@/i.test(value), { message: 'must not contain a user name or password' });
/** The key of the HMAC signatures; shared with the receiver, never shown again after it is set. */
const secret = z.string().min(32).max(200);
/** Empty (or absent): every event type. */
const eventTypes = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .max(WEBHOOK_EVENT_TYPES.length)
  .refine((types) => new Set(types).size === types.length, { message: 'must not name an event type twice' });

export const createWebhookRequestSchema = z.strictObject({
  url,
  /** Generated (and returned once) when absent. */
  secret: secret.optional(),
  eventTypes: eventTypes.optional(),
  active: z.boolean().optional(),
});
export type CreateWebhookRequest = z.infer<typeof createWebhookRequestSchema>;

export const updateWebhookRequestSchema = z.strictObject({
  url: url.optional(),
  secret: secret.optional(),
  eventTypes: eventTypes.optional(),
  active: z.boolean().optional(),
});
export type UpdateWebhookRequest = z.infer<typeof updateWebhookRequestSchema>;
