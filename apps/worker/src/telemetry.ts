import { createServer } from 'node:net';
import type { RatswegConfig } from '@ratsweg/config';
import { Runtime } from '@temporalio/worker';

/**
 * Installs the Temporal Runtime with the SDK's Prometheus exporter on TEMPORAL_SDK_METRICS_ADDRESS
 * (port 0: a free port now) and returns the exporter's URL, which the worker's /metrics reads.
 * The application owns the signals: it drains the worker, then closes the database, then exits 0.
 */
export async function installRuntime(config: RatswegConfig): Promise<string> {
  const separator = config.TEMPORAL_SDK_METRICS_ADDRESS.lastIndexOf(':');
  const host = config.TEMPORAL_SDK_METRICS_ADDRESS.slice(0, separator).replace(/^\[(.*)\]$/, '$1');
  let port = Number(config.TEMPORAL_SDK_METRICS_ADDRESS.slice(separator + 1));
  if (port === 0) port = await freePort(host);
  const bindAddress = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  Runtime.install({
    shutdownSignals: [],
    telemetryOptions: {
      metrics: {
        // Prometheus conventions: counters end in _total, durations in seconds with the unit in the name.
        prometheus: { bindAddress, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true },
        globalTags: { tenant: config.RATSWEG_TENANT },
      },
    },
  });
  return `http://${bindAddress}/metrics`;
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
