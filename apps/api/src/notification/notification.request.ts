import { ROUND_ACTIONS } from '@ratsweg/domain';
import { DELIVERY_MODES, MANDATORY_NOTIFICATION_KINDS } from '@ratsweg/persistence';
import { z } from 'zod';

/** The kinds of notification a person can receive: every recorded kind of change. */
export const NOTIFICATION_KINDS = ROUND_ACTIONS;

export const notificationPreferenceRequestSchema = z
  .strictObject({
    deliveryMode: z.enum(DELIVERY_MODES),
    optedOutKinds: z.array(z.enum(NOTIFICATION_KINDS)).max(NOTIFICATION_KINDS.length),
    /** The language of the person's e-mails and inbox entries (the directory person's `locale`); unchanged when absent. */
    locale: z.enum(['de', 'en']).optional(),
  })
  .superRefine((value, ctx) => {
    value.optedOutKinds.forEach((kind, index) => {
      if (MANDATORY_NOTIFICATION_KINDS.includes(kind)) {
        ctx.addIssue({ code: 'custom', path: ['optedOutKinds', index], message: `${kind} is legally required (Ladung) and cannot be opted out of` });
      }
    });
  });
export type NotificationPreferenceRequest = z.infer<typeof notificationPreferenceRequestSchema>;
