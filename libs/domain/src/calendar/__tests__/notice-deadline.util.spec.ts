import { noticeDeadline } from '../notice-deadline.util.js';
import { DEFAULT_STANDING_ORDERS, type StandingOrders } from '../standing-orders.type.js';

const calendar = (noticePeriodDays: number, meetingDayCounts = false): StandingOrders => ({
  noticePeriodDays,
  urgentNoticePeriodDays: 0,
  dayCounting: 'calendar',
  meetingDayCounts,
});
const working = (noticePeriodDays: number, meetingDayCounts = false): StandingOrders => ({
  noticePeriodDays,
  urgentNoticePeriodDays: 0,
  dayCounting: 'working',
  meetingDayCounts,
});

// Europe/Berlin: CET (UTC+1) until 29 Mar 2026 02:00 and from 25 Oct 2026 03:00, CEST (UTC+2) in between
// (2024: CEST from 31 Mar to 27 Oct). So 23:59:59.999 local is 22:59:59.999Z in CET and 21:59:59.999Z in CEST.
// Weekdays: 2 Mar 2026 is a Monday; 3 Apr 2026 a Friday; 25 Dec 2025 a Thursday; 25 Dec 2026 a Friday;
// 3 Oct 2024 a Thursday, 1 Nov 2024 a Friday.
describe('noticeDeadline', () => {
  it.each<[string, string, StandingOrders, boolean, string, string]>([
    // M = Tue 10 Mar; days counted Mar 3..9 (7), so L = Mon 2 Mar, CET.
    ['plain 7 calendar days', '2026-03-10T16:00:00Z', DEFAULT_STANDING_ORDERS, false, '2026-03-02', '2026-03-02T22:59:59.999Z'],
    // M = 10 Mar counts: Mar 4..10 (7), so L = 3 Mar.
    ['7 calendar days, meeting day counts', '2026-03-10T16:00:00Z', calendar(7, true), false, '2026-03-03', '2026-03-03T22:59:59.999Z'],
    // M = Tue 10 Mar: Mon 9 (1), Sat 7/Sun 8 skipped, Fri 6 (2), Thu 5 (3); L = Wed 4 Mar.
    ['3 working days across a weekend', '2026-03-10T16:00:00Z', working(3), false, '2026-03-04', '2026-03-04T22:59:59.999Z'],
    // M = Thu 12 Mar: Wed 11 (1), Tue 10 (2), Mon 9 (3); the day before is Sun 8 Mar, not a working day,
    // so L moves back over Sat 7 to Fri 6 Mar.
    ['working days, last dispatch day moved off the weekend', '2026-03-12T16:00:00Z', working(3), false, '2026-03-06', '2026-03-06T22:59:59.999Z'],
    // M = Mon 9 Mar counts (1); the day before is Sun 8 Mar, so L = Fri 6 Mar.
    ['1 working day, meeting day counts', '2026-03-09T16:00:00Z', working(1, true), false, '2026-03-06', '2026-03-06T22:59:59.999Z'],
    // M = Mon 9 Mar not counted: Sun 8, Sat 7 skipped, Fri 6 (1); L = Thu 5 Mar.
    ['1 working day, meeting day not counted', '2026-03-09T16:00:00Z', working(1), false, '2026-03-05', '2026-03-05T22:59:59.999Z'],
    // M = Thu 9 Apr (CEST): Wed 8 (1), Tue 7 (2), Ostermontag 6, Sun 5, Sat 4, Karfreitag 3 skipped, Thu 2 (3),
    // Wed 1 (4), Tue 31 Mar (5); L = Mon 30 Mar, already CEST.
    ['5 working days across Easter 2026', '2026-04-09T16:00:00Z', working(5), false, '2026-03-30', '2026-03-30T21:59:59.999Z'],
    // M = Wed 8 Apr: Tue 7 (1); the day before is Ostermontag 6 Apr, then Sun 5, Sat 4, Karfreitag 3: L = Thu 2 Apr.
    ['working days, last dispatch day moved off Easter', '2026-04-08T16:00:00Z', working(1), false, '2026-04-02', '2026-04-02T21:59:59.999Z'],
    // Calendar counting ignores holidays: M = 9 Apr, Apr 2..8 (7) counted, L = Wed 1 Apr.
    ['7 calendar days across Easter 2026', '2026-04-09T16:00:00Z', DEFAULT_STANDING_ORDERS, false, '2026-04-01', '2026-04-01T21:59:59.999Z'],
    // M = Wed 7 Jan 2026: Tue 6 (1, Heilige Drei Könige is no NRW holiday), Mon 5 (2), Sun 4, Sat 3 skipped, Fri 2 (3),
    // Neujahr skipped, Wed 31 Dec (4), Tue 30 (5), Mon 29 (6), Sun 28, Sat 27, 26th, 25th skipped, Wed 24 Dec (7);
    // L = Tue 23 Dec 2025, CET.
    ['7 working days across Christmas and New Year', '2026-01-07T17:00:00Z', working(7), false, '2025-12-23', '2025-12-23T22:59:59.999Z'],
    // M = Tue 5 Jan 2027: Mon 4 (1), Sun 3, Sat 2, Neujahr (Fri) skipped, Thu 31 Dec (2), Wed 30 (3), Tue 29 (4), Mon 28 (5);
    // the day before is Sun 27 Dec, then Sat 26 and Fri 25 (holidays): L = Thu 24 Dec 2026 (Heiligabend is a working day).
    ['5 working days, last dispatch day moved off Christmas', '2027-01-05T17:00:00Z', working(5), false, '2026-12-24', '2026-12-24T22:59:59.999Z'],
    // Meeting Tue 31 Mar 2026 18:00 CEST; Mar 24..30 counted, L = Mon 23 Mar, still CET (UTC+1).
    ['7 calendar days before DST starts', '2026-03-31T16:00:00Z', DEFAULT_STANDING_ORDERS, false, '2026-03-23', '2026-03-23T22:59:59.999Z'],
    // Mar 30 counted, L = Sun 29 Mar, the day DST starts at 02:00: its end is CEST (UTC+2).
    ['1 calendar day, last dispatch day is the DST change', '2026-03-31T16:00:00Z', calendar(1), false, '2026-03-29', '2026-03-29T21:59:59.999Z'],
    // Mar 29..30 counted, L = Sat 28 Mar, still CET.
    ['2 calendar days, last dispatch day the day before DST', '2026-03-31T16:00:00Z', calendar(2), false, '2026-03-28', '2026-03-28T22:59:59.999Z'],
    // Meeting Tue 27 Oct 2026 (CET); Oct 20..26 counted, L = Mon 19 Oct, still CEST.
    ['7 calendar days before DST ends', '2026-10-27T17:00:00Z', DEFAULT_STANDING_ORDERS, false, '2026-10-19', '2026-10-19T21:59:59.999Z'],
    // M = Tue 8 Oct 2024: Mon 7 (1), Sun 6, Sat 5 skipped, Fri 4 (2), Tag der Deutschen Einheit Thu 3 skipped,
    // Wed 2 (3); L = Tue 1 Oct, CEST.
    ['3 working days across 3 October', '2024-10-08T16:00:00Z', working(3), false, '2024-10-01', '2024-10-01T21:59:59.999Z'],
    // M = Wed 6 Nov 2024: Tue 5 (1), Mon 4 (2), Sun 3, Sat 2, Allerheiligen Fri 1 skipped, Thu 31 Oct (3,
    // Reformationstag is no NRW holiday); L = Wed 30 Oct, CET since 27 Oct.
    ['3 working days across 1 November', '2024-11-06T17:00:00Z', working(3), false, '2024-10-30', '2024-10-30T22:59:59.999Z'],
    // Default urgent period 3: Mar 7..9 counted, L = Fri 6 Mar.
    ['urgent, 3 calendar days', '2026-03-10T16:00:00Z', DEFAULT_STANDING_ORDERS, true, '2026-03-06', '2026-03-06T22:59:59.999Z'],
    // Urgent period 2 working days: Mon 9 (1), weekend skipped, Fri 6 (2); L = Thu 5 Mar (the normal 10 would give 23 Feb, below).
    [
      'urgent, 2 working days',
      '2026-03-10T16:00:00Z',
      { ...working(10), urgentNoticePeriodDays: 2 },
      true,
      '2026-03-05',
      '2026-03-05T22:59:59.999Z',
    ],
    // Not urgent with the same orders: Mon 9 .. Tue 24 Feb are 10 working days (9,6,5,4,3,2, 27,26,25,24); L = Mon 23 Feb.
    ['not urgent, 10 working days', '2026-03-10T16:00:00Z', { ...working(10), urgentNoticePeriodDays: 2 }, false, '2026-02-23', '2026-02-23T22:59:59.999Z'],
    // 23:30Z on 10 Mar is 00:30 CET on Wed 11 Mar: M = 11 Mar, Mar 4..10 counted, L = 3 Mar (not 2 Mar as the UTC date would give).
    ['late evening meeting whose UTC date differs', '2026-03-10T23:30:00Z', DEFAULT_STANDING_ORDERS, false, '2026-03-03', '2026-03-03T22:59:59.999Z'],
    // 22:59Z is 23:59 CET, still 10 Mar.
    ['meeting one minute before local midnight', '2026-03-10T22:59:00Z', DEFAULT_STANDING_ORDERS, false, '2026-03-02', '2026-03-02T22:59:59.999Z'],
    // The same instant written with its local offset.
    ['meeting start with a local offset', '2026-03-11T00:30:00+01:00', DEFAULT_STANDING_ORDERS, false, '2026-03-03', '2026-03-03T22:59:59.999Z'],
    // N = 0: no notice needed, the invitation may go out on the meeting day itself; L = M = 10 Mar.
    ['no notice period', '2026-03-10T16:00:00Z', calendar(0), false, '2026-03-10', '2026-03-10T22:59:59.999Z'],
    ['no notice period, meeting day counts', '2026-03-10T16:00:00Z', calendar(0, true), false, '2026-03-10', '2026-03-10T22:59:59.999Z'],
    // N = 0 with working counting on Sat 14 Mar: L must be a working day, so Fri 13 Mar.
    ['no notice period, working days, meeting on a Saturday', '2026-03-14T09:00:00Z', working(0), false, '2026-03-13', '2026-03-13T22:59:59.999Z'],
    // Urgent N = 0 (calendar(7) has urgent 0): L = M.
    ['urgent with no shortened period', '2026-03-10T16:00:00Z', calendar(7), true, '2026-03-10', '2026-03-10T22:59:59.999Z'],
  ])('should return the right deadline when %s', (_case, meetingStart, orders, urgent, lastDispatchDay, at) => {
    const deadline = noticeDeadline(meetingStart, orders, { urgent });
    expect({ lastDispatchDay: deadline.lastDispatchDay, at: deadline.at }).toEqual({ lastDispatchDay, at });
  });

  it('should describe the rule in German and English when counting calendar days', () => {
    expect(noticeDeadline('2026-03-10T16:00:00Z', DEFAULT_STANDING_ORDERS).rule).toEqual({
      de: 'Ladungsfrist 7 Kalendertage vor der Sitzung am 10.03.2026 (Sitzungstag zählt nicht)',
      en: 'Notice period of 7 calendar days before the meeting on 2026-03-10 (meeting day not counted)',
    });
  });

  it('should name the shortened period, working days and a counted meeting day when the matter is urgent', () => {
    const orders: StandingOrders = { noticePeriodDays: 5, urgentNoticePeriodDays: 2, dayCounting: 'working', meetingDayCounts: true };
    expect(noticeDeadline('2026-03-10T16:00:00Z', orders, { urgent: true }).rule).toEqual({
      de: 'Verkürzte Ladungsfrist (Dringlichkeit) 2 Arbeitstage vor der Sitzung am 10.03.2026 (Sitzungstag zählt mit)',
      en: 'Shortened notice period (urgent) of 2 working days before the meeting on 2026-03-10 (meeting day counted)',
    });
  });

  it('should use the singular when the period is one day', () => {
    expect(noticeDeadline('2026-03-10T16:00:00Z', working(1)).rule).toEqual({
      de: 'Ladungsfrist 1 Arbeitstag vor der Sitzung am 10.03.2026 (Sitzungstag zählt nicht)',
      en: 'Notice period of 1 working day before the meeting on 2026-03-10 (meeting day not counted)',
    });
  });

  it('should use the local meeting date in the rule when the UTC date differs', () => {
    expect(noticeDeadline('2026-03-10T23:30:00Z', DEFAULT_STANDING_ORDERS).rule.en).toContain('on 2026-03-11');
  });

  it.each(['2026-03-10', '2026-03-10T18:00:00', 'next Tuesday', '2026-02-30T18:00:00Z', ''])(
    'should throw a RangeError when the meeting start is %p',
    (meetingStart) => {
      expect(() => noticeDeadline(meetingStart, DEFAULT_STANDING_ORDERS)).toThrow(RangeError);
    },
  );

  it.each([-1, 1.5, Number.NaN])('should throw a RangeError when the notice period is %p', (noticePeriodDays) => {
    expect(() => noticeDeadline('2026-03-10T16:00:00Z', { ...DEFAULT_STANDING_ORDERS, noticePeriodDays })).toThrow(RangeError);
  });
});
