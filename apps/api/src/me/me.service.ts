import { Inject, Injectable } from '@nestjs/common';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import type { MyDeadlinesQuery, MyNotificationsQuery } from '@ratsweg/contracts';
import { isUuid } from '@ratsweg/domain';
import { ADMINISTRATORS_INBOX, listMyDeadlines, NotificationInboxRepository, type InboxEntry, type MyDeadlineRow } from '@ratsweg/persistence';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { decodeCursor, encodeCursor, invalidCursor, isTimestampText } from '../directory/directory-cursor.util.js';
import type { Locale } from '../i18n/locale.util.js';
import { ProblemException, text } from '../problem-details/problem.exception.js';

export interface MyDeadlineResponse {
  roundId: string;
  roundTitle: string;
  stageKey: string;
  stageTitle: string;
  /** Key of the responsible body. */
  body: string;
  deadlineAt: string;
  overdue: boolean;
  /** The person's role in that body: chair, deputy_chair, secretary or member. */
  role: string;
  /** The next reminder of the stage still to be sent, if any. */
  nextReminderAt?: string;
}

export interface MyNotificationResponse {
  id: string;
  /**
   * Whose inbox the entry is in: the linked person's, the user account's own (e.g. as the
   * administrator of a round the user started), or the administrators' shared one.
   */
  inbox: 'person' | 'user' | 'administrators';
  subject: string;
  text: string;
  createdAt: string;
  readAt: string | null;
}

export interface Page<T> {
  data: T[];
  next?: string;
}

const ADMINISTRATORS = ADMINISTRATORS_INBOX;
const STAGE_KEY = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** What awaits the signed-in user: the deadlines of their bodies and their in-app inbox. */
@Injectable()
export class MeService {
  constructor(
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(NotificationInboxRepository) private readonly inbox: NotificationInboxRepository,
  ) {}

  private get tenant(): string {
    return this.config.RATSWEG_TENANT;
  }

  /** Open stages with a deadline in the bodies the user's person belongs to today; empty without a linked person. */
  async deadlines(principal: Principal, query: MyDeadlinesQuery, locale: Locale, now = new Date()): Promise<Page<MyDeadlineResponse>> {
    const after = query.cursor ? decodeDeadlineCursor(query.cursor) : undefined;
    if (!principal.personId) return { data: [] };
    const rows = await listMyDeadlines(this.dataSource, {
      tenant: this.tenant,
      personId: principal.personId,
      ...(query.before ? { before: new Date(query.before) } : {}),
      ...(query.overdue !== undefined ? { overdue: query.overdue } : {}),
      now,
      limit: query.limit + 1,
      ...(after ? { after } : {}),
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      data: page.map((row) => presentDeadline(row, locale, now)),
      ...(rows.length > query.limit && last ? { next: encodeCursor(['deadline', last.sortKey, last.roundId, last.stageKey]) } : {}),
    };
  }

  /**
   * The person's inbox, the user account's own and, for administrators, the shared administrators'
   * inbox, newest first; a shared entry the user also got in an own inbox is shown once, as the own one.
   */
  async notifications(principal: Principal, query: MyNotificationsQuery): Promise<Page<MyNotificationResponse>> {
    let after: { sortKey: string; id: string } | undefined;
    if (query.cursor) {
      const [kind, sortKey, id, ...rest] = decodeCursor(query.cursor);
      if (kind !== 'inbox' || rest.length > 0 || !sortKey || !id || !isUuid(id) || !isTimestampText(sortKey)) throw invalidCursor();
      after = { sortKey, id };
    }
    const recipients = recipientsOf(principal);
    if (recipients.length === 0) return { data: [] };
    const rows = await this.inbox.listInboxes(this.tenant, recipients, query.limit + 1, {
      ...(after ? { after } : {}),
      ...(query.unread ? { unreadOnly: true } : {}),
      shared: ADMINISTRATORS,
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return { data: page.map(presentNotification), ...(rows.length > query.limit && last ? { next: encodeCursor(['inbox', last.sortKey, last.id]) } : {}) };
  }

  /** Marks an entry of the user's own inboxes read; another's entry is as unknown as a made-up id. */
  async markRead(principal: Principal, deliveryId: string): Promise<MyNotificationResponse> {
    const recipients = recipientsOf(principal);
    const entry = isUuid(deliveryId) && recipients.length > 0 ? await this.inbox.markReadOfAny(this.tenant, recipients, deliveryId) : null;
    if (!entry) throw new ProblemException('not-found', text(`Keine Benachrichtigung mit der Id ${deliveryId}.`, `No notification with id ${deliveryId}.`));
    return presentNotification(entry);
  }
}

function recipientsOf(principal: Principal): string[] {
  return [
    ...(principal.personId ? [`person:${principal.personId}`] : []),
    ...(principal.kind === 'user' ? [`user:${principal.id}`] : []),
    ...(principal.roles.has('admin') ? [ADMINISTRATORS] : []),
  ];
}

function decodeDeadlineCursor(cursor: string): { deadlineAt: string; roundId: string; stageKey: string } {
  const [kind, deadlineAt, roundId, stageKey, ...rest] = decodeCursor(cursor);
  if (kind !== 'deadline' || rest.length > 0 || !deadlineAt || !isTimestampText(deadlineAt) || !roundId || !isUuid(roundId) || !stageKey || !STAGE_KEY.test(stageKey)) {
    throw invalidCursor();
  }
  return { deadlineAt, roundId, stageKey };
}

function presentDeadline(row: MyDeadlineRow, locale: Locale, now: Date): MyDeadlineResponse {
  const deadlineAt = new Date(row.deadlineAt);
  return {
    roundId: row.roundId,
    roundTitle: row.roundTitle,
    stageKey: row.stageKey,
    stageTitle: row.stageTitle[locale],
    body: row.body,
    deadlineAt: deadlineAt.toISOString(),
    overdue: deadlineAt.getTime() < now.getTime(),
    role: row.role,
    ...(row.nextReminderAt ? { nextReminderAt: new Date(row.nextReminderAt).toISOString() } : {}),
  };
}

function presentNotification(entry: InboxEntry & { recipient: string }): MyNotificationResponse {
  return {
    id: entry.id,
    inbox: entry.recipient === ADMINISTRATORS ? 'administrators' : entry.recipient.startsWith('user:') ? 'user' : 'person',
    subject: entry.subject,
    text: entry.text,
    createdAt: new Date(entry.createdAt).toISOString(),
    readAt: entry.readAt ? new Date(entry.readAt).toISOString() : null,
  };
}
