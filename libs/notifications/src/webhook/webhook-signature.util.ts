import { createHmac, timingSafeEqual } from 'node:crypto';

export interface WebhookSignatureInput {
  secret: string;
  /** The `webhook-id` header: the CloudEvent id. */
  id: string;
  /** The `webhook-timestamp` header: unix seconds. */
  timestamp: string | number;
  /** The raw request body, exactly as received. */
  body: string;
}

export interface WebhookSignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
  'x-ratsweg-signature': string;
}

/** `v1=<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, Standard Webhooks style (the secret's UTF-8 bytes are the key). */
export function webhookSignature({ secret, id, timestamp, body }: WebhookSignatureInput): string {
  return `v1=${createHmac('sha256', secret).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** The headers that sign one webhook request. */
export function signWebhook(input: WebhookSignatureInput): WebhookSignatureHeaders {
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': webhookSignature(input),
    'x-ratsweg-signature': `sha256=${createHmac('sha256', input.secret).update(input.body).digest('hex')}`,
  };
}

/**
 * Whether `signature` (the `webhook-signature` header; several space-separated signatures
 * are allowed, as during a secret rotation) signs this request. Compared in constant time.
 * With `toleranceSeconds`, a timestamp further than that from `nowSeconds` is refused too (replays).
 */
export function verifyWebhookSignature(
  input: WebhookSignatureInput & { signature: string; toleranceSeconds?: number; nowSeconds?: number },
): boolean {
  const timestamp = Number(input.timestamp);
  if (!/^\d+$/.test(String(input.timestamp)) || !Number.isSafeInteger(timestamp)) return false;
  if (input.toleranceSeconds !== undefined) {
    const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
    if (Math.abs(now - timestamp) > input.toleranceSeconds) return false;
  }
  const expected = Buffer.from(webhookSignature(input));
  return input.signature
    .split(' ')
    .filter((candidate) => candidate.length > 0)
    .some((candidate) => {
      const given = Buffer.from(candidate);
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}
