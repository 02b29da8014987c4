import type { NotificationPayload } from '@ratsweg/persistence';
import { calendarSequence, icsCalendar, type CalendarMethod } from './ics.util.js';

/** Kinds whose e-mail carries the meeting as an invitation (METHOD:REQUEST). */
const MEETING_KINDS: readonly string[] = ['meeting.invitation', 'stage.meeting_moved'];
/** Kinds whose e-mail carries the stage's deadline as a calendar entry (METHOD:PUBLISH). */
const DEADLINE_KINDS: readonly string[] = ['stage.opened', 'reminder.due', 'stage.deadline_extended'];

/** The UID of a stage's deadline entry: the same in e-mails and in the personal calendar feed. */
export function deadlineUid(roundId: string, stageKey: string): string {
  return `${roundId}.${stageKey}.deadline@ratsweg`;
}

/** The UID of a round's meeting entry (invitation), the same in e-mails and in the personal calendar feed. */
export function meetingUid(roundId: string, stageKey: string): string {
  return `${roundId}.${stageKey}.meeting@ratsweg`;
}

/**
 * The calendar attachment of a notification e-mail, if it has one (RFC 5545, Europe/Berlin):
 * - an invitation to the stage's meeting, or its new date (METHOD:REQUEST);
 * - the stage's deadline, when the stage opens, a reminder goes out or the deadline is extended
 *   (METHOD:PUBLISH — nobody is invited, the entry is offered for the recipient's calendar).
 *   One UID per round and stage; SEQUENCE grows with the stage's `deadlineRevision` and with every
 *   new opening of the stage, so a moved deadline replaces the entry instead of adding a second.
 *   A deadline that is the meeting itself (a meeting-bound stage) is left to the invitation.
 */
export function notificationCalendar(kind: string, payload: NotificationPayload, locale: 'de' | 'en', link: string): string | undefined {
  const stage = payload.stage;
  if (!stage) return undefined;
  const iteration = payload.calendar?.iteration ?? 1;
  const title = `${stage.title[locale]}: ${payload.round.title}`;
  if (payload.meeting && MEETING_KINDS.includes(kind)) {
    return icsCalendar(
      [{ uid: meetingUid(payload.round.id, stage.key), sequence: calendarSequence(iteration, payload.meeting.sequence ?? 0), start: payload.meeting.start, summary: title, url: link, stamp: payload.at }],
      { method: 'REQUEST' },
    );
  }
  // Notifications written before the calendar position was recorded get no deadline entry: its SEQUENCE would be a guess.
  if (payload.deadline && payload.calendar && DEADLINE_KINDS.includes(kind)) {
    if (payload.meeting && Date.parse(payload.meeting.start) === Date.parse(payload.deadline)) return undefined;
    return icsCalendar(
      [
        {
          uid: deadlineUid(payload.round.id, stage.key),
          sequence: calendarSequence(payload.calendar.iteration, payload.calendar.revision),
          start: payload.deadline,
          end: payload.deadline,
          summary: `${locale === 'de' ? 'Frist' : 'Deadline'}: ${title}`,
          url: link,
          stamp: payload.at,
          transparent: true,
        },
      ],
      { method: 'PUBLISH' },
    );
  }
  return undefined;
}

/** The file name of a calendar attachment: an invitation (REQUEST) or an offered entry, i.e. a deadline (PUBLISH). */
export function calendarAttachmentName(method: CalendarMethod, locale: 'de' | 'en'): string {
  if (method === 'REQUEST') return locale === 'de' ? 'einladung.ics' : 'invitation.ics';
  if (method === 'CANCEL') return locale === 'de' ? 'absage.ics' : 'cancellation.ics';
  return locale === 'de' ? 'frist.ics' : 'deadline.ics';
}
