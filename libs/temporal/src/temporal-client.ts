import type { RatswegConfig } from '@ratsweg/config';
import { Client, Connection } from '@temporalio/client';

export type TemporalSettings = Pick<RatswegConfig, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE'>;

/**
 * A client whose connection is made on first use, so that the API starts (and reports
 * "not ready") while the Temporal server is still coming up.
 */
export function createTemporalClient(settings: TemporalSettings): Client {
  const connection = Connection.lazy({ address: settings.TEMPORAL_ADDRESS, connectTimeout: '5 seconds' });
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
