import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);
const bool = (fallback: 'true' | 'false') => z.enum(['true', 'false']).default(fallback).transform((value) => value === 'true');

/** Every setting of API and worker, read from the environment once at start-up. */
export const configSchema = z
  .object({
  DATABASE_URL: z
    .string({ error: 'is required (e.g. postgres://postgres@127.0.0.1:5432/ratsweg)' })
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('ratsweg'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('ratsweg-rounds'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  /** The worker's own HTTP endpoint (health, readiness, metrics); 0 picks a free port (tests). */
  WORKER_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  WORKER_HTTP_PORT: port.default(3001),
  /**
   * Where the Temporal SDK's Prometheus exporter listens (host:port). The worker's /metrics
   * includes its metrics, so it stays on loopback; port 0 picks a free one at start.
   */
  TEMPORAL_SDK_METRICS_ADDRESS: z
    .string()
    .regex(/^(\[[0-9a-fA-F:]+\]|[\w.-]+):\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:9464')
    .default('127.0.0.1:0'),
  /** A prebuilt workflow bundle (production); without it the worker bundles `workflows/` at start. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
  RATSWEG_TENANT: z.string().min(1).default('default'),
  /** A round's workflow continues as new after this many history events (Temporal's hard limit is far higher). */
  ROUND_HISTORY_EVENT_LIMIT: z.coerce.number().int().min(100).max(10_000).default(1_000),
  /** Outgoing mail, e.g. `smtp://user:pass@host:587` or `smtps://…`; without it mail goes to the local mailbox. */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  SMTP_FROM: z.string().min(3).default('Ratsweg <ratsweg@localhost>'),
  /** Set to false only for test servers with self-signed certificates. */
  SMTP_TLS_REJECT_UNAUTHORIZED: bool('true'),
  NOTIFICATION_DISPATCH_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  /** Dispatchers LISTEN for new notifications and send them at once; polling stays the fallback. */
  NOTIFICATION_WAKEUP: bool('true'),
  /** How long a worker holds a delivery it is sending; after a crash it is sent again once this expires. */
  NOTIFICATION_LEASE_MS: z.coerce.number().int().min(500).max(3_600_000).default(120_000),
  NOTIFICATION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(12),
  /** First retry delay; each further retry waits twice as long, at most an hour. */
  NOTIFICATION_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(5_000),
  /** The address people use to reach Ratsweg, for links in notifications. */
  PUBLIC_BASE_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  /** The first administrator, created on the first start of a tenant that has none. */
  RATSWEG_ADMIN_EMAIL: z.string().email().optional(),
  RATSWEG_ADMIN_PASSWORD: z.string().min(1).optional(),
  /** Administrators and secretaries must use a second factor (TOTP). On unless switched off (the embedded default). */
  RATSWEG_REQUIRE_MFA: bool('true'),
  /** How long a sign-in lasts. */
  AUTH_SESSION_TTL_MINUTES: z.coerce.number().int().min(5).max(60 * 24 * 30).default(12 * 60),
  /** The session cookie is sent only over HTTPS (browsers treat http://localhost as secure too). */
  AUTH_COOKIE_SECURE: bool('true'),
  /** Failed sign-ins before an address is locked; the lock then doubles with each further failure. */
  AUTH_LOCKOUT_FREE_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  AUTH_LOCKOUT_BASE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(30),
  AUTH_LOCKOUT_MAX_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3_600),
  /** Requests per minute and client address on sign-in and on public comments. */
  RATE_LIMIT_LOGIN_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(20),
  RATE_LIMIT_COMMENTS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(10),
  /** Origins allowed to call the API from a browser, comma-separated; none by default (CORS off). */
  CORS_ORIGINS: z.string().optional(),
  /** OpenID Connect sign-in (authorization code + PKCE); all four or none. */
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_REDIRECT_URI: z.string().url().optional(),
  /** The built web application the API serves at `/`; apps/web/dist next to the API when absent. */
  WEB_DIST_DIR: z.string().min(1).optional(),
  /** Where the browser goes after an OpenID Connect sign-in. */
  OIDC_POST_LOGIN_REDIRECT: z.string().min(1).default('/'),
  /** Live updates (server-sent events): a stream ends after this many seconds (the browser reconnects by itself). */
  SSE_MAX_SECONDS: z.coerce.number().int().min(1).max(3_600).default(300),
  /** Open live-update streams per signed-in user; one more is refused with 429. */
  SSE_MAX_CONNECTIONS_PER_USER: z.coerce.number().int().min(1).max(100).default(6),
})
  .superRefine((config, context) => {
    const oidc = [config.OIDC_ISSUER, config.OIDC_CLIENT_ID, config.OIDC_CLIENT_SECRET, config.OIDC_REDIRECT_URI];
    if (oidc.some(Boolean) && !oidc.every(Boolean)) {
      context.addIssue({ code: 'custom', path: ['OIDC_ISSUER'], message: 'OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and OIDC_REDIRECT_URI go together' });
    }
    if (Boolean(config.RATSWEG_ADMIN_EMAIL) !== Boolean(config.RATSWEG_ADMIN_PASSWORD)) {
      context.addIssue({ code: 'custom', path: ['RATSWEG_ADMIN_EMAIL'], message: 'RATSWEG_ADMIN_EMAIL and RATSWEG_ADMIN_PASSWORD go together' });
    }
  });

export type RatswegConfig = z.infer<typeof configSchema>;

export class ConfigException extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigException';
  }
}

/** Validates the environment; a bad setting fails fast with every problem named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): RatswegConfig {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigException(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
}
