import type { ProcessTemplate } from '@ratsweg/domain';
import pg from 'pg';
import { TestSmtpServer } from './support/smtp.js';
import { startRound, uploadTemplate } from './support/rounds.js';
import { eventually, TestSystem } from './support/system.js';

const title = { de: 'Großer Verteiler', en: 'Large distribution list' };

/** One stage whose opening is announced to every member of the body `verteiler`. */
const announcement: ProcessTemplate = {
  key: 'bekanntmachung',
  version: 1,
  title,
  stages: [
    {
      key: 'bekanntmachung',
      type: 'briefing',
      title,
      body: 'verteiler',
      notify: { onOpen: ['body:verteiler'] },
      outcomes: { acknowledged: { to: 'end' } },
    },
  ],
};

/** A body with `count` members, each with an e-mail address, written straight into the directory. */
async function createDistributionList(db: pg.Client, tenant: string, count: number): Promise<string[]> {
  await db.query(
    `INSERT INTO tenant (key, name, short_name, ags, standing_orders, created_at, modified_at)
     VALUES ($1, 'Testgemeinde', 'Test', '05999002', '{"noticePeriodDays":7,"urgentNoticePeriodDays":3,"dayCounting":"calendar","meetingDayCounts":false}', now(), now())
     ON CONFLICT DO NOTHING`,
    [tenant],
  );
  const body = await db.query(
    `INSERT INTO body (id, tenant, key, name, short_name, classification, start_date, created_at, modified_at)
     VALUES (gen_random_uuid(), $1, 'verteiler', 'Verteiler', 'Verteiler', 'working_group', '2020-01-01', now(), now()) RETURNING id`,
    [tenant],
  );
  await db.query(
    `WITH people AS (
       INSERT INTO person (id, tenant, given_name, family_name, email, locale, created_at, modified_at)
       SELECT gen_random_uuid(), $1, 'Person', 'Nr. ' || n, 'person' || n || '@verteiler.example', 'de', now(), now() FROM generate_series(1, $2) n
       RETURNING id, email)
     INSERT INTO membership (id, tenant, person_id, body_id, role, voting_right, start_date, created_at, modified_at)
     SELECT gen_random_uuid(), $1, id, $3, 'member', true, '2020-01-01', now(), now() FROM people`,
    [tenant, count, body.rows[0].id],
  );
  const { rows } = await db.query('SELECT email FROM person WHERE tenant = $1 ORDER BY email', [tenant]);
  return rows.map((row: { email: string }) => row.email).sort();
}

describe('notification fan-out', () => {
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });

  beforeAll(async () => {
    await db.connect();
  });

  afterAll(async () => {
    await db.end();
  });

  it('should deliver one message to each of 1,000 recipients of one notification', async () => {
    const smtp = await new TestSmtpServer().start();
    const system = new TestSystem({ env: { SMTP_URL: smtp.url, NOTIFICATION_DISPATCH_INTERVAL_MS: '100' } });
    try {
      const people = await createDistributionList(db, system.tenant, 1_000);
      await system.start();
      await uploadTemplate(system, announcement, 1);
      await startRound(system, { templateKey: 'bekanntmachung', title: 'Bekanntmachung an alle' });
      await eventually(async () => (smtp.received.length >= 1_000 ? true : undefined), 120_000);
      await eventually(async () => ((await db.query(`SELECT count(*)::int AS n FROM delivery WHERE tenant = $1 AND channel = 'email' AND status <> 'sent'`, [system.tenant])).rows[0].n === 0 ? true : undefined));
      expect(smtp.received.map((mail) => mail.to).sort()).toEqual(people);
    } finally {
      await system.stop();
      await smtp.stop();
    }
  });

  it('should deliver every key after the worker was killed while sending, duplicates only with the same Message-ID', async () => {
    // A slow mail server, so that the worker is killed in the middle of the fan-out.
    const smtp = await new TestSmtpServer({ delayMs: 50 }).start();
    const system = new TestSystem({ env: { SMTP_URL: smtp.url, NOTIFICATION_DISPATCH_INTERVAL_MS: '100', NOTIFICATION_LEASE_MS: '2000' } });
    try {
      const people = await createDistributionList(db, system.tenant, 300);
      await system.start();
      await uploadTemplate(system, announcement, 1);
      await startRound(system, { templateKey: 'bekanntmachung', title: 'Absturz beim Versand' });
      await eventually(async () => (smtp.received.length >= 30 ? true : undefined), 60_000);
      expect((await system.worker?.stop('SIGKILL'))?.signal).toBe('SIGKILL');
      expect(smtp.received.length).toBeLessThan(300);
      await system.startWorker();
      await eventually(async () => ((await db.query(`SELECT count(*)::int AS n FROM delivery WHERE tenant = $1 AND channel = 'email' AND status <> 'sent'`, [system.tenant])).rows[0].n === 0 ? true : undefined), 120_000);
      const distinct = new Map(smtp.received.map((mail) => [`${mail.to} ${mail.messageId}`, mail]));
      expect([...distinct.values()].map((mail) => mail.to).sort()).toEqual(people);
      // Only messages in flight at the kill (at most the pool's five connections) may arrive twice, and then with the same Message-ID.
      expect(smtp.received.length - distinct.size).toBeLessThanOrEqual(5);
    } finally {
      await system.stop();
      await smtp.stop();
    }
  });
});
