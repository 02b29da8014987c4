import { createHash } from 'node:crypto';
import type { RoundChange, RoundState } from '@ratsweg/domain';
import type { DataSource, EntityManager } from 'typeorm';
import { digestSendAt, isOptedOut, NotificationPreferenceRepository } from './notification-preference.repository.js';
import { toWebhookCloudEvent } from '../webhook/webhook-cloud-event.util.js';
import { WebhookSubscriptionRepository } from '../webhook/webhook-subscription.repository.js';
import { CommentRepository, type CommentCounts } from '../comment/comment.repository.js';

export type DeliveryChannel = 'email' | 'inbox' | 'webhook';

export interface NotificationRow {
  id: string;
  tenant: string;
  roundId: string;
  stageKey: string | null;
  kind: string;
  audience: string;
  occurrence: string;
  payload: NotificationPayload;
  createdAt: Date;
}

/** What a notification says; ids and texts of the round, never a recipient's personal data. */
export interface NotificationPayload {
  round: { id: string; title: string };
  stage?: { key: string; type: string; title: { de: string; en: string }; body?: string };
  at: string;
  deadline?: string;
  meeting?: { key?: string; start: string; invitationDeadline?: string; sequence?: number };
  outcome?: string;
  reason?: string;
  report?: number;
  /** When a public consultation closes: how many comments it received (read from public_comment, never from the workflow). */
  comments?: CommentCounts;
  /** Every audience the change is told to (each has a notification of its own): so that one person is told once. */
  audiences?: string[];
  /**
   * Which opening of the stage (`iteration`) and which version of its date (`revision`, the
   * stage's `deadlineRevision`) the notification speaks of: the SEQUENCE of calendar attachments.
   */
  calendar?: { iteration: number; revision: number };
}

export interface Recipient {
  /**
   * `person:<id>` (a directory person), `user:<id>` (a user account: the round's administrator),
   * or `role:administrator` for the administrators' shared inbox.
   */
  id: string;
  email: string | null;
  locale: 'de' | 'en';
  /** The directory person the recipient is, or the user account is linked to: whose notification preferences apply. */
  personId?: string;
}

/** The administrators' shared inbox: every administrator sees it. */
export const ADMINISTRATORS_INBOX = 'role:administrator';

export interface RenderedDelivery {
  channel: DeliveryChannel;
  recipient: Recipient;
  subject: string;
  text: string;
  html: string;
  ics?: string;
}

export interface DueDelivery {
  id: string;
  tenant: string;
  channel: DeliveryChannel;
  recipient: string;
  address: string | null;
  idempotencyKey: string;
  messageId: string;
  subject: string;
  bodyText: string;
  bodyHtml: string;
  ics: string | null;
  attempts: number;
  /** The recipient's language (e-mail and inbox deliveries). */
  locale?: 'de' | 'en' | null;
}

/**
 * The transactional outbox. Notifications are written with the round's change (same
 * transaction); the dispatcher expands them into deliveries — one per recipient and channel
 * under a unique key (round, stage, kind, recipient, occurrence, channel) — and leases due
 * deliveries one batch at a time (`FOR UPDATE SKIP LOCKED`), so several workers never send the same one.
 */
