import { Inject, Injectable } from '@nestjs/common';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import { icsCalendar } from '@ratsweg/notifications';
import { NotificationInboxRepository, NotificationPreferenceRepository, type InboxEntry, type MailboxEntry } from '@ratsweg/persistence';
import type { ListInboxQuery, ListMailboxQuery } from '@ratsweg/contracts';
import { decodeCursor, encodeCursor, invalidCursor, isTimestampText, pageOf } from '../directory/directory-cursor.util.js';
import { ProblemException, text } from '../problem-details/problem.exception.js';
import { calendarFeedEvents } from './calendar-feed.util.js';
import type { NotificationPreferenceRequest } from './notification.request.js';
import { isUuid } from '@ratsweg/domain';
import { DirectoryService } from '../directory/directory.service.js';

export interface NotificationPreferenceResponse {
  deliveryMode: 'immediate' | 'digest';
  optedOutKinds: string[];
  /** Whether a personal calendar feed exists (its URL is shown only when created). */
  calendarFeed: boolean;
  /** The language of the person's notifications (e-mail and inbox): the directory person's `locale`. */
  locale: 'de' | 'en';
}

export interface InboxEntryResponse {
  id: string;
  subject: string;
  text: string;
  createdAt: string;
  readAt: string | null;
}

export interface MailboxEntryResponse {
  id: string;
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  ics: string | null;
  createdAt: string;
}

export interface Page<T> {
  data: T[];
  next?: string;
}

const ADMINISTRATORS = 'role:administrator';

/**
 * Notification preferences, the personal calendar feed, the in-app inbox and the local mailbox.
 * Authentication and `/me` come in a later issue: until then these routes name the person by id.
 */
@Injectable()
export class NotificationService {
  constructor(
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
    @Inject(NotificationPreferenceRepository) private readonly preferences: NotificationPreferenceRepository,
    @Inject(NotificationInboxRepository) private readonly inbox: NotificationInboxRepository,
    @Inject(DirectoryService) private readonly directory: DirectoryService,
  ) {}

  private get tenant(): string {
    return this.config.RATSWEG_TENANT;
  }

  async getPreferences(personId: string): Promise<NotificationPreferenceResponse> {
    await this.requirePerson(personId);
    const person = await this.directory.getPerson(personId);
    return presentPreference(await this.preferences.get(this.tenant, personId), person.locale);
  }

  /** Saves the preferences; a new `locale` changes the directory person (audited there as `person.changed`). */
  async savePreferences(personId: string, request: NotificationPreferenceRequest, actor: string): Promise<NotificationPreferenceResponse> {
    await this.requirePerson(personId);
    const { locale, ...preference } = request;
    const person = locale === undefined ? await this.directory.getPerson(personId) : await this.directory.updatePerson(personId, { locale }, actor);
    return presentPreference(await this.preferences.save(this.tenant, personId, preference), person.locale);
  }

  /** Creates or rotates the secret of the person's feed; the previous URL stops working. */
  async rotateCalendarToken(personId: string): Promise<{ feedUrl: string }> {
    await this.requirePerson(personId);
    const token = await this.preferences.rotateCalendarToken(this.tenant, personId);
    return { feedUrl: `/api/v1/calendar/${token}.ics` };
  }

  /** The personal feed (METHOD:PUBLISH); 404 for a token nobody holds. */
  async calendarFeed(token: string, locale: 'de' | 'en'): Promise<string> {
    const source = /^[A-Za-z0-9_-]{20,100}$/.test(token) ? await this.preferences.calendarFeed(token) : null;
    if (!source || source.tenant !== this.tenant) {
      throw new ProblemException('not-found', text('Diesen Kalender gibt es nicht.', 'There is no such calendar.'));
    }
    const base = (this.config.PUBLIC_BASE_URL ?? `http://${this.config.HOST}:${this.config.PORT}`).replace(/\/$/, '');
    return icsCalendar(calendarFeedEvents(source, base, locale), { method: 'PUBLISH', name: 'Ratsweg' });
  }

