// HEALTHCHECK of the api and worker images (the slim Node image has no curl):
// `node infra/docker/healthcheck.mjs <url>` exits 0 when the URL answers 2xx within 3 s.
const url = process.argv[2];
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