export class OutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Writes the notifications of a recorded change; called inside the recording transaction. */
  static async enqueue(manager: EntityManager, tenant: string, state: RoundState, seq: number, changes: RoundChange[]): Promise<void> {
    const rows: Record<string, unknown>[] = [];
    for (const change of changes) {
      const closedConsultation =
        (change.audiences ?? []).length > 0 && (change.action === 'stage.closed' || change.action === 'stage.decided') && change.stageKey
          ? state.stages.find((candidate) => candidate.key === change.stageKey && candidate.type === 'public_consultation')
          : undefined;
      // Counted in the recording's transaction: a comment being stored holds the round row, so it is either counted or refused.
      const comments = closedConsultation ? await CommentRepository.countFor(manager, tenant, state.id, closedConsultation.key) : undefined;
      for (const audience of change.audiences ?? []) {
        const stage = change.stageKey ? state.stages.find((candidate) => candidate.key === change.stageKey) : undefined;
        const details = (change.details ?? {}) as Record<string, unknown>;
        const occurrence = change.occurrence ?? `seq-${seq}`;
        const payload: NotificationPayload = {
          round: { id: state.id, title: state.title },
          ...(stage ? { stage: { key: stage.key, type: stage.type, title: stage.title, ...(stage.body ? { body: stage.body } : {}) } } : {}),
          at: change.at,
          ...(typeof details.deadline === 'string' ? { deadline: details.deadline } : stage?.deadline ? { deadline: stage.deadline.at } : {}),
          ...(typeof details.to === 'string' && change.action === 'stage.deadline_extended' ? { deadline: details.to } : {}),
          ...(typeof details.start === 'string'
            ? {
                meeting: {
                  ...(typeof details.meeting === 'string' ? { key: details.meeting } : {}),
                  start: details.start,
                  ...(typeof details.invitationDeadline === 'string' ? { invitationDeadline: details.invitationDeadline } : {}),
                  ...(typeof details.sequence === 'number' ? { sequence: details.sequence } : {}),
                },
              }
            : stage?.meeting
              ? { meeting: { key: stage.meeting.key, start: stage.meeting.start, sequence: stage.deadlineRevision } }
              : {}),
          ...(typeof details.outcome === 'string' ? { outcome: details.outcome } : typeof details.result === 'string' ? { outcome: details.result } : {}),
          ...(typeof details.reason === 'string' ? { reason: details.reason } : {}),
          ...(typeof details.report === 'number' ? { report: details.report } : {}),
          ...(comments ? { comments } : {}),
          ...(stage ? { calendar: calendarPositionOf(change, stage) } : {}),
          audiences: change.audiences ?? [],
        };
        rows.push({
          tenant,
          round_id: state.id,
          stage_key: change.stageKey ?? null,
          kind: change.action,
          audience,
          occurrence,
          idempotency_key: `${state.id}:${change.stageKey ?? '-'}:${change.action}:${audience}:${occurrence}`,
          payload,
        });
      }
    }
    if (rows.length === 0) return;
    // All notifications of the recording in one statement with one parameter, as the deliveries are written.
    await manager.query(
      `INSERT INTO "notification" ("tenant", "round_id", "stage_key", "kind", "audience", "occurrence", "idempotency_key", "payload")
       SELECT n."tenant", n."round_id", n."stage_key", n."kind", n."audience", n."occurrence", n."idempotency_key", n."payload"
       FROM jsonb_to_recordset($1::jsonb) AS n("tenant" text, "round_id" uuid, "stage_key" text, "kind" text, "audience" text,
         "occurrence" text, "idempotency_key" text, "payload" jsonb)
       ON CONFLICT ("idempotency_key") DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }

  /**
   * Expands pending notifications into deliveries. Recipients are resolved now, from the
   * directory: members of a body on today's date (Europe/Berlin), never those whose membership ended.
   *
   * One transaction per batch, with the statements batched: recipients resolved once per
   * audience (and round, for its administrator), the preferences of all recipients in one query,
   * all delivery rows of the batch in one INSERT, the notifications marked expanded in one UPDATE.
   */
  async expandPending(tenant: string, limit: number, render: (notification: NotificationRow, recipient: Recipient) => RenderedDelivery[]): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows = (await manager.query(
        `SELECT "id", "tenant", "round_id" AS "roundId", "stage_key" AS "stageKey", "kind", "audience", "occurrence", "payload", "created_at" AS "createdAt"
         FROM "notification" WHERE "tenant" = $2 AND "status" = 'pending' ORDER BY "created_at", "id" LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit, tenant],
      )) as NotificationRow[];
      if (rows.length === 0) return 0;
      // The same audience (of the same round, for its administrator) has the same recipients within the batch.
      const resolved = new Map<string, Recipient[]>();
      const recipientsOf: Recipient[][] = [];
      for (const notification of rows) {
        const key = resolutionKey(notification);
        let recipients = resolved.get(key);
        if (!recipients) {
          recipients = await this.resolve(manager, notification);
          resolved.set(key, recipients);
        }
        recipientsOf.push(recipients);
      }
      // Preferences: an opted-out kind gets no e-mail (the inbox entry stays); digest mode defers e-mails.
      // A user account linked to a person follows that person's preferences.
      const preferenceKey = (recipient: Recipient) => (recipient.personId ? `person:${recipient.personId}` : recipient.id);
      const preferences = await NotificationPreferenceRepository.forRecipients(manager, tenant, [...new Set(recipientsOf.flat().map(preferenceKey))]);
      const subscriptions = new Map<string, { id: string; url: string }[]>();
      const deliveries: DeliveryInsert[] = [];
      const digests: { key: string; at: string }[] = [];
      for (const [index, notification] of rows.entries()) {
        for (const recipient of recipientsOf[index] ?? []) {
          const preference = preferences.get(preferenceKey(recipient));
          for (const delivery of render(notification, recipient)) {
            if (isOptedOut(preference, notification.kind, delivery.channel)) continue;
            const key = `${notification.roundId}:${notification.stageKey ?? '-'}:${notification.kind}:${recipient.id}:${notification.occurrence}:${delivery.channel}`;
            deliveries.push({
              tenant: notification.tenant,
              notification_id: notification.id,
              channel: delivery.channel,
              recipient: recipient.id,
              address: delivery.channel === 'email' ? recipient.email : null,
              locale: recipient.locale,
              idempotency_key: key,
              message_id: messageIdFor(key, notification.tenant),
              subject: delivery.subject,
              body_text: delivery.text,
              body_html: delivery.html,
              ics: delivery.ics ?? null,
              sent: delivery.channel === 'inbox',
            });
            // Digest mode: the e-mail waits (pending) for the next 07:00 Europe/Berlin and goes out
            // combined with the recipient's other due digest e-mails (NotificationDigestRepository).
            const digestAt = digestSendAt(preference, notification.kind, delivery.channel, new Date());
            if (digestAt) digests.push({ key, at: digestAt.toISOString() });
          }
        }
        // --- webhooks: one delivery per change and subscription (the key leaves out the audience,
        // so the notifications of one change for several audiences collapse into one event) ---
        let active = subscriptions.get(notification.kind);
        if (!active) {
          active = await WebhookSubscriptionRepository.activeFor(manager, tenant, notification.kind);
          subscriptions.set(notification.kind, active);
        }
        for (const subscription of active) {
          const key = `${notification.roundId}:${notification.stageKey ?? '-'}:${notification.kind}:webhook:${subscription.id}:${notification.occurrence}`;
          deliveries.push({
            tenant: notification.tenant,
            notification_id: notification.id,
            channel: 'webhook',
            recipient: `webhook:${subscription.id}`,
            address: subscription.url,
            locale: 'de',
            idempotency_key: key,
            message_id: messageIdFor(key, notification.tenant),
            subject: notification.kind,
            body_text: JSON.stringify(toWebhookCloudEvent(notification, key)),
            body_html: '',
            ics: null,
            sent: false,
          });
        }
        // --- end webhooks ---
      }
      for (let from = 0; from < deliveries.length; from += INSERT_CHUNK) {
        await manager.query(
          `INSERT INTO "delivery" ("tenant", "notification_id", "channel", "recipient", "address", "locale", "idempotency_key", "message_id",
             "subject", "body_text", "body_html", "ics", "status", "sent_at")
           SELECT d."tenant", d."notification_id", d."channel", d."recipient", d."address", d."locale", d."idempotency_key", d."message_id",
             d."subject", d."body_text", d."body_html", d."ics", CASE WHEN d."sent" THEN 'sent' ELSE 'pending' END, CASE WHEN d."sent" THEN now() END
           FROM jsonb_to_recordset($1::jsonb) AS d("tenant" text, "notification_id" uuid, "channel" text, "recipient" text, "address" text, "locale" text,
             "idempotency_key" text, "message_id" text, "subject" text, "body_text" text, "body_html" text, "ics" text, "sent" boolean)
           ON CONFLICT ("idempotency_key") DO NOTHING`,
          [JSON.stringify(deliveries.slice(from, from + INSERT_CHUNK))],
        );
      }
      if (digests.length > 0) {
        await manager.query(
          `UPDATE "delivery" d SET "digest" = true, "next_attempt_at" = x."at"
           FROM jsonb_to_recordset($1::jsonb) AS x("key" text, "at" timestamptz)
           WHERE d."idempotency_key" = x."key" AND d."attempts" = 0 AND d."status" = 'pending'`,
          [JSON.stringify(digests)],
        );
      }
      await manager.query(`UPDATE "notification" SET "status" = 'expanded', "expanded_at" = now() WHERE "id" = ANY($1::uuid[])`, [rows.map((row) => row.id)]);
      return rows.length;
    });
  }

  /** Leases due deliveries of a channel for `leaseMs`; a worker that dies mid-send releases them by expiry. */
  /** `tenant` (optional; used for webhooks) leases only that tenant's deliveries. */
  async claimDue(channel: DeliveryChannel, limit: number, leaseMs: number, tenant: string): Promise<DueDelivery[]> {
    // An UPDATE … RETURNING answers [rows, count] through TypeORM's query().
    const result = (await this.dataSource.query(
      `UPDATE "delivery" d SET "status" = 'sending', "attempts" = d."attempts" + 1, "next_attempt_at" = now() + ($3 * interval '1 millisecond')
       WHERE d."id" IN (
         SELECT "id" FROM "delivery" WHERE "channel" = $1 AND "status" IN ('pending', 'sending') AND "next_attempt_at" <= now() AND NOT "digest"
           AND "tenant" = $4
         ORDER BY "next_attempt_at" LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING d."id", d."tenant", d."channel", d."recipient", d."address", d."idempotency_key" AS "idempotencyKey", d."message_id" AS "messageId",
         d."subject", d."body_text" AS "bodyText", d."body_html" AS "bodyHtml", d."ics", d."attempts", d."locale"`,
      [channel, limit, leaseMs, tenant ?? null],
    )) as [DueDelivery[], number] | DueDelivery[];
    return Array.isArray(result[0]) ? (result[0] as DueDelivery[]) : (result as DueDelivery[]);
  }

  /**
   * Marks a leased delivery sent. `attempts` is the lease's attempt number: when another
   * worker has taken the delivery over in the meantime, its state is not touched.
   */
  async markSent(id: string, attempts?: number): Promise<void> {
    await this.markAllSent([{ id, attempts }]);
  }

  /**
   * Marks leased deliveries sent, each as `markSent` does, in one statement (atomic on its own):
   * the states and one attempt row each in one round trip.
   */
  async markAllSent(deliveries: readonly { id: string; attempts?: number }[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.dataSource.query(
      `WITH "sent" AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS s("id" uuid, "attempts" integer)),
       "marked" AS (
         UPDATE "delivery" d SET "status" = 'sent', "sent_at" = now(), "last_error" = NULL FROM "sent" s
         WHERE d."id" = s."id" AND d."status" <> 'sent' AND (s."attempts" IS NULL OR d."attempts" = s."attempts"))
       INSERT INTO "delivery_attempt" ("delivery_id", "outcome") SELECT s."id", 'sent' FROM "sent" s`,
      [JSON.stringify(deliveries.map((delivery) => ({ id: delivery.id, attempts: delivery.attempts ?? null })))],
    );
  }

  /** Records a failed attempt; `retryAt` undefined means it is given up (status failed). */
  async markFailed(id: string, error: string, retryAt?: Date, attempts?: number): Promise<void> {
    // Never turns a delivery that another worker has sent (or re-leased) back into pending or failed.
    // One statement (atomic on its own): the state and the attempt row in one round trip.
    await this.dataSource.query(
      `WITH "marked" AS (
         UPDATE "delivery" SET "status" = $2, "next_attempt_at" = COALESCE($3::timestamptz, "next_attempt_at"), "last_error" = $4
         WHERE "id" = $1 AND "status" <> 'sent' AND ($5::int IS NULL OR "attempts" = $5))
       INSERT INTO "delivery_attempt" ("delivery_id", "outcome", "error") VALUES ($1, 'error', $4)`,
      [id, retryAt ? 'pending' : 'failed', retryAt ?? null, error.slice(0, 2000), attempts ?? null],
    );
  }

  /** The embedded default without SMTP: mail kept in a local mailbox (once per Message-ID). */
  async deliverLocally(delivery: DueDelivery): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO "local_mailbox" ("tenant", "message_id", "recipient", "subject", "body_text", "body_html", "ics")
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT ("message_id") DO NOTHING`,
      [delivery.tenant, delivery.messageId, delivery.address, delivery.subject, delivery.bodyText, delivery.bodyHtml, delivery.ics],
    );
  }

  private async resolve(manager: EntityManager, notification: NotificationRow): Promise<Recipient[]> {
    const audience = notification.audience;
    if (audience === 'administrator') return this.resolveAdministrators(manager, notification);
    const stageBody = notification.payload.stage?.body;
    const [kind, key] = audience.startsWith('responsible-')
      ? [audience === 'responsible-secretary' ? 'secretary' : 'body', stageBody]
      : (audience.split(':') as [string, string | undefined]);
    if (!key) return [];
    const role = kind === 'secretary' ? 'secretary' : kind === 'chair' ? 'chair' : null;
    const rows = (await manager.query(
      `SELECT DISTINCT p."id", p."email", p."locale"
       FROM "membership" m JOIN "body" b ON b."id" = m."body_id" AND b."tenant" = m."tenant" JOIN "person" p ON p."id" = m."person_id" AND p."tenant" = m."tenant"
       WHERE m."tenant" = $1 AND b."key" = $2 AND ($3::text IS NULL OR m."role" = $3)
         AND m."start_date" <= (now() AT TIME ZONE 'Europe/Berlin')::date
         AND (m."end_date" IS NULL OR m."end_date" >= (now() AT TIME ZONE 'Europe/Berlin')::date)
       ORDER BY p."id"`,
      [notification.tenant, key, role],
    )) as { id: string; email: string | null; locale: string }[];
    return rows.map((row) => ({ id: `person:${row.id}`, email: row.email, locale: row.locale === 'en' ? 'en' : 'de', personId: row.id }));
  }

  /**
   * The audience `administrator`: the administrators' shared inbox, and the round's administrator —
   * the user who started the round (the actor of its `round.started` audit entry) — with an e-mail
   * to the account's address and an inbox entry of their own, in the language of the linked person
   * (German without one). Resolved now: a user who is disabled or no longer an administrator gets
   * nothing (the shared inbox still has it), nor does a round started by an API key or the system.
   *
   * When the user's linked person is told of the same change anyway (a member or secretary of an
   * addressed body, with an e-mail address), the person's message is the one: no second copy.
   */
  private async resolveAdministrators(manager: EntityManager, notification: NotificationRow): Promise<Recipient[]> {
    const shared: Recipient = { id: ADMINISTRATORS_INBOX, email: null, locale: 'de' };
    const rows = (await manager.query(
      `SELECT u."id", u."email", p."id" AS "personId", p."locale"
       FROM "audit_entry" a
       JOIN "app_user" u ON u."tenant" = a."tenant" AND a."actor" = 'user:' || u."id"::text
       LEFT JOIN "person" p ON p."tenant" = u."tenant" AND p."id" = u."person_id"
       WHERE a."tenant" = $1 AND a."chain" = $2 AND a."action" = 'round.started'
         AND NOT u."disabled" AND 'admin' = ANY (u."roles")
       ORDER BY a."chain_position" LIMIT 1`,
      [notification.tenant, `round:${notification.roundId}`],
    )) as { id: string; email: string; personId: string | null; locale: string | null }[];
    const user = rows[0];
    if (!user) return [shared];
    if (user.personId && (await this.toldAsPerson(manager, notification, user.personId))) return [shared];
    return [
      shared,
      { id: `user:${user.id}`, email: user.email, locale: user.locale === 'en' ? 'en' : 'de', ...(user.personId ? { personId: user.personId } : {}) },
    ];
  }

  /** Whether another audience of the same change reaches the person today, by e-mail. */
  private async toldAsPerson(manager: EntityManager, notification: NotificationRow, personId: string): Promise<boolean> {
    for (const audience of notification.payload.audiences ?? []) {
      if (audience === 'administrator') continue;
      const recipients = await this.resolve(manager, { ...notification, audience });
      if (recipients.some((recipient) => recipient.personId === personId && recipient.email)) return true;
    }
    return false;
  }
}

/** Delivery rows written by one INSERT of an expansion batch; more go in several. */
const INSERT_CHUNK = 500;

interface DeliveryInsert {
  tenant: string;
  notification_id: string;
  channel: DeliveryChannel;
  recipient: string;
  address: string | null;
  locale: string;
  idempotency_key: string;
  message_id: string;
  subject: string;
  body_text: string;
  body_html: string;
  ics: string | null;
  /** Inbox entries are delivered by being written. */
  sent: boolean;
}

/**
 * What the recipients of a notification depend on: its audience and the stage's body; for the
 * audience `administrator` also the round (whose starter it is) and the change's other audiences.
 */
function resolutionKey(notification: NotificationRow): string {
  const body = notification.payload.stage?.body ?? '';
  if (notification.audience !== 'administrator') return `${notification.audience}|${body}`;
  return `administrator|${notification.roundId}|${body}|${(notification.payload.audiences ?? []).join(',')}`;
}

/**
 * The opening of the stage and the version of its date a change belongs to, as its occurrence
 * names them (`<iteration>` or `<iteration>.<revision>…`, see Round); the stage's current ones otherwise.
 */
function calendarPositionOf(change: RoundChange, stage: RoundState['stages'][number]): { iteration: number; revision: number } {
  const match = /^(\d+)(?:\.(\d+))?(?:$|:)/.exec(change.occurrence ?? '');
  if (match) return { iteration: Number(match[1]), revision: match[2] === undefined ? 0 : Number(match[2]) };
  return { iteration: stage.iteration, revision: stage.deadlineRevision };
}

/** A stable Message-ID per delivery key: a resent mail is recognisable as the same message. */
export function messageIdFor(key: string, tenant: string): string {
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 40);
  return `<${hash}@${tenant.replace(/[^a-z0-9-]/gi, '') || 'tenant'}.ratsweg.invalid>`;
}
