import { calendarSequence, deadlineUid, meetingUid, type CalendarEvent } from '@ratsweg/notifications';
import type { CalendarFeedSource } from '@ratsweg/persistence';

type Locale = 'de' | 'en';

/**
 * The events of a personal calendar feed: the meetings of the person's bodies (from the
 * directory, and the meeting dates of open meeting-bound stages of running rounds for those
 * bodies) and the deadlines of those rounds' open stages. UIDs are stable per round, stage and
 * kind (a round's meeting and deadline have the same UIDs as the e-mailed calendar entries); SEQUENCE
 * grows with the stage's `deadlineRevision` and its openings (`calendarSequence`), so a moved meeting
 * or deadline replaces the entry in calendar clients.
 */
export function calendarFeedEvents(source: CalendarFeedSource, baseUrl: string, locale: Locale): CalendarEvent[] {
  const events: CalendarEvent[] = [];
  const bodies = new Set(source.bodyKeys);
  const roundMeetings = new Set<string>();
  for (const round of source.rounds) {
    const url = `${baseUrl}/rounds/${round.id}`;
    const stamp = new Date(round.updatedAt).toISOString();
    for (const stage of round.stages) {
      if (stage.status !== 'open' || !stage.body || !bodies.has(stage.body)) continue;
      const title = `${stage.title[locale]}: ${round.title}`;
      const sequence = calendarSequence(stage.iteration, stage.deadlineRevision);
      if (stage.meeting) {
        roundMeetings.add(`${round.id}:${stage.meeting.key}`);
        events.push({ uid: meetingUid(round.id, stage.key), sequence, start: stage.meeting.start, summary: title, url, stamp });
      }
      if (stage.deadline) {
        events.push({
          uid: deadlineUid(round.id, stage.key),
          sequence,
          start: stage.deadline.at,
          end: stage.deadline.at,
          summary: `${locale === 'de' ? 'Frist' : 'Deadline'}: ${title}`,
          description: stage.deadline.rule[locale],
          url,
          stamp,
          transparent: true,
        });
      }
      if (stage.invitationDeadline) {
        events.push({
          uid: `${round.id}.${stage.key}.invitation-deadline@ratsweg`,
          sequence,
          start: stage.invitationDeadline.at,
          end: stage.invitationDeadline.at,
          summary: `${locale === 'de' ? 'Ladungsfrist' : 'Invitation deadline'}: ${title}`,
          description: stage.invitationDeadline.rule[locale],
          url,
          stamp,
          transparent: true,
        });
      }
    }
  }
  for (const meeting of source.meetings) {
    // A directory meeting that serves a round's meeting already appears as that round's entry.
    if (meeting.roundId && meeting.meetingKey && roundMeetings.has(`${meeting.roundId}:${meeting.meetingKey}`)) continue;
    const stamp = new Date(meeting.modifiedAt);
    events.push({
      uid: `meeting-${meeting.id}@ratsweg`,
      // Whole seconds since the epoch grow with every change of the meeting.
      sequence: Math.floor(stamp.getTime() / 1000) % 2_147_483_647,
      start: new Date(meeting.start).toISOString(),
      ...(meeting.end ? { end: new Date(meeting.end).toISOString() } : {}),
      summary: meeting.name,
      ...(meeting.location ? { location: meeting.location } : {}),
      stamp: stamp.toISOString(),
      status: meeting.state === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
    });
  }
  return events;
}
