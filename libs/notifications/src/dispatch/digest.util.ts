import type { DueDigestDelivery } from '@ratsweg/persistence';
import { messageIdFor } from '@ratsweg/persistence';

/** One digest message: every due digest e-mail of one recipient. */
export interface Digest {
  tenant: string;
  recipient: string;
  address: string | null;
  /** Sorted idempotency keys of the combined deliveries; the Message-ID derives from them. */
  keys: string[];
  deliveryIds: string[];
  messageId: string;
  subject: string;
  text: string;
  html: string;
  /** The highest attempt count among the deliveries: the digest's retry budget. */
  attempts: number;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Combines due digest deliveries into one message per (tenant, recipient), oldest first.
 * The Message-ID is derived from the sorted delivery keys, so a digest that is sent again after
 * a crash (same deliveries, lease expired) carries the same Message-ID. Calendar attachments are
 * left out: the personal calendar feed carries the changes, and invitations are never digested.
 */
export function composeDigests(deliveries: readonly DueDigestDelivery[]): Digest[] {
  const groups = new Map<string, DueDigestDelivery[]>();
  for (const delivery of deliveries) {
    const group = `${delivery.tenant}\u0000${delivery.recipient}`;
    groups.set(group, [...(groups.get(group) ?? []), delivery]);
  }
  return [...groups.values()].map((group) => {
    const items = [...group].sort((a, b) => new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime() || a.idempotencyKey.localeCompare(b.idempotencyKey));
    const first = items[0] as DueDigestDelivery;
    const de = first.locale !== 'en';
    const keys = items.map((item) => item.idempotencyKey).sort();
    const subject = de ? `Ratsweg: ${items.length} Benachrichtigung${items.length === 1 ? '' : 'en'}` : `Ratsweg: ${items.length} notification${items.length === 1 ? '' : 's'}`;
    const intro = de ? 'Ihre Benachrichtigungen seit der letzten Zusammenfassung:' : 'Your notifications since the last digest:';
    return {
      tenant: first.tenant,
      recipient: first.recipient,
      address: items.find((item) => item.address)?.address ?? null,
      keys,
      deliveryIds: items.map((item) => item.id),
      messageId: messageIdFor(`digest:${keys.join('|')}`, first.tenant),
      subject,
      text: [intro, ...items.map((item) => `\n— ${item.subject} —\n\n${item.bodyText}`)].join('\n'),
      html: [`<p>${escapeHtml(intro)}</p>`, ...items.map((item) => `<hr><h2>${escapeHtml(item.subject)}</h2>\n${item.bodyHtml}`)].join('\n'),
      attempts: Math.max(...items.map((item) => item.attempts)),
    };
  });
}
