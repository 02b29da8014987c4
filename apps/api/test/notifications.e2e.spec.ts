import { randomUUID } from 'node:crypto';
import type { ProcessTemplate } from '@ratsweg/domain';
import { createDataSource, seedDemoDirectory } from '@ratsweg/persistence';
import ICAL from 'ical.js';
import pg from 'pg';
import { TestSmtpServer, type ReceivedMail } from './support/smtp.js';
import { inMinutes, roundWhen, stageOf, startRound, uploadTemplate } from './support/rounds.js';
import { eventually, TestSystem, type HttpResult } from './support/system.js';

/** The one event of an e-mailed calendar object, and the object's METHOD. */
function calendarOf(mail: ReceivedMail | undefined): { method: unknown; event: ICAL.Event } {
  expect(mail?.ics).toBeDefined();
  const calendar = new ICAL.Component(ICAL.parse(mail?.ics as string));
  const zone = calendar.getFirstSubcomponent('vtimezone');
  if (zone) ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  const events = calendar.getAllSubcomponents('vevent');
  expect(events).toHaveLength(1);
  return { method: calendar.getFirstPropertyValue('method'), event: new ICAL.Event(events[0] as ICAL.Component) };
}

/** A statement of the planning committee, due 14 days after it opens; its members and the administrator are told when it opens. */
const statementTemplate: ProcessTemplate = {
  key: 'stellungnahme-frist',
  version: 1,
  title: { de: 'Stellungnahme mit Frist', en: 'Statement with a deadline' },
  stages: [
    {
      key: 'stellungnahme',
      type: 'committee_consultation',
      title: { de: 'Stellungnahme des Fachausschusses', en: 'Statement of the committee' },
      body: 'ausschuss-planung',
      deadline: { offset: 'P14D' },
      reminders: { before: ['P3D'], audiences: ['responsible-body'] },
      notify: { onOpen: ['responsible-body', 'administrator'] },
      outcomes: { approved: { to: 'end' } },
    },
  ],
};

