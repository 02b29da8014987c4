import { randomBytes } from 'node:crypto';
import type { StageState } from '@ratsweg/domain';
import { DateTime } from 'luxon';
import type { DataSource, EntityManager } from 'typeorm';
import type { DeliveryChannel } from './outbox.repository.js';

export const DELIVERY_MODES = ['immediate', 'digest'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

/** Kinds nobody can opt out of: the invitation to a meeting is legally required (Ladung). */
export const MANDATORY_NOTIFICATION_KINDS: readonly string[] = ['meeting.invitation'];

/** Digest e-mails wait for the next 07:00 Europe/Berlin. */
export const DIGEST_HOUR = 7;
export const DIGEST_TIME_ZONE = 'Europe/Berlin';

export interface NotificationPreference {
  deliveryMode: DeliveryMode;
  optedOutKinds: string[];
  calendarToken: string | null;
  modifiedAt: Date | null;
}

export const DEFAULT_NOTIFICATION_PREFERENCE: NotificationPreference = { deliveryMode: 'immediate', optedOutKinds: [], calendarToken: null, modifiedAt: null };

/** The next 07:00 Europe/Berlin strictly after `now` (DST-aware: 07:00 wall-clock time). */
export function nextDigestAt(now: Date): Date {
  const local = DateTime.fromJSDate(now).setZone(DIGEST_TIME_ZONE);
  let at = local.set({ hour: DIGEST_HOUR, minute: 0, second: 0, millisecond: 0 });
  if (at <= local) at = at.plus({ days: 1 }).set({ hour: DIGEST_HOUR, minute: 0, second: 0, millisecond: 0 });
  return at.toJSDate();
}

/**
 * Whether a rendered delivery is left out for the person's preference: only e-mails of a kind
 * the person opted out of, never a mandatory kind; inbox (and any other channel) always exists.
 */
export function isOptedOut(preference: NotificationPreference | undefined, kind: string, channel: DeliveryChannel): boolean {
  return channel === 'email' && !!preference && !MANDATORY_NOTIFICATION_KINDS.includes(kind) && preference.optedOutKinds.includes(kind);
}

/**
 * When a digest recipient's e-mail falls due: the next 07:00 Europe/Berlin; undefined when it
 * is sent at once (immediate mode, other channels, and mandatory kinds — an invitation never waits).
 */
export function digestSendAt(preference: NotificationPreference | undefined, kind: string, channel: DeliveryChannel, now: Date): Date | undefined {
  if (channel !== 'email' || preference?.deliveryMode !== 'digest' || MANDATORY_NOTIFICATION_KINDS.includes(kind)) return undefined;
  return nextDigestAt(now);
}

/** What the personal calendar feed shows: meetings of the person's bodies and the open stages of rounds before them. */
export interface CalendarFeedSource {
  personId: string;
  bodyKeys: string[];
  meetings: { id: string; name: string; start: Date; end: Date | null; location: string | null; state: string; roundId: string | null; meetingKey: string | null; modifiedAt: Date }[];
  rounds: { id: string; title: string; updatedAt: Date; stages: StageState[] }[];
}

interface PreferenceRow {
  personId: string;
  deliveryMode: DeliveryMode;
  optedOutKinds: string[];
  calendarToken: string | null;
  modifiedAt: Date;
}

const PREFERENCE_COLUMNS = `"person_id" AS "personId", "delivery_mode" AS "deliveryMode", "opted_out_kinds" AS "optedOutKinds", "calendar_token" AS "calendarToken", "modified_at" AS "modifiedAt"`;

function toPreference(row: PreferenceRow): NotificationPreference {
  return { deliveryMode: row.deliveryMode, optedOutKinds: row.optedOutKinds ?? [], calendarToken: row.calendarToken, modifiedAt: row.modifiedAt };
}

/** Per-person notification preferences and the secret token of the personal calendar feed. */
export class NotificationPreferenceRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The preferences of recipients `person:<id>` (others have none), for expanding a notification. */
  static async forRecipients(manager: EntityManager, tenant: string, recipientIds: string[]): Promise<Map<string, NotificationPreference>> {
    const personIds = recipientIds.filter((id) => id.startsWith('person:')).map((id) => id.slice('person:'.length));
    if (personIds.length === 0) return new Map();
    const rows = (await manager.query(`SELECT ${PREFERENCE_COLUMNS} FROM "notification_preference" WHERE "tenant" = $1 AND "person_id" = ANY($2::uuid[])`, [
      tenant,
      personIds,
    ])) as PreferenceRow[];
    return new Map(rows.map((row) => [`person:${row.personId}`, toPreference(row)]));
  }

  async personExists(tenant: string, personId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(`SELECT 1 FROM "person" WHERE "tenant" = $1 AND "id" = $2`, [tenant, personId])) as unknown[];
    return rows.length > 0;
  }

  /** The person's preferences; the defaults (immediate, nothing opted out) when none were saved. */
  async get(tenant: string, personId: string): Promise<NotificationPreference> {
    const rows = (await this.dataSource.query(`SELECT ${PREFERENCE_COLUMNS} FROM "notification_preference" WHERE "tenant" = $1 AND "person_id" = $2`, [
      tenant,
      personId,
    ])) as PreferenceRow[];
    return rows[0] ? toPreference(rows[0]) : { ...DEFAULT_NOTIFICATION_PREFERENCE };
  }

  async save(tenant: string, personId: string, preference: { deliveryMode: DeliveryMode; optedOutKinds: string[] }): Promise<NotificationPreference> {
    const rows = (await this.dataSource.query(
      `INSERT INTO "notification_preference" ("tenant", "person_id", "delivery_mode", "opted_out_kinds") VALUES ($1, $2, $3, $4::text[])
       ON CONFLICT ("tenant", "person_id") DO UPDATE SET "delivery_mode" = EXCLUDED."delivery_mode", "opted_out_kinds" = EXCLUDED."opted_out_kinds", "modified_at" = now()
       RETURNING ${PREFERENCE_COLUMNS}`,
      [tenant, personId, preference.deliveryMode, [...new Set(preference.optedOutKinds)].sort()],
    )) as PreferenceRow[];
    return toPreference(rows[0] as PreferenceRow);
  }

  /** Creates or replaces the feed's secret (32 random bytes, base64url); the old feed URL stops working. */
  async rotateCalendarToken(tenant: string, personId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.dataSource.query(
      `INSERT INTO "notification_preference" ("tenant", "person_id", "calendar_token") VALUES ($1, $2, $3)
       ON CONFLICT ("tenant", "person_id") DO UPDATE SET "calendar_token" = EXCLUDED."calendar_token", "modified_at" = now()`,
      [tenant, personId, token],
    );
    return token;
  }

  /** The feed of the person whose token this is; null for an unknown token. */
  async calendarFeed(token: string): Promise<(CalendarFeedSource & { tenant: string }) | null> {
    const owners = (await this.dataSource.query(`SELECT "tenant", "person_id" AS "personId" FROM "notification_preference" WHERE "calendar_token" = $1`, [token])) as {
      tenant: string;
      personId: string;
    }[];
    const owner = owners[0];
    if (!owner) return null;
    const bodies = (await this.dataSource.query(
      `SELECT DISTINCT b."id", b."key" FROM "membership" m JOIN "body" b ON b."id" = m."body_id" AND b."tenant" = m."tenant"
       WHERE m."tenant" = $1 AND m."person_id" = $2
         AND m."start_date" <= (now() AT TIME ZONE 'Europe/Berlin')::date
         AND (m."end_date" IS NULL OR m."end_date" >= (now() AT TIME ZONE 'Europe/Berlin')::date)`,
      [owner.tenant, owner.personId],
    )) as { id: string; key: string }[];
    const meetings = (await this.dataSource.query(
      `SELECT "id", "name", "start", "end", "location", "state", "round_id" AS "roundId", "meeting_key" AS "meetingKey", "modified_at" AS "modifiedAt"
       FROM "meeting" WHERE "tenant" = $1 AND "body_id" = ANY($2::uuid[]) ORDER BY "start", "id"`,
      [owner.tenant, bodies.map((body) => body.id)],
    )) as CalendarFeedSource['meetings'];
    const bodyKeys = bodies.map((body) => body.key);
    const rounds = (await this.dataSource.query(
      `SELECT "id", "title", "updated_at" AS "updatedAt", "stages" FROM "round"
       WHERE "tenant" = $1 AND "status" = 'running' AND "open_stage_bodies" && $2::text[] ORDER BY "created_at", "id"`,
      [owner.tenant, bodyKeys],
    )) as CalendarFeedSource['rounds'];
    return { tenant: owner.tenant, personId: owner.personId, bodyKeys, meetings, rounds };
  }
}
