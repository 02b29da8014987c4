import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The headers helmet sets for `options`, worked out once. Our options depend on nothing in the
 * request, and @fastify/helmet would build helmet's whole middleware chain again for every request
 * (about 3 % of the API's time serving a list, measured in the benchmark's profile).
 */
export function securityHeaders(options: Readonly<HelmetOptions>): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let finished = false;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error instanceof Error ? error : new Error(String(error));
    finished = true;
  });
  // helmet's middleware is synchronous; if a version ever is not, fail at start-up rather than send no headers.
  if (!finished) throw new Error('helmet did not finish synchronously; the security headers cannot be computed once');
  return Object.freeze(headers);
}