describe('notifications: never lost, never doubled (real SMTP server)', () => {
  const smtp = new TestSmtpServer();
  let system: TestSystem;
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });

  /** E-mail addresses of the people who are members of the body today. */
  const membersOf = async (bodyKey: string): Promise<string[]> => {
    const { rows } = await db.query(
      `SELECT DISTINCT p.email FROM membership m JOIN body b ON b.id = m.body_id JOIN person p ON p.id = m.person_id
       WHERE m.tenant = $1 AND b.key = $2 AND p.email IS NOT NULL AND m.start_date <= current_date AND (m.end_date IS NULL OR m.end_date >= current_date)`,
      [system.tenant, bodyKey],
    );
    return rows.map((row: { email: string }) => row.email).sort();
  };

  const mailsTo = (subjectPart: string) => smtp.received.filter((mail) => mail.subject.includes(subjectPart));

  beforeAll(async () => {
    await smtp.start();
    await db.connect();
    system = new TestSystem({ env: { SMTP_URL: smtp.url, NOTIFICATION_DISPATCH_INTERVAL_MS: '100', NOTIFICATION_RETRY_BASE_MS: '200', PUBLIC_BASE_URL: 'https://ratsweg.example' } });
    const dataSource = await createDataSource({ url: process.env.DATABASE_URL as string, poolSize: 1 }).initialize();
    await seedDemoDirectory(dataSource, system.tenant);
    await dataSource.destroy();
    await system.start();
  });

  afterAll(async () => {
    await system.stop();
    await smtp.stop();
    await db.end();
  });

  it('should invite exactly the current members of each body once, with a calendar entry, through a whole round', async () => {
    const start = { fachausschuss: '2030-03-26T16:00:00Z', hauptausschuss: '2030-04-09T15:00:00Z', rat: '2030-04-25T15:00:00Z' };
    const id = await startRound(system, { templateKey: 'beschlussvorlage', templateVersion: 1, title: 'Neubau Feuerwache', meetings: start });
    for (const [stage, outcome] of [['vorlage', 'completed'], ['fachausschuss', 'approved'], ['hauptausschuss', 'approved'], ['ratsbeschluss', 'approved']] as const) {
      expect((await system.request('POST', `/api/v1/rounds/${id}/stages/${stage}/decision`, { outcome })).status).toBe(200);
    }
    const expected = {
      'Vorberatung im Fachausschuss': await membersOf('ausschuss-planung'),
      'Beratung im Hauptausschuss': await membersOf('hauptausschuss'),
      Ratsbeschluss: await membersOf('rat'),
    };
    for (const list of Object.values(expected)) expect(list.length).toBeGreaterThan(0);
    await eventually(async () => (Object.entries(expected).every(([subject, people]) => mailsTo(`Einladung: ${subject}`).length >= people.length) ? true : undefined), 30_000);
    // Give a doubled delivery the chance to arrive before counting.
    await eventually(async () => ((await db.query(`SELECT count(*)::int AS n FROM delivery WHERE tenant = $1 AND status <> 'sent'`, [system.tenant])).rows[0].n === 0 ? true : undefined));
    for (const [subject, people] of Object.entries(expected)) {
      const mails = mailsTo(`Einladung: ${subject}`);
      expect(mails.map((mail) => mail.to).sort()).toEqual(people);
      expect(new Set(mails.map((mail) => mail.messageId)).size).toBe(mails.length);
    }
    const invitation = mailsTo('Einladung: Vorberatung im Fachausschuss')[0];
    expect(invitation?.text).toContain('Ladungsfrist');
    expect(invitation?.text).toContain(`https://ratsweg.example/runden/${id}`);
    expect(invitation?.ics).toContain('DTSTART;TZID=Europe/Berlin:20300326T170000');
    expect(invitation?.ics).toContain('SEQUENCE:0');
  });

  it('should never notify a person whose membership has ended', async () => {
    const { rows } = await db.query(
      `SELECT p.email FROM membership m JOIN person p ON p.id = m.person_id
       WHERE m.tenant = $1 AND m.end_date < current_date AND p.email IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM membership other WHERE other.person_id = m.person_id AND (other.end_date IS NULL OR other.end_date >= current_date))`,
      [system.tenant],
    );
    expect(rows.length).toBeGreaterThan(0);
    const recipients = new Set(smtp.received.map((mail) => mail.to));
    for (const row of rows as { email: string }[]) expect(recipients.has(row.email)).toBe(false);
  });

  it('should send the invitation again with a higher SEQUENCE when the meeting moves', async () => {
    const id = await startRound(system, { templateKey: 'beschlussvorlage', templateVersion: 1, title: 'Verlegte Sitzung', meetings: { fachausschuss: '2030-05-07T15:00:00Z' } });
    await system.request('POST', `/api/v1/rounds/${id}/stages/vorlage/decision`, { outcome: 'completed' });
    const people = await membersOf('ausschuss-planung');
    const invitations = () => smtp.received.filter((mail) => mail.ics?.includes(`UID:${id}.fachausschuss.meeting@ratsweg`));
    await eventually(async () => (invitations().length >= people.length ? true : undefined));
    expect((await system.request('PUT', `/api/v1/rounds/${id}/meetings/fachausschuss`, { start: '2030-05-14T15:00:00Z' })).status).toBe(202);
    await eventually(async () => (invitations().filter((mail) => mail.ics?.includes('SEQUENCE:1')).length >= people.length * 2 ? true : undefined));
    const moved = invitations().filter((mail) => mail.ics?.includes('SEQUENCE:1'));
    expect(moved.some((mail) => mail.ics?.includes('DTSTART;TZID=Europe/Berlin:20300514T170000'))).toBe(true);
  });

  it('should deliver every message once after the SMTP server was down while they fell due', async () => {
    await smtp.stop();
    const before = smtp.received.length;
    const id = await startRound(system, { templateKey: 'beschlussvorlage', templateVersion: 1, title: 'Server weg', meetings: { fachausschuss: inMinutes(60 * 24 * 30) } });
    await system.request('POST', `/api/v1/rounds/${id}/stages/vorlage/decision`, { outcome: 'completed' });
    await eventually(async () => {
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id JOIN notification n ON n.id = d.notification_id
         WHERE n.round_id = $1 AND a.outcome = 'error'`,
        [id],
      );
      return rows[0].n > 0 ? true : undefined;
    });
    expect(smtp.received.length).toBe(before);
    await smtp.start();
    const people = await membersOf('ausschuss-planung');
    const forRound = () => smtp.received.filter((mail) => mail.ics?.includes(`UID:${id}.`));
    await eventually(async () => (forRound().length >= people.length ? true : undefined), 60_000);
    await eventually(async () => ((await db.query(`SELECT count(*)::int AS n FROM delivery WHERE tenant = $1 AND channel = 'email' AND status <> 'sent'`, [system.tenant])).rows[0].n === 0 ? true : undefined), 30_000);
    expect(forRound().map((mail) => mail.to).sort()).toEqual(people);
  });

  it('should attach the deadline as a calendar entry (PUBLISH, Europe/Berlin) that an extension replaces: same UID, higher SEQUENCE', async () => {
    await uploadTemplate(system, statementTemplate, 1);
    const id = await startRound(system, { templateKey: 'stellungnahme-frist', title: 'Lärmaktionsplan Stufe 4' });
    const deadline = stageOf(await roundWhen(system, id, (round) => stageOf(round, 'stellungnahme').status === 'open'), 'stellungnahme').deadline as string;
    const people = await membersOf('ausschuss-planung');
    const uid = `${id}.stellungnahme.deadline@ratsweg`;
    const withEntry = (subjectStart: string) => smtp.received.filter((mail) => mail.subject.startsWith(subjectStart) && mail.ics?.includes(`UID:${uid}`));

    // Opened: the members and the round's administrator (who started it) get the entry.
    const opened = await eventually(async () => {
      const mails = withEntry('Neue Phase: Stellungnahme des Fachausschusses');
      return mails.length >= people.length + 1 ? mails : undefined;
    });
    expect(opened.map((mail) => mail.to).sort()).toEqual([...people, system.admin.email].sort());
    const first = calendarOf(opened[0]);
    expect(first.method).toBe('PUBLISH');
    expect(opened[0]?.icsFile).toEqual({ filename: 'frist.ics', contentType: expect.stringMatching(/^text\/calendar;.*method=PUBLISH/) });
    expect(first.event.uid).toBe(uid);
    expect(first.event.sequence).toBe(0);
    expect(first.event.startDate.zone.tzid).toBe('Europe/Berlin');
    // iCalendar times have whole seconds.
    expect(first.event.startDate.toJSDate().toISOString()).toBe(new Date(Math.floor(Date.parse(deadline) / 1000) * 1000).toISOString());
    expect(first.event.summary).toBe('Frist: Stellungnahme des Fachausschusses: Lärmaktionsplan Stufe 4');

    // Extended: the same entry, moved (3 February 2031, 17:00 in Berlin), with a higher SEQUENCE.
    const extension = await system.request('POST', `/api/v1/rounds/${id}/stages/stellungnahme/deadline`, { until: '2031-02-03T16:00:00Z' });
    expect(extension.status).toBe(200);
    const extended = await eventually(async () => {
      const mails = withEntry('Frist verlängert: Stellungnahme des Fachausschusses');
      return mails.length >= people.length ? mails : undefined;
    });
    expect(extended.map((mail) => mail.to).sort()).toEqual(people);
    expect(extended[0]?.ics).toContain('DTSTART;TZID=Europe/Berlin:20310203T170000');
    expect(extended[0]?.text).toContain('Neue Frist: Montag, 3. Februar 2031, 17:00 Uhr.');
    const moved = calendarOf(extended[0]);
    expect(moved.method).toBe('PUBLISH');
    expect(moved.event.uid).toBe(first.event.uid);
    expect(moved.event.sequence).toBeGreaterThan(first.event.sequence);
    expect(moved.event.startDate.toJSDate().toISOString()).toBe('2031-02-03T16:00:00.000Z');
  });

  it("should tell the round's administrator by e-mail and in an own inbox, once, and nobody who is no administrator any more", async () => {
    const password = `Rundenkennwort ${randomUUID()}`;
    const person = await system.request('POST', '/api/v1/persons', { givenName: 'Rita', familyName: 'Rundlauf', email: `rita.privat@${system.tenant}.example`, locale: 'en' });
    expect(person.status).toBe(201);
    const account = `rita@${system.tenant}.example`;
    const user = await system.request('POST', '/api/v1/users', { email: account, displayName: 'Rita Rundlauf', password, roles: ['admin'], personId: person.body.id });
    expect(user.status).toBe(201);
    const rita = { authorization: `Bearer ${await system.login(account, password)}` };
    const title = `Sporthalle Nord ${randomUUID().slice(0, 8)}`;
    const started = await system.request(
      'POST',
      '/api/v1/rounds',
      { templateKey: 'beschlussvorlage', templateVersion: 1, title, meetings: { fachausschuss: '2030-09-08T15:00:00Z', hauptausschuss: '2030-09-22T15:00:00Z', rat: '2030-10-06T15:00:00Z' } },
      rita,
    );
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    const decide = async (stage: string, outcome: string) => expect((await system.request('POST', `/api/v1/rounds/${id}/stages/${stage}/decision`, { outcome })).status).toBe(200);
    const about = (mail: ReceivedMail) => mail.text.includes(title);
    const allSent = () =>
      eventually(async () => {
        const { rows } = await db.query(`SELECT count(*)::int AS n FROM delivery d JOIN notification n ON n.id = d.notification_id WHERE n.round_id = $1 AND d.status <> 'sent'`, [id]);
        return rows[0].n === 0 ? true : undefined;
      });
    const inbox = (headers: Record<string, string> = {}): Promise<HttpResult> => system.request('GET', '/api/v1/me/notifications?limit=200', undefined, headers);
    const entriesAbout = (response: HttpResult, subject: string) =>
      response.body.data.filter((entry: { subject: string; text: string }) => entry.subject === subject && entry.text.includes(title)) as { inbox: string }[];

    // The committee decides: the administrator audience is Rita — in English, her person's language, at her account's address.
    await decide('vorlage', 'completed');
    await decide('fachausschuss', 'approved');
    const committee = 'Decision: First reading in the committee – approved';
    await eventually(async () => (smtp.received.some((mail) => mail.to === account && about(mail) && mail.subject === committee) ? true : undefined));
    // Her own inbox shows it once, as hers; the other administrators see it in the shared inbox.
    const own = await eventually(async () => {
      const response = await inbox(rita);
      return entriesAbout(response, committee).length > 0 ? response : undefined;
    });
    expect(entriesAbout(own, committee)).toEqual([expect.objectContaining({ inbox: 'user', readAt: null })]);
    expect(entriesAbout(await inbox(), 'Entscheidung: Vorberatung im Fachausschuss – zugestimmt')).toEqual([expect.objectContaining({ inbox: 'administrators' })]);

    // No longer an administrator: the next decision reaches the shared inbox only.
    expect((await system.request('PATCH', `/api/v1/users/${user.body.id as string}`, { roles: [] })).status).toBe(200);
    await decide('hauptausschuss', 'approved');
    const shared = () => system.request('GET', '/api/v1/notifications/administrators?limit=200');
    await eventually(async () => (entriesAbout(await shared(), 'Entscheidung: Beratung im Hauptausschuss – zugestimmt').length === 1 ? true : undefined));
    await allSent();

    // An administrator again, and now a member of the main committee, which the council's decision is told to as well:
    // she hears of it once, as a member (at her person's address), and of the round's end as its administrator.
    expect((await system.request('PATCH', `/api/v1/users/${user.body.id as string}`, { roles: ['admin'] })).status).toBe(200);
    const bodies = await system.request('GET', '/api/v1/bodies?limit=200');
    const mainCommittee = (bodies.body.data as { id: string; key: string }[]).find((body) => body.key === 'hauptausschuss');
    expect(
      (await system.request('POST', '/api/v1/memberships', { personId: person.body.id, bodyId: mainCommittee?.id, role: 'member', startDate: '2020-01-01' })).status,
    ).toBe(201);
    await decide('ratsbeschluss', 'approved');
    await eventually(async () => (smtp.received.some((mail) => mail.to === account && about(mail) && mail.subject.startsWith('Round completed')) ? true : undefined));
    await allSent();

    const ritas = smtp.received.filter((mail) => about(mail) && (mail.to === account || mail.to === person.body.email)).map((mail) => `${mail.to} ${mail.subject}`);
    expect(ritas.sort()).toEqual(
      [`${account} ${committee}`, `${person.body.email as string} Decision: Council decision – approved`, `${account} Round completed: ${title}`].sort(),
    );
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM delivery d JOIN notification n ON n.id = d.notification_id WHERE n.round_id = $1 AND d.idempotency_key LIKE '%:user:%'`, [id]);
    // Committee decision and round completed, each by e-mail and in her inbox.
    expect(rows[0].n).toBe(4);
  });
});