  async listPersonInbox(personId: string, query: ListInboxQuery): Promise<Page<InboxEntryResponse>> {
    await this.requirePerson(personId);
    return this.listInbox(`person:${personId}`, query);
  }

  async listAdministratorInbox(query: ListInboxQuery): Promise<Page<InboxEntryResponse>> {
    return this.listInbox(ADMINISTRATORS, query);
  }

  async markRead(personId: string, deliveryId: string): Promise<InboxEntryResponse> {
    await this.requirePerson(personId);
    const entry = isUuid(deliveryId) ? await this.inbox.markRead(this.tenant, `person:${personId}`, deliveryId) : null;
    if (!entry) throw new ProblemException('not-found', text(`Keine Benachrichtigung mit der Id ${deliveryId}.`, `No notification with id ${deliveryId}.`));
    return presentInbox(entry);
  }

  async listMailbox(query: ListMailboxQuery): Promise<Page<MailboxEntryResponse>> {
    let before: string | undefined;
    if (query.cursor) {
      const [id, ...rest] = decodeCursor(query.cursor);
      if (rest.length > 0 || !id || !/^\d{1,18}$/.test(id)) throw invalidCursor();
      before = id;
    }
    const rows = await this.inbox.listMailbox(this.tenant, query.limit + 1, before, query.to);
    return pageOf(rows, query.limit, presentMail, (row) => encodeCursor([row.id]));
  }

  async getMail(id: string): Promise<MailboxEntryResponse> {
    const row = /^\d{1,18}$/.test(id) ? await this.inbox.getMailbox(this.tenant, id) : null;
    if (!row) throw new ProblemException('not-found', text(`Keine Nachricht mit der Id ${id}.`, `No message with id ${id}.`));
    return presentMail(row);
  }

  private async listInbox(recipient: string, query: ListInboxQuery): Promise<Page<InboxEntryResponse>> {
    let after: { sortKey: string; id: string } | undefined;
    if (query.cursor) {
      const [sortKey, id, ...rest] = decodeCursor(query.cursor);
      if (rest.length > 0 || !sortKey || !id || !isUuid(id) || !isTimestampText(sortKey)) throw invalidCursor();
      after = { sortKey, id };
    }
    const rows = await this.inbox.listInbox(this.tenant, recipient, query.limit + 1, after, query.unread);
    return pageOf(rows, query.limit, presentInbox, (row) => encodeCursor([row.sortKey, row.id]));
  }

  private async requirePerson(personId: string): Promise<void> {
    if (!isUuid(personId) || !(await this.preferences.personExists(this.tenant, personId))) {
      throw new ProblemException('not-found', text(`Keine Person mit der Id ${personId}.`, `No person with id ${personId}.`));
    }
  }
}

function presentPreference(
  preference: { deliveryMode: 'immediate' | 'digest'; optedOutKinds: string[]; calendarToken: string | null },
  locale: string,
): NotificationPreferenceResponse {
  return {
    deliveryMode: preference.deliveryMode,
    optedOutKinds: preference.optedOutKinds,
    calendarFeed: preference.calendarToken !== null,
    locale: locale === 'en' ? 'en' : 'de',
  };
}

function presentInbox(entry: InboxEntry): InboxEntryResponse {
  return {
    id: entry.id,
    subject: entry.subject,
    text: entry.text,
    createdAt: new Date(entry.createdAt).toISOString(),
    readAt: entry.readAt ? new Date(entry.readAt).toISOString() : null,
  };
}

function presentMail(entry: MailboxEntry): MailboxEntryResponse {
  return {
    id: entry.id,
    messageId: entry.messageId,
    to: entry.recipient,
    subject: entry.subject,
    text: entry.text,
    html: entry.html,
    ics: entry.ics,
    createdAt: new Date(entry.createdAt).toISOString(),
  };
}
