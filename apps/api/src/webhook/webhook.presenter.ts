import type { WebhookSubscriptionRow } from '@ratsweg/persistence';

/** A webhook subscription as the API shows it: never with its secret. */
export interface WebhookResponse {
  id: string;
  url: string;
  /** Empty: every event type. */
  eventTypes: string[];
  active: boolean;
  createdAt: string;
  modifiedAt: string;
}

/** The answer to a create: the generated secret is shown this once. */
export interface CreatedWebhookResponse extends WebhookResponse {
  secret?: string;
}

export function presentWebhook(row: WebhookSubscriptionRow): WebhookResponse {
  return {
    id: row.id,
    url: row.url,
    eventTypes: [...row.eventTypes],
    active: row.active,
    createdAt: row.createdAt.toISOString(),
    modifiedAt: row.modifiedAt.toISOString(),
  };
}
