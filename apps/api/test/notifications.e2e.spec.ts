import { createDataSource, seedDemoDirectory } from '@ratsweg/persistence';
import pg from 'pg';
import { TestSmtpServer } from './support/smtp.js';
import { inMinutes, startRound } from './support/rounds.js';
import { eventually, TestSystem } from './support/system.js';

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
    expect(invitation?.text).toContain(`https://ratsweg.example/rounds/${id}`);
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
});
