import type { NotificationPayload } from '@ratsweg/persistence';
import ICAL from 'ical.js';
import { calendarMethodOf, calendarSequence } from '../ics.util.js';
import { calendarAttachmentName, notificationCalendar } from '../notification-calendar.util.js';

const ROUND = '0b9f4c8e-3d2a-4c51-9a7e-5f1d2b3c4d5e';
const LINK = `https://ratsweg.example/rounds/${ROUND}`;

/** A stage with a 14-day deadline, opened on 10 March 2026 (winter time), deadline 24 March 2026, 17:00 in Berlin. */
const opened: NotificationPayload = {
  round: { id: ROUND, title: 'Radverkehrskonzept, Fortschreibung' },
  stage: { key: 'stellungnahme', type: 'drafting', title: { de: 'Stellungnahme der Verwaltung', en: 'Statement of the administration' } },
  at: '2026-03-10T16:00:00.000Z',
  deadline: '2026-03-24T16:00:00.000Z',
  calendar: { iteration: 1, revision: 0 },
};

function parse(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const zone = calendar.getFirstSubcomponent('vtimezone');
  if (zone) ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  const events = calendar.getAllSubcomponents('vevent');
  expect(events).toHaveLength(1);
  const component = events[0] as ICAL.Component;
  return { method: calendar.getFirstPropertyValue('method'), component, event: new ICAL.Event(component) };
}

describe('notificationCalendar: the deadline of a stage', () => {
  it('should offer the deadline as a PUBLISH entry at the deadline in Europe/Berlin, with a stable UID, not blocking the time', () => {
    const ics = notificationCalendar('stage.opened', opened, 'de', LINK) as string;
    expect(ics).toBeDefined();
    expect(calendarMethodOf(ics)).toBe('PUBLISH');
    expect(ics).toContain('DTSTART;TZID=Europe/Berlin:20260324T170000');
    const { method, component, event } = parse(ics);
    expect(method).toBe('PUBLISH');
    expect(event.uid).toBe(`${ROUND}.stellungnahme.deadline@ratsweg`);
    expect(event.sequence).toBe(0);
    expect(event.summary).toBe('Frist: Stellungnahme der Verwaltung: Radverkehrskonzept, Fortschreibung');
    expect(event.startDate.zone.tzid).toBe('Europe/Berlin');
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-03-24T16:00:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2026-03-24T16:00:00.000Z');
    expect(component.getFirstPropertyValue('transp')).toBe('TRANSPARENT');
    expect(component.getFirstPropertyValue('url')).toBe(LINK);
    expect(component.getFirstPropertyValue('dtstamp')?.toString()).toBe('2026-03-10T16:00:00Z');
  });

  it('should speak the recipient language', () => {
    const { event } = parse(notificationCalendar('reminder.due', opened, 'en', LINK) as string);
    expect(event.summary).toBe('Deadline: Statement of the administration: Radverkehrskonzept, Fortschreibung');
  });

  it('should keep the UID and raise the SEQUENCE when the deadline is extended, with the new time (summer time now)', () => {
    const first = parse(notificationCalendar('stage.opened', opened, 'de', LINK) as string).event;
    const extended: NotificationPayload = { ...opened, at: '2026-03-20T09:00:00.000Z', deadline: '2026-04-07T15:00:00.000Z', calendar: { iteration: 1, revision: 1 } };
    const ics = notificationCalendar('stage.deadline_extended', extended, 'de', LINK) as string;
    expect(ics).toContain('DTSTART;TZID=Europe/Berlin:20260407T170000');
    const moved = parse(ics).event;
    expect(moved.uid).toBe(first.uid);
    expect(moved.sequence).toBe(1);
    expect(moved.sequence).toBeGreaterThan(first.sequence);
    expect(moved.startDate.toJSDate().toISOString()).toBe('2026-04-07T15:00:00.000Z');
    // A reminder of the extended deadline carries the same version.
    expect(parse(notificationCalendar('reminder.due', extended, 'de', LINK) as string).event.sequence).toBe(1);
  });

  it('should raise the SEQUENCE again when the stage opens anew, although its deadline revision starts at 0 again', () => {
    const movedTwice = parse(notificationCalendar('stage.deadline_extended', { ...opened, calendar: { iteration: 1, revision: 2 } }, 'de', LINK) as string).event;
    const reopened = parse(notificationCalendar('stage.opened', { ...opened, calendar: { iteration: 2, revision: 0 } }, 'de', LINK) as string).event;
    expect(reopened.uid).toBe(movedTwice.uid);
    expect(reopened.sequence).toBeGreaterThan(movedTwice.sequence);
    expect(calendarSequence(1, 0)).toBe(0);
    expect(calendarSequence(1, 5)).toBe(5);
    expect(calendarSequence(2, 0)).toBeGreaterThan(calendarSequence(1, 999));
  });

  it('should attach nothing for kinds that do not announce a deadline, stages without one, or notifications without a calendar position', () => {
    for (const kind of ['stage.overdue', 'stage.escalated', 'stage.decided', 'round.completed']) expect(notificationCalendar(kind, opened, 'de', LINK)).toBeUndefined();
    const { deadline: _deadline, ...withoutDeadline } = opened;
    expect(notificationCalendar('stage.opened', withoutDeadline, 'de', LINK)).toBeUndefined();
    const { calendar: _calendar, ...written } = opened;
    expect(notificationCalendar('stage.opened', written, 'de', LINK)).toBeUndefined();
  });

  it('should leave a deadline that is the meeting itself to the meeting invitation', () => {
    const meetingBound: NotificationPayload = { ...opened, meeting: { key: 'sitzung', start: '2026-03-24T16:00:00Z', sequence: 0 } };
    expect(notificationCalendar('stage.opened', meetingBound, 'de', LINK)).toBeUndefined();
    expect(notificationCalendar('reminder.due', meetingBound, 'de', LINK)).toBeUndefined();
    // Extended beyond the meeting, the deadline is a date of its own again.
    const extended = notificationCalendar('stage.deadline_extended', { ...meetingBound, deadline: '2026-03-31T15:00:00Z', calendar: { iteration: 1, revision: 1 } }, 'de', LINK);
    expect(parse(extended as string).event.startDate.toJSDate().toISOString()).toBe('2026-03-31T15:00:00.000Z');
  });
});

