import { createDataSource, seedDemoDirectory } from '@ratsweg/persistence';
import ICAL from 'ical.js';
import pg from 'pg';
import { TestSmtpServer } from './support/smtp.js';
import { startRound } from './support/rounds.js';
import { eventually, TestSystem } from './support/system.js';

function parseCalendar(text: string): ICAL.Event[] {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const zone = calendar.getFirstSubcomponent('vtimezone');
  if (zone) ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
  return calendar.getAllSubcomponents('vevent').map((event) => new ICAL.Event(event));
}

async function seed(tenant: string): Promise<void> {
  const dataSource = await createDataSource({ url: process.env.DATABASE_URL as string, poolSize: 1 }).initialize();
  await seedDemoDirectory(dataSource, tenant);
  await dataSource.destroy();
}

describe('notification preferences, calendar feed and inbox (real SMTP server)', () => {
  const smtp = new TestSmtpServer();
  let system: TestSystem;
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  /** Three current members of the planning committee with e-mail: opted out, unchanged, digest. */
  let members: { id: string; email: string }[] = [];

  beforeAll(async () => {
    await smtp.start();
    await db.connect();
    system = new TestSystem({ env: { SMTP_URL: smtp.url, NOTIFICATION_DISPATCH_INTERVAL_MS: '100', PUBLIC_BASE_URL: 'https://ratsweg.example' } });
    await seed(system.tenant);
    const { rows } = await db.query(
      `SELECT DISTINCT p.id, p.email FROM membership m JOIN body b ON b.id = m.body_id JOIN person p ON p.id = m.person_id
       WHERE m.tenant = $1 AND b.key = 'ausschuss-planung' AND p.email IS NOT NULL AND m.start_date <= current_date AND (m.end_date IS NULL OR m.end_date >= current_date)
       ORDER BY p.id`,
      [system.tenant],
    );
    members = rows as { id: string; email: string }[];
    await system.start();
  });

  afterAll(async () => {
    await system.stop();
    await smtp.stop();
    await db.end();
  });

  it('should refuse to opt out of the invitation when it is legally required', async () => {
    expect(members.length).toBeGreaterThanOrEqual(3);
    const [person] = members;
    const response = await system.request('PUT', `/api/v1/persons/${person?.id}/notification-preferences`, {
      deliveryMode: 'immediate',
      optedOutKinds: ['meeting.invitation'],
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.errors.some((error: { field: string }) => error.field.startsWith('optedOutKinds'))).toBe(true);
    expect((await system.request('GET', `/api/v1/persons/${person?.id}/notification-preferences`)).body).toEqual({ deliveryMode: 'immediate', optedOutKinds: [], calendarFeed: false, locale: 'de' });
    expect((await system.request('GET', '/api/v1/persons/00000000-0000-4000-8000-000000000000/notification-preferences')).status).toBe(404);
  });

  it('should send no e-mail of an opted-out kind but keep it in the inbox, still send the invitation, and move the calendar entry with a higher SEQUENCE', async () => {
    const [optedOut, plain, digest] = members as [{ id: string; email: string }, { id: string; email: string }, { id: string; email: string }];
    const saved = await system.request('PUT', `/api/v1/persons/${optedOut.id}/notification-preferences`, { deliveryMode: 'immediate', optedOutKinds: ['stage.meeting_moved'] });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ deliveryMode: 'immediate', optedOutKinds: ['stage.meeting_moved'], calendarFeed: false, locale: 'de' });
    expect((await system.request('PUT', `/api/v1/persons/${digest.id}/notification-preferences`, { deliveryMode: 'digest', optedOutKinds: [] })).status).toBe(200);
    const token = await system.request('POST', `/api/v1/persons/${optedOut.id}/calendar-token`);
    expect(token.status).toBe(201);
    expect(token.body.feedUrl).toMatch(/^\/api\/v1\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);

    const id = await startRound(system, { templateKey: 'beschlussvorlage', templateVersion: 1, title: 'Radweg Hauptstraße', meetings: { fachausschuss: '2030-06-04T15:00:00Z' } });
    expect((await system.request('POST', `/api/v1/rounds/${id}/stages/vorlage/decision`, { outcome: 'completed' })).status).toBe(200);
    const invitationsTo = (email: string) => smtp.received.filter((mail) => mail.to === email && mail.ics?.includes(`UID:${id}.fachausschuss.meeting@ratsweg`));
    // The invitation reaches everybody at once, also the digest reader: it cannot wait.
    await eventually(async () => (invitationsTo(optedOut.email).length === 1 && invitationsTo(digest.email).length === 1 ? true : undefined));

    const feed = await system.request('GET', token.body.feedUrl as string);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(feed.headers.get('cache-control')).toBe('private, max-age=300');
    const before = parseCalendar(feed.body as string);
    const meeting = before.find((event) => event.uid === `${id}.fachausschuss.meeting@ratsweg`);
    expect(meeting?.sequence).toBe(0);
    expect(meeting?.startDate.toJSDate().toISOString()).toBe('2030-06-04T15:00:00.000Z');
    expect(before.some((event) => event.uid === `${id}.fachausschuss.deadline@ratsweg`)).toBe(true);

    expect((await system.request('PUT', `/api/v1/rounds/${id}/meetings/fachausschuss`, { start: '2030-06-11T15:00:00Z' })).status).toBe(202);
    const movedTo = (email: string) => smtp.received.filter((mail) => mail.to === email && mail.subject.startsWith('Sitzung verlegt') && mail.text.includes('2030'));
    await eventually(async () => (movedTo(plain.email).length === 1 && invitationsTo(optedOut.email).length === 2 ? true : undefined));
    await eventually(async () => {
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM delivery d JOIN notification n ON n.id = d.notification_id WHERE n.round_id = $1 AND d.channel = 'email' AND d.status <> 'sent' AND NOT d.digest`,
        [id],
      );
      return rows[0].n === 0 ? true : undefined;
    });
    expect(movedTo(optedOut.email)).toHaveLength(0);
    expect(invitationsTo(optedOut.email).filter((mail) => mail.ics?.includes('SEQUENCE:1'))).toHaveLength(1);

    // The opted-out kind is still in the person's inbox.
    const { rows: inboxRows } = await db.query(
      `SELECT d.id FROM delivery d JOIN notification n ON n.id = d.notification_id WHERE n.round_id = $1 AND n.kind = 'stage.meeting_moved' AND d.channel = 'inbox' AND d.recipient = $2`,
      [id, `person:${optedOut.id}`],
    );
    expect(inboxRows).toHaveLength(1);
    const inbox = await system.request('GET', `/api/v1/persons/${optedOut.id}/notifications`);
    expect(inbox.status).toBe(200);
    expect(inbox.body.data.map((entry: { id: string }) => entry.id)).toContain(inboxRows[0].id);

    const after = parseCalendar((await system.request('GET', token.body.feedUrl as string)).body as string);
    const moved = after.find((event) => event.uid === `${id}.fachausschuss.meeting@ratsweg`);
    expect(moved?.sequence).toBe(1);
    expect(moved?.startDate.toJSDate().toISOString()).toBe('2030-06-11T15:00:00.000Z');
    expect(after.find((event) => event.uid === `${id}.fachausschuss.deadline@ratsweg`)?.sequence).toBe(1);

    // The digest reader's e-mail waits for 07:00 Berlin; made due, it arrives as one digest.
    const { rows: waiting } = await db.query(
      `SELECT d.id, d.next_attempt_at FROM delivery d JOIN notification n ON n.id = d.notification_id
       WHERE n.round_id = $1 AND d.recipient = $2 AND d.channel = 'email' AND d.digest AND d.status = 'pending'`,
      [id, `person:${digest.id}`],
    );
    expect(waiting).toHaveLength(1);
    const waitsUntil = new Date(waiting[0].next_attempt_at as Date);
    expect(waitsUntil.getTime()).toBeGreaterThan(Date.now());
    expect(new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' }).format(waitsUntil)).toBe('07:00');
    await db.query(`UPDATE delivery SET next_attempt_at = now() WHERE id = $1`, [waiting[0].id]);
    await eventually(async () => (smtp.received.some((mail) => mail.to === digest.email && mail.subject === 'Ratsweg: 1 Benachrichtigung') ? true : undefined));
    const digestMail = smtp.received.find((mail) => mail.to === digest.email && mail.subject === 'Ratsweg: 1 Benachrichtigung');
    expect(digestMail?.text).toContain('Sitzung verlegt');
    await eventually(async () => ((await db.query(`SELECT status FROM delivery WHERE id = $1`, [waiting[0].id])).rows[0].status === 'sent' ? true : undefined));
  });

  it('should let a person choose the language of their e-mails themselves, keep it, audit it, and write their next e-mails in it', async () => {
    const plain = members[1] as { id: string; email: string };
    const password = 'Sitzung im Rathaus um 18 Uhr';
    const email = `englisch-${plain.id.slice(0, 8)}@${system.tenant}.example`;
    expect((await system.request('POST', '/api/v1/users', { email, displayName: 'Englisch', password, personId: plain.id })).status).toBe(201);
    const self = { authorization: `Bearer ${await system.login(email, password)}` };
    const path = `/api/v1/persons/${plain.id}/notification-preferences`;

    expect((await system.request('PUT', path, { deliveryMode: 'immediate', optedOutKinds: [], locale: 'fr' }, self)).status).toBe(400);
    const saved = await system.request('PUT', path, { deliveryMode: 'immediate', optedOutKinds: [], locale: 'en' }, self);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ deliveryMode: 'immediate', locale: 'en' });
    expect((await system.request('GET', path, undefined, self)).body).toMatchObject({ locale: 'en' });
    // Saving without a language keeps the one chosen.
    expect((await system.request('PUT', path, { deliveryMode: 'immediate', optedOutKinds: [] }, self)).body).toMatchObject({ locale: 'en' });
    expect((await system.request('GET', `/api/v1/persons/${plain.id}`)).body).toMatchObject({ locale: 'en' });
    const { rows: audit } = await db.query(`SELECT actor, details FROM audit_entry WHERE tenant = $1 AND subject_id = $2 AND action = 'person.changed'`, [system.tenant, plain.id]);
    expect(audit).toHaveLength(1);

    const id = await startRound(system, { templateKey: 'beschlussvorlage', templateVersion: 1, title: 'Sprachwahl', meetings: { fachausschuss: '2030-07-02T15:00:00Z' } });
    expect((await system.request('POST', `/api/v1/rounds/${id}/stages/vorlage/decision`, { outcome: 'completed' })).status).toBe(200);
    const invitation = (to: string) => smtp.received.find((mail) => mail.to === to && mail.ics?.includes(`UID:${id}.fachausschuss.meeting@ratsweg`));
    const other = members[2] as { email: string };
    const [english, german] = await eventually(async () => {
      const mails = [invitation(plain.email), invitation(other.email)];
      return mails.every(Boolean) ? mails : undefined;
    });
    expect(english?.subject).toMatch(/^Invitation: /);
    expect(german?.subject).toMatch(/^Einladung: /);
  });

  it('should list the inbox newest first, page it, and mark an entry read', async () => {
    const person = members[0] as { id: string };
    const first = await system.request('GET', `/api/v1/persons/${person.id}/notifications?limit=1`);
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(1);
    expect(typeof first.body.next).toBe('string');
    const second = await system.request('GET', `/api/v1/persons/${person.id}/notifications?limit=1&cursor=${first.body.next as string}`);
    expect(second.body.data).toHaveLength(1);
    expect(second.body.data[0].id).not.toBe(first.body.data[0].id);
    expect(Date.parse(second.body.data[0].createdAt)).toBeLessThanOrEqual(Date.parse(first.body.data[0].createdAt));
    const entry = first.body.data[0] as { id: string; subject: string; text: string; readAt: string | null };
    expect(entry.readAt).toBeNull();
    expect(entry.subject.length).toBeGreaterThan(0);
    const read = await system.request('POST', `/api/v1/persons/${person.id}/notifications/${entry.id}/read`);
    expect(read.status).toBe(200);
    expect(typeof read.body.readAt).toBe('string');
    const again = await system.request('GET', `/api/v1/persons/${person.id}/notifications?limit=1`);
    expect(again.body.data[0].readAt).toBe(read.body.readAt);
    expect((await system.request('POST', `/api/v1/persons/${person.id}/notifications/00000000-0000-4000-8000-000000000000/read`)).status).toBe(404);
    expect((await system.request('GET', `/api/v1/persons/${person.id}/notifications?cursor=nonsense`)).status).toBe(400);
    const administrators = await system.request('GET', '/api/v1/notifications/administrators');
    expect(administrators.status).toBe(200);
    expect(Array.isArray(administrators.body.data)).toBe(true);
  });

  it('should answer 404 Problem Details when the calendar token is unknown, and stop the old feed when the token rotates', async () => {
    const unknown = await system.request('GET', '/api/v1/calendar/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    const person = members[0] as { id: string };
    const old = (await system.request('POST', `/api/v1/persons/${person.id}/calendar-token`)).body.feedUrl as string;
    const rotated = (await system.request('POST', `/api/v1/persons/${person.id}/calendar-token`)).body.feedUrl as string;
    expect(rotated).not.toBe(old);
    expect((await system.request('GET', old)).status).toBe(404);
    expect((await system.request('GET', rotated)).status).toBe(200);
  });
});

describe('local mailbox (no SMTP server configured)', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = new TestSystem({ env: { NOTIFICATION_DISPATCH_INTERVAL_MS: '100' } });
    await seed(system.tenant);
    await system.start();
  });

  afterAll(async () => {
    await system.stop();
  });

  it('should keep the mails in the local mailbox when no SMTP_URL is set', async () => {
    const id = await startRound(system, { templateKey: 'beschlussvorlage', templateVersion: 1, title: 'Ohne Mailserver', meetings: { fachausschuss: '2030-07-02T15:00:00Z' } });
    expect((await system.request('POST', `/api/v1/rounds/${id}/stages/vorlage/decision`, { outcome: 'completed' })).status).toBe(200);
    const page = await eventually(async () => {
      const response = await system.request('GET', '/api/v1/mailbox?limit=1');
      return response.status === 200 && response.body.data.length === 1 && response.body.next ? response : undefined;
    });
    const next = await system.request('GET', `/api/v1/mailbox?limit=1&cursor=${page.body.next as string}`);
    expect(next.body.data).toHaveLength(1);
    expect(Number(next.body.data[0].id)).toBeLessThan(Number(page.body.data[0].id));
    const mail = await system.request('GET', `/api/v1/mailbox/${page.body.data[0].id as string}`);
    expect(mail.status).toBe(200);
    expect(mail.body.subject).toContain('Einladung');
    expect(mail.body.ics).toContain(`UID:${id}.fachausschuss.meeting@ratsweg`);
    expect((await system.request('GET', '/api/v1/mailbox/999999999999')).status).toBe(404);
  });
});
