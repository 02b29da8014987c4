import type { RatswegConfig } from '@ratsweg/config';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';

export type TemporalSettings = Pick<RatswegConfig, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE'>;

/**
 * Attempts of one gRPC call while the frontend is unavailable (backoff 100 ms × 1.7ⁿ): about
 * 2 s in all. The SDK's default (10 attempts, about 15 s, plus connection timeouts) would hold
 * an HTTP request for half a minute while Temporal is down; this way the API answers 503 with
 * Retry-After soon, and the client retries with the same Idempotency-Key.
 */
export const TEMPORAL_CALL_ATTEMPTS = 6;

/**
 * A client whose connection is made on first use, so that the API starts (and reports
 * "not ready") while the Temporal server is still coming up.
 */
export function createTemporalClient(settings: TemporalSettings): Client {
  const connection = Connection.lazy({
    address: settings.TEMPORAL_ADDRESS,
    connectTimeout: '5 seconds',
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: TEMPORAL_CALL_ATTEMPTS }))],
  });
  return new Client({ connection, namespace: settings.TEMPORAL_NAMESPACE });
}

/** True when the Temporal frontend answers for the namespace within the timeout. */
export async function isTemporalReachable(client: Client, timeoutMs = 2_000): Promise<boolean> {
  try {
    await client.connection.withDeadline(Date.now() + timeoutMs, () =>
      client.workflowService.describeNamespace({ namespace: client.options.namespace }),
    );
    return true;
  } catch {
    return false;
  }
}
