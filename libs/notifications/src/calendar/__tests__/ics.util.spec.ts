import ICAL from 'ical.js';
import { escapeText, foldLine, icsCalendar, type CalendarEvent } from '../ics.util.js';

const meeting: CalendarEvent = {
  uid: 'meeting-4711@ratsweg',
  sequence: 0,
  start: '2026-03-24T16:00:00Z',
  end: '2026-03-24T19:00:00Z',
  summary: 'Sitzung des Ausschusses für Digitales; Tagesordnung, Teil 1',
  description: 'Beratung der Leitlinien.\nBitte Unterlagen mitbringen.',
  location: 'Rathaus, Ratssaal',
  url: 'https://ratsweg.example/rounds/1',
  stamp: '2026-03-01T10:00:00Z',
};

function parse(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const zone = calendar.getFirstSubcomponent('vtimezone');
  if (zone) ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  return calendar.getAllSubcomponents('vevent').map((event) => new ICAL.Event(event));
}

describe('icsCalendar', () => {
  it('should produce a calendar that a standard parser reads back with the same instants, texts and sequence', () => {
    const text = icsCalendar([meeting], { method: 'REQUEST', name: 'Ratsweg' });
    const [event] = parse(text);
    expect(event?.uid).toBe(meeting.uid);
    expect(event?.summary).toBe(meeting.summary);
    expect(event?.description).toBe(meeting.description);
    expect(event?.location).toBe(meeting.location);
    expect(event?.sequence).toBe(0);
    expect(event?.startDate.toJSDate().toISOString()).toBe('2026-03-24T16:00:00.000Z');
    expect(event?.endDate.toJSDate().toISOString()).toBe('2026-03-24T19:00:00.000Z');
  });

  it('should write local Europe/Berlin times: 17:00 in winter and 18:00 in summer for the same UTC hour', () => {
    const text = icsCalendar([meeting, { ...meeting, uid: 'summer@ratsweg', start: '2026-04-14T16:00:00Z', end: undefined }]);
    expect(text).toContain('DTSTART;TZID=Europe/Berlin:20260324T170000');
    expect(text).toContain('DTSTART;TZID=Europe/Berlin:20260414T180000');
    expect(text).toContain('DTEND;TZID=Europe/Berlin:20260414T190000');
    const [, summer] = parse(text);
    expect(summer?.startDate.toJSDate().toISOString()).toBe('2026-04-14T16:00:00.000Z');
  });

  it('should carry a higher SEQUENCE and the same UID when a meeting moves', () => {
    const moved = icsCalendar([{ ...meeting, sequence: 2, start: '2026-03-31T15:00:00Z', end: '2026-03-31T18:00:00Z', stamp: '2026-03-05T08:00:00Z' }]);
    const [event] = parse(moved);
    expect(event?.uid).toBe(meeting.uid);
    expect(event?.sequence).toBe(2);
    expect(event?.startDate.toJSDate().toISOString()).toBe('2026-03-31T15:00:00.000Z');
  });

  it('should end every line with CRLF and fold none longer than 75 octets', () => {
    const text = icsCalendar([{ ...meeting, description: 'Überörtliche Äußerungen zur Digitalisierung '.repeat(10) }]);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '').includes('\n')).toBe(false);
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(parse(text)[0]?.description).toBe('Überörtliche Äußerungen zur Digitalisierung '.repeat(10));
  });
});

describe('escapeText and foldLine', () => {
  it('should escape backslashes, separators and newlines', () => {
    expect(escapeText('a\\b;c,d\ne')).toBe('a\\\\b\\;c\\,d\\ne');
  });

  it('should never split a multi-byte character when folding', () => {
    const folded = foldLine(`SUMMARY:${'ä'.repeat(60)}`);
    for (const line of folded.split('\r\n ')) expect(Buffer.from(line, 'utf8').toString('utf8')).not.toContain('\uFFFD');
    expect(folded.split('\r\n ').join('')).toBe(`SUMMARY:${'ä'.repeat(60)}`);
  });

  it('should fold lines of one-, two-, three- and four-octet characters at 75 octets (74 after the folding space)', () => {
    const line = `DESCRIPTION:${'aä€😀'.repeat(40)}`;
    const parts = foldLine(line).split('\r\n ');
    expect(parts.join('')).toBe(line);
    for (const [index, part] of parts.entries()) expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(index === 0 ? 75 : 74);
    // Full lines: the next character would not have fitted.
    for (const [index, part] of parts.slice(0, -1).entries()) {
      const next = [...(parts[index + 1] as string)][0] as string;
      expect(Buffer.byteLength(part + next, 'utf8')).toBeGreaterThan(index === 0 ? 75 : 74);
    }
  });
});
