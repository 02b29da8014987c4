import type { DataSource } from 'typeorm';

export interface InboxEntry {
  id: string;
  subject: string;
  text: string;
  createdAt: Date;
  readAt: Date | null;
  /** The exact `created_at` (microseconds), for the next page's cursor. */
  sortKey: string;
}

export interface MailboxEntry {
  id: string;
  messageId: string;
  recipient: string;
  subject: string;
  text: string;
  html: string;
  ics: string | null;
  createdAt: Date;
}

/** Reading side of the deliveries: the in-app inbox of a recipient and the local mailbox (mail kept when no SMTP server is configured). */
export class NotificationInboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Inbox deliveries of `recipient`, newest first; `after` is the (sortKey, id) of the previous page's last entry;
   * `unread`: only unread (`true`) or only read (`false`) entries.
   */
  async listInbox(tenant: string, recipient: string, limit: number, after?: { sortKey: string; id: string }, unread?: boolean): Promise<InboxEntry[]> {
    return (await this.dataSource.query(
      `SELECT "id", "subject", "body_text" AS "text", "created_at" AS "createdAt", "read_at" AS "readAt", "created_at"::text AS "sortKey"
       FROM "delivery" WHERE "tenant" = $1 AND "recipient" = $2 AND "channel" = 'inbox'
         AND ($4::timestamptz IS NULL OR ("created_at", "id") < ($4::timestamptz, $5::uuid))
         AND ($6::boolean IS NULL OR ("read_at" IS NULL) = $6)
       ORDER BY "created_at" DESC, "id" DESC LIMIT $3`,
      [tenant, recipient, limit, after?.sortKey ?? null, after?.id ?? null, unread ?? null],
    )) as InboxEntry[];
  }

  /** Marks an inbox entry read (the first reading time stays); null when the recipient has no such entry. */
  async markRead(tenant: string, recipient: string, deliveryId: string): Promise<InboxEntry | null> {
    const result = (await this.dataSource.query(
      `UPDATE "delivery" SET "read_at" = COALESCE("read_at", now())
       WHERE "id" = $3 AND "tenant" = $1 AND "recipient" = $2 AND "channel" = 'inbox'
       RETURNING "id", "subject", "body_text" AS "text", "created_at" AS "createdAt", "read_at" AS "readAt", "created_at"::text AS "sortKey"`,
      [tenant, recipient, deliveryId],
    )) as [InboxEntry[], number] | InboxEntry[];
    const rows = Array.isArray(result[0]) ? (result[0] as InboxEntry[]) : (result as InboxEntry[]);
    return rows[0] ?? null;
  }

  /**
   * Inbox deliveries of several recipients together (a person, a user account and the administrators'
   * shared inbox), newest first, with the recipient of each; `unreadOnly` leaves out what was read.
   * An entry of the `shared` inbox is left out when one of the other recipients got the same
   * change in an inbox of their own: the own copy is the one shown. (Delivery keys name the change
   * and the recipient — round:stage:kind:recipient:occurrence:channel — so the own copy's key is the
   * shared one's with the recipient replaced, found by its unique index.)
   */
  async listInboxes(
    tenant: string,
    recipients: readonly string[],
    limit: number,
    options: { after?: { sortKey: string; id: string }; unreadOnly?: boolean; shared?: string } = {},
  ): Promise<(InboxEntry & { recipient: string })[]> {
    const own = recipients.filter((recipient) => recipient !== options.shared);
    return (await this.dataSource.query(
      `SELECT d."id", d."recipient", d."subject", d."body_text" AS "text", d."created_at" AS "createdAt", d."read_at" AS "readAt", d."created_at"::text AS "sortKey"
       FROM "delivery" d WHERE d."tenant" = $1 AND d."recipient" = ANY($2::text[]) AND d."channel" = 'inbox'
         AND ($4::timestamptz IS NULL OR (d."created_at", d."id") < ($4::timestamptz, $5::uuid))
         AND (NOT $6::boolean OR d."read_at" IS NULL)
         AND NOT (d."recipient" = $7 AND EXISTS (
           SELECT 1 FROM "delivery" o
           WHERE o."idempotency_key" IN (SELECT replace(d."idempotency_key", ':' || $7 || ':', ':' || own || ':') FROM unnest($8::text[]) own)
             AND o."tenant" = d."tenant" AND o."channel" = 'inbox'))
       ORDER BY d."created_at" DESC, d."id" DESC LIMIT $3`,
      [tenant, [...recipients], limit, options.after?.sortKey ?? null, options.after?.id ?? null, options.unreadOnly === true, options.shared ?? null, own],
    )) as (InboxEntry & { recipient: string })[];
  }

  /** Marks an entry of any of `recipients`' inboxes read (the first reading time stays); null when none of them has it. */
  async markReadOfAny(tenant: string, recipients: readonly string[], deliveryId: string): Promise<(InboxEntry & { recipient: string }) | null> {
    const result = (await this.dataSource.query(
      `UPDATE "delivery" SET "read_at" = COALESCE("read_at", now())
       WHERE "id" = $3 AND "tenant" = $1 AND "recipient" = ANY($2::text[]) AND "channel" = 'inbox'
       RETURNING "id", "recipient", "subject", "body_text" AS "text", "created_at" AS "createdAt", "read_at" AS "readAt", "created_at"::text AS "sortKey"`,
      [tenant, [...recipients], deliveryId],
    )) as [(InboxEntry & { recipient: string })[], number] | (InboxEntry & { recipient: string })[];
    const rows = Array.isArray(result[0]) ? result[0] : (result as (InboxEntry & { recipient: string })[]);
    return rows[0] ?? null;
  }

  /**
   * The local mailbox of the tenant, newest first; `beforeId` continues after the previous page; `to`: mail to this address (any case).
   * Ordered by the numeric id of the table (`m."id"`), not by the text alias of the same name: `'9'` sorts after `'35'` as text.
   */
  async listMailbox(tenant: string, limit: number, beforeId?: string, to?: string): Promise<MailboxEntry[]> {
    return (await this.dataSource.query(
      `SELECT m."id"::text AS "id", m."message_id" AS "messageId", m."recipient", m."subject", m."body_text" AS "text", m."body_html" AS "html", m."ics", m."created_at" AS "createdAt"
       FROM "local_mailbox" m WHERE m."tenant" = $1 AND ($3::bigint IS NULL OR m."id" < $3::bigint) AND ($4::text IS NULL OR lower(m."recipient") = lower($4))
       ORDER BY m."id" DESC LIMIT $2`,
      [tenant, limit, beforeId ?? null, to ?? null],
    )) as MailboxEntry[];
  }

  async getMailbox(tenant: string, id: string): Promise<MailboxEntry | null> {
    const rows = (await this.dataSource.query(
      `SELECT "id"::text AS "id", "message_id" AS "messageId", "recipient", "subject", "body_text" AS "text", "body_html" AS "html", "ics", "created_at" AS "createdAt"
       FROM "local_mailbox" WHERE "tenant" = $1 AND "id" = $2::bigint`,
      [tenant, id],
    )) as MailboxEntry[];
    return rows[0] ?? null;
  }
}
