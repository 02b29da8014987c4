import { signWebhook } from './webhook-signature.util.js';

export const WEBHOOK_TIMEOUT_MS = 10_000;

export interface WebhookRequest {
  url: string;
  secret: string;
  /** The CloudEvent id (stable across retries). */
  id: string;
  /** The CloudEvent, serialized once: exactly these bytes are signed and sent. */
  body: string;
}

/**
 * Posts one CloudEvent (structured mode). Resolves on a 2xx answer; rejects on any other
 * status, a redirect, a network error or after the timeout. Errors never contain the secret.
 */
export async function postWebhook(request: WebhookRequest, timeoutMs = WEBHOOK_TIMEOUT_MS): Promise<void> {
  const timestamp = Math.floor(Date.now() / 1000);
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/cloudevents+json',
        'user-agent': 'Ratsweg-Webhooks/1',
        ...signWebhook({ secret: request.secret, id: request.id, timestamp, body: request.body }),
      },
      body: request.body,
    });
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'TimeoutError' || name === 'AbortError') throw new Error(`no answer within ${timeoutMs} ms`);
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    throw new Error(`${error instanceof Error ? error.message : String(error)}${cause}`);
  }
  await response.body?.cancel().catch(() => undefined);
  if (response.status < 200 || response.status > 299) throw new Error(`HTTP ${response.status}`);
}
