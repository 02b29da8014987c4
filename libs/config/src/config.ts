import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);

/** Every setting of API and worker, read from the environment once at start-up. */
export const configSchema = z.object({
  DATABASE_URL: z
    .string({ error: 'is required (e.g. postgres://postgres@127.0.0.1:5432/ratsweg)' })
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('ratsweg'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('ratsweg-rounds'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  /** A prebuilt workflow bundle (production); without it the worker bundles `workflows/` at start. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
  RATSWEG_TENANT: z.string().min(1).default('default'),
  /** A round's workflow continues as new after this many history events (Temporal's hard limit is far higher). */
  ROUND_HISTORY_EVENT_LIMIT: z.coerce.number().int().min(100).max(10_000).default(1_000),
  /** Outgoing mail, e.g. `smtp://user:pass@host:587` or `smtps://…`; without it mail goes to the local mailbox. */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  SMTP_FROM: z.string().min(3).default('Ratsweg <ratsweg@localhost>'),
  /** Set to false only for test servers with self-signed certificates. */
  SMTP_TLS_REJECT_UNAUTHORIZED: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
  NOTIFICATION_DISPATCH_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  /** How long a worker holds a delivery it is sending; after a crash it is sent again once this expires. */
  NOTIFICATION_LEASE_MS: z.coerce.number().int().min(500).max(3_600_000).default(120_000),
  NOTIFICATION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(12),
  /** First retry delay; each further retry waits twice as long, at most an hour. */
  NOTIFICATION_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(5_000),
  /** The address people use to reach Ratsweg, for links in notifications. */
  PUBLIC_BASE_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
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
