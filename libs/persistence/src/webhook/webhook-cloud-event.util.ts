import type { NotificationPayload, NotificationRow } from '../notification/outbox.repository.js';

/** A CloudEvents 1.0 event in structured mode (JSON), as a webhook receives it. */
export interface WebhookCloudEvent {
  specversion: '1.0';
  /** The delivery's idempotency key: the same for every retry, so receivers can de-duplicate. */
  id: string;
  source: string;
  type: string;
  subject?: string;
  time: string;
  datacontenttype: 'application/json';
  data: NotificationPayload;
}

/** The CloudEvent `type` of a round change, e.g. `de.ratsweg.round.stage.opened`. */
export function webhookEventType(kind: string): string {
  return `de.ratsweg.round.${kind}`;
}

/** The CloudEvent of one notification for one subscription; `id` is the delivery's idempotency key. */
export function toWebhookCloudEvent(notification: Pick<NotificationRow, 'tenant' | 'roundId' | 'stageKey' | 'kind' | 'payload'>, id: string): WebhookCloudEvent {
  return {
    specversion: '1.0',
    id,
    source: `/ratsweg/${notification.tenant}/rounds/${notification.roundId}`,
    type: webhookEventType(notification.kind),
    ...(notification.stageKey ? { subject: notification.stageKey } : {}),
    time: notification.payload.at,
    datacontenttype: 'application/json',
    data: notification.payload,
  };
}
