import { isoInstantSchema, ROUND_ACTIONS } from '@ratsweg/domain';
import { z } from 'zod';

/**
 * Query parameters of the list routes that page with `{ data, next? }`: `limit` (1..200,
 * default 50) and `cursor` (the `next` of the previous page), plus each list's filters.
 * Every schema is strict: an unknown parameter is a 400.
 */
export const pageLimitSchema = z.coerce.number().int().min(1).max(200);
export const DEFAULT_PAGE_LIMIT = 50;
/** `next` of the previous page: opaque to clients. */
export const pageCursorSchema = z.string().min(1).max(2_000);
export const pageQueryFields = { limit: pageLimitSchema.default(DEFAULT_PAGE_LIMIT), cursor: pageCursorSchema.optional() };

/** `true` or `false` in a query string. */
const flag = z.enum(['true', 'false']).transform((text) => text === 'true');
const stageKey = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a stage key of lower-case letters, digits and hyphens');
/** An instant PostgreSQL can hold and a person would mean: years 1900..9999. */
const instant = isoInstantSchema.refine(
  (text) => {
    const time = Date.parse(text);
    return Number.isFinite(time) && time >= Date.UTC(1900, 0, 1) && time < Date.UTC(10_000, 0, 1);
  },
  { message: 'expected an instant between the years 1900 and 9999' },
);

/** Query of `GET /api/v1/templates`: words to find in key or title (German or English). */
export const listTemplatesQuerySchema = z.strictObject({
  q: z.string().trim().min(1).max(200).optional(),
  ...pageQueryFields,
});
export type ListTemplatesQuery = z.infer<typeof listTemplatesQuerySchema>;

/** Query of `GET /api/v1/webhooks`. */
export const listWebhooksQuerySchema = z.strictObject({
  active: flag.optional(),
  /** Subscriptions that receive this event type (those with no event types receive every one). */
  eventType: z.enum(ROUND_ACTIONS).optional(),
  ...pageQueryFields,
});
export type ListWebhooksQuery = z.infer<typeof listWebhooksQuerySchema>;

/** Query of `GET /api/v1/users`. */
export const listUsersQuerySchema = z.strictObject({
  /** Only users granted this role (`secretary` and `member` by the directory are not granted roles). */
  role: z.enum(['admin', 'auditor', 'member']).optional(),
  /** `true`: only disabled accounts; `false`: only active ones. */
  disabled: flag.optional(),
  ...pageQueryFields,
});
export type ListUsersQuery = z.infer<typeof listUsersQuerySchema>;

/** Query of `GET /api/v1/api-keys`. */
export const listApiKeysQuerySchema = z.strictObject({
  /** `false`: only keys that still work; `true`: only revoked ones. */
  revoked: flag.optional(),
  scope: z.enum(['events', 'metrics']).optional(),
  ...pageQueryFields,
});
export type ListApiKeysQuery = z.infer<typeof listApiKeysQuerySchema>;

/** Query of `GET /api/v1/rounds/{id}/files`. */
export const listStageFilesQuerySchema = z.strictObject({
  stage: stageKey.optional(),
  ...pageQueryFields,
});
export type ListStageFilesQuery = z.infer<typeof listStageFilesQuerySchema>;

const auditAction = z.string().regex(/^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/, 'expected an action such as stage.decided').max(100);

/**
 * Query of `GET /api/v1/rounds/{id}/audit`: a page of entries, or with `download=true` the whole
 * trail as a file (then no other parameter).
 */
export const listAuditQuerySchema = z
  .strictObject({
    download: z.enum(['true', 'false', '1', '0']).transform((text) => text === 'true' || text === '1').optional(),
    /** One action or several, comma-separated. */
    action: z
      .string()
      .max(1_000)
      .transform((text) => text.split(','))
      .pipe(z.array(auditAction).min(1).max(20))
      .optional(),
    stage: stageKey.optional(),
    /** Entries that occurred at or after this instant. */
    since: instant.optional(),
    limit: pageLimitSchema.optional(),
    cursor: pageCursorSchema.optional(),
  })
  .superRefine((query, ctx) => {
    if (query.download !== true) return;
    for (const field of ['action', 'stage', 'since', 'limit', 'cursor'] as const) {
      if (query[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'download exports the whole trail: leave this parameter out' });
    }
  });
export type ListAuditQuery = z.infer<typeof listAuditQuerySchema>;

/** Query of `GET /api/v1/mailbox`. */
export const listMailboxQuerySchema = z.strictObject({
  /** Mail to this address (case does not matter). */
  to: z.string().trim().max(254).pipe(z.email()).optional(),
  ...pageQueryFields,
});
export type ListMailboxQuery = z.infer<typeof listMailboxQuerySchema>;

/** Query of `GET /api/v1/persons/{id}/notifications` and `GET /api/v1/notifications/administrators`. */
export const listInboxQuerySchema = z.strictObject({
  /** `true`: only what has not been read; `false`: only what has. */
  unread: flag.optional(),
  ...pageQueryFields,
});
export type ListInboxQuery = z.infer<typeof listInboxQuerySchema>;
