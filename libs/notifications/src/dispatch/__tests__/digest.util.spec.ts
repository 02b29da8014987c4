import type { DueDigestDelivery } from '@ratsweg/persistence';
import { composeDigests } from '../digest.util.js';

const delivery = (overrides: Partial<DueDigestDelivery>): DueDigestDelivery => ({
  id: 'd1',
  tenant: 'musterhausen',
  channel: 'email',
  recipient: 'person:a',
  address: 'a@example.org',
  idempotencyKey: 'k1',
  messageId: '<k1@musterhausen.ratsweg.invalid>',
  subject: 'Erinnerung',
  bodyText: 'Text',
  bodyHtml: '<p>Text</p>',
  ics: null,
  attempts: 1,
  locale: 'de',
  createdAt: new Date('2026-03-01T10:00:00Z'),
  ...overrides,
});

describe('composeDigests', () => {
  it('should combine the deliveries of one recipient into one message, oldest first, when several are due', () => {
    const digests = composeDigests([
      delivery({ id: 'd2', idempotencyKey: 'k2', subject: 'Zweite', createdAt: new Date('2026-03-01T12:00:00Z'), attempts: 2 }),
      delivery({ id: 'd1', idempotencyKey: 'k1', subject: 'Erste' }),
      delivery({ id: 'd3', idempotencyKey: 'k3', recipient: 'person:b', address: 'b@example.org', locale: 'en' }),
    ]);
    expect(digests).toHaveLength(2);
    const [a, b] = digests;
    expect(a?.recipient).toBe('person:a');
    expect(a?.deliveryIds).toEqual(['d1', 'd2']);
    expect(a?.subject).toBe('Ratsweg: 2 Benachrichtigungen');
    expect(a?.text.indexOf('Erste')).toBeLessThan(a?.text.indexOf('Zweite') ?? -1);
    expect(a?.attempts).toBe(2);
    expect(b?.subject).toBe('Ratsweg: 1 notification');
    expect(b?.address).toBe('b@example.org');
  });

  it('should derive the same Message-ID from the same deliveries when they are claimed again in another order', () => {
    const first = composeDigests([delivery({ id: 'd1', idempotencyKey: 'k1' }), delivery({ id: 'd2', idempotencyKey: 'k2' })])[0];
    const again = composeDigests([delivery({ id: 'd2', idempotencyKey: 'k2' }), delivery({ id: 'd1', idempotencyKey: 'k1' })])[0];
    const other = composeDigests([delivery({ id: 'd1', idempotencyKey: 'k1' })])[0];
    expect(again?.messageId).toBe(first?.messageId);
    expect(other?.messageId).not.toBe(first?.messageId);
    expect(first?.keys).toEqual(['k1', 'k2']);
  });

  it('should escape the subjects in the HTML body when they contain markup', () => {
    const [digest] = composeDigests([delivery({ subject: 'A <b> & C' })]);
    expect(digest?.html).toContain('A &lt;b&gt; &amp; C');
  });
});