describe('notificationCalendar: the meeting of a stage', () => {
  const invitation: NotificationPayload = { ...opened, meeting: { key: 'sitzung', start: '2026-03-26T16:00:00Z', sequence: 0 } };

  it('should invite (METHOD:REQUEST) to the meeting with the meeting UID', () => {
    const { method, event } = parse(notificationCalendar('meeting.invitation', invitation, 'de', LINK) as string);
    expect(method).toBe('REQUEST');
    expect(event.uid).toBe(`${ROUND}.stellungnahme.meeting@ratsweg`);
    expect(event.sequence).toBe(0);
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-03-26T16:00:00.000Z');
  });

  it('should give the invitation of a postponed stage (opened again) a higher SEQUENCE than the moved one before', () => {
    const moved = parse(notificationCalendar('stage.meeting_moved', { ...invitation, meeting: { key: 'sitzung', start: '2026-04-02T15:00:00Z', sequence: 1 }, calendar: { iteration: 1, revision: 1 } }, 'de', LINK) as string).event;
    const postponed = parse(notificationCalendar('meeting.invitation', { ...invitation, meeting: { key: 'sitzung', start: '2026-04-30T15:00:00Z', sequence: 0 }, calendar: { iteration: 2, revision: 0 } }, 'de', LINK) as string).event;
    expect(postponed.uid).toBe(moved.uid);
    expect(postponed.sequence).toBeGreaterThan(moved.sequence);
  });
});

describe('calendarAttachmentName', () => {
  it('should name invitations and offered entries in the recipient language', () => {
    expect(calendarAttachmentName('REQUEST', 'de')).toBe('einladung.ics');
    expect(calendarAttachmentName('PUBLISH', 'de')).toBe('frist.ics');
    expect(calendarAttachmentName('PUBLISH', 'en')).toBe('deadline.ics');
  });
});
