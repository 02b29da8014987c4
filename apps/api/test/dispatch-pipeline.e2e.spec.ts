import { randomUUID } from 'node:crypto';
import { loadConfig } from '@ratsweg/config';
import { kurzverfahrenTemplate, Round } from '@ratsweg/domain';
import { NotificationDispatcher } from '@ratsweg/notifications';
import {
  createDataSource,
  NotificationDigestRepository,
  OUTBOX_LISTENER_APPLICATION,
  OutboxRepository,
  RoundRepository,
  WebhookSubscriptionRepository,
} from '@ratsweg/persistence';
import type { DataSource } from 'typeorm';
import { TestSmtpServer } from './support/smtp.js';
import { eventually } from './support/system.js';

const MEMBERS = 12;
const NOTIFICATIONS = 60;

/**
 * Two workers' dispatchers (each with its own connection pool) expanding and sending the same
 * backlog at once: expansion in batches, e-mails leased and sent while expansion goes on.
 */
describe('e-mails expanded and sent by two dispatchers at once', () => {
  const smtp = new TestSmtpServer({ delayMs: 5 });
  const dataSources: DataSource[] = [];

  beforeAll(async () => {
    await smtp.start();
    for (let worker = 0; worker < 2; worker += 1) {
      dataSources.push(await createDataSource({ url: process.env.DATABASE_URL as string, poolSize: 5 }).initialize());
    }
  });

  afterAll(async () => {
    await Promise.all(dataSources.map((dataSource) => dataSource.destroy()));
    await smtp.stop();
  });

  /** A body with members and a backlog of pending notifications of one round, each to the whole body. */
  const backlog = async (tenant: string, count = NOTIFICATIONS): Promise<{ addresses: string[]; notify: (count: number, batch: string) => Promise<void> }> => {
    const db = dataSources[0] as DataSource;
    await db.query(
      `INSERT INTO tenant (key, name, short_name, ags, standing_orders, created_at, modified_at)
       VALUES ($1, 'Testgemeinde', 'Test', '05999002', '{"noticePeriodDays":7,"urgentNoticePeriodDays":3,"dayCounting":"calendar","meetingDayCounts":false}', now(), now())`,
      [tenant],
    );
    const [body] = (await db.query(
      `INSERT INTO body (id, tenant, key, name, short_name, classification, start_date, created_at, modified_at)
       VALUES (gen_random_uuid(), $1, 'verteiler', 'Verteiler', 'Verteiler', 'working_group', '2020-01-01', now(), now()) RETURNING id`,
      [tenant],
    )) as { id: string }[];
    await db.query(
      `WITH people AS (
         INSERT INTO person (id, tenant, given_name, family_name, email, locale, created_at, modified_at)
         SELECT gen_random_uuid(), $1, 'Person', 'Nr. ' || n, 'person' || n || '@' || $1 || '.example', CASE WHEN n % 2 = 0 THEN 'en' ELSE 'de' END, now(), now()
         FROM generate_series(1, $2::int) n RETURNING id)
       INSERT INTO membership (id, tenant, person_id, body_id, role, voting_right, start_date, created_at, modified_at)
       SELECT gen_random_uuid(), $1, id, $3, 'member', true, '2020-01-01', now(), now() FROM people`,
      [tenant, MEMBERS, body?.id],
    );
    const { round } = Round.start({ id: randomUUID(), title: 'Rundschreiben', template: kurzverfahrenTemplate, actor: 'admin' }, new Date());
    await new RoundRepository(db).insertStarted(`round-${round.state.id}`, tenant, round.state);
    const payload = {
      round: { id: round.state.id, title: 'Rundschreiben' },
      stage: { key: 'info', type: 'briefing', title: { de: 'Information', en: 'Information' }, body: 'verteiler' },
      at: new Date().toISOString(),
      deadline: '2030-03-24T16:00:00Z',
      audiences: ['body:verteiler'],
    };
    const notify = async (notifications: number, batch: string): Promise<void> => {
      await db.query(
        `INSERT INTO "notification" ("tenant", "round_id", "stage_key", "kind", "audience", "occurrence", "idempotency_key", "payload")
         SELECT $1, $2, 'info', 'stage.opened', 'body:verteiler', $5 || n, $1 || ':' || $5 || n, $3::jsonb FROM generate_series(1, $4::int) n`,
        [tenant, round.state.id, JSON.stringify(payload), notifications, batch],
      );
    };
    await notify(count, 'n');
    return { addresses: Array.from({ length: MEMBERS }, (_, index) => `person${index + 1}@${tenant}.example`), notify };
  };

  it('should send every e-mail of the backlog exactly once, marked sent with one attempt each, however the two lease', async () => {
    const tenant = `test-pipeline-${randomUUID()}`;
    const { addresses } = await backlog(tenant);
    const config = loadConfig({ DATABASE_URL: process.env.DATABASE_URL, RATSWEG_TENANT: tenant, SMTP_URL: smtp.url });
    const dispatchers = dataSources.map(
      (dataSource) => new NotificationDispatcher(config, new OutboxRepository(dataSource), new NotificationDigestRepository(dataSource), new WebhookSubscriptionRepository(dataSource)),
    );
    try {
      const attempted = await Promise.all(dispatchers.map((dispatcher) => dispatcher.dispatchOnce()));
      expect(attempted.reduce((sum, count) => sum + count, 0)).toBe(MEMBERS * NOTIFICATIONS);
    } finally {
      await Promise.all(dispatchers.map((dispatcher) => dispatcher.beforeApplicationShutdown()));
    }

    const mails = smtp.received.filter((mail) => addresses.includes(mail.to));
    expect(mails).toHaveLength(MEMBERS * NOTIFICATIONS);
    // Each recipient got one message per notification, each Message-ID once.
    expect(new Set(mails.map((mail) => mail.messageId)).size).toBe(MEMBERS * NOTIFICATIONS);
    for (const address of addresses) expect(mails.filter((mail) => mail.to === address)).toHaveLength(NOTIFICATIONS);
    const db = dataSources[0] as DataSource;
    const notifications = (await db.query(`SELECT "status", count(*)::int AS "count" FROM "notification" WHERE "tenant" = $1 GROUP BY "status"`, [tenant])) as unknown[];
    expect(notifications).toEqual([{ status: 'expanded', count: NOTIFICATIONS }]);
    const deliveries = (await db.query(
      `SELECT d."channel", d."status", d."attempts", count(a."id")::int AS "sentAttempts"
       FROM "delivery" d LEFT JOIN "delivery_attempt" a ON a."delivery_id" = d."id" AND a."outcome" = 'sent'
       WHERE d."tenant" = $1 GROUP BY d."id"`,
      [tenant],
    )) as { channel: string; status: string; attempts: number; sentAttempts: number }[];
    const email = deliveries.filter((delivery) => delivery.channel === 'email');
    expect(email).toHaveLength(MEMBERS * NOTIFICATIONS);
    expect(email.every((delivery) => delivery.status === 'sent' && delivery.attempts === 1 && delivery.sentAttempts === 1)).toBe(true);
    // The inbox entries, one per recipient and notification, were written by the expansion.
    expect(deliveries.filter((delivery) => delivery.channel === 'inbox' && delivery.status === 'sent')).toHaveLength(MEMBERS * NOTIFICATIONS);
    // Every message is the recipient's language.
    const english = mails.filter((mail) => /^person\d*[02468]@/.test(mail.to));
    expect(english.length).toBe((MEMBERS / 2) * NOTIFICATIONS);
    const german = mails.filter((mail) => !english.includes(mail));
    const germanSubjects = new Set(german.map((mail) => mail.subject));
    expect(english.some((mail) => germanSubjects.has(mail.subject))).toBe(false);
  });

  it('should send notifications as soon as they are written, not at its next look, also after its listening connection was dropped', async () => {
    const tenant = `wake-${randomUUID().slice(0, 8)}`;
    const { addresses, notify } = await backlog(tenant, 0);
    // Its next look would be a minute away: only the wake-up can send within the waits below.
    const config = loadConfig({ DATABASE_URL: process.env.DATABASE_URL, RATSWEG_TENANT: tenant, SMTP_URL: smtp.url, NOTIFICATION_DISPATCH_INTERVAL_MS: '60000' });
    const db = dataSources[0] as DataSource;
    const dispatcher = new NotificationDispatcher(config, new OutboxRepository(db), new NotificationDigestRepository(db), new WebhookSubscriptionRepository(db));
    const listener = (other?: number) =>
      eventually(async () => {
        const rows = (await db.query(
          `SELECT "pid" FROM pg_stat_activity WHERE "application_name" = $1 AND "query" = 'LISTEN ratsweg_outbox' AND "state" = 'idle'`,
          [`${OUTBOX_LISTENER_APPLICATION}:${tenant}`],
        )) as { pid: number }[];
        return rows.find((row) => row.pid !== other)?.pid;
      }, 10_000);
    const mailed = (count: number) => eventually(async () => (smtp.received.filter((mail) => addresses.includes(mail.to)).length >= count ? true : undefined), 15_000);
    dispatcher.onApplicationBootstrap();
    try {
      const first = await listener();
      await notify(1, 'a');
      await mailed(MEMBERS);
      // The pass that sent those is over once they are recorded; the next notification needs a wake-up of its own.
      await eventually(async () => {
        const [row] = (await db.query(`SELECT count(*)::int AS "open" FROM "delivery" WHERE "tenant" = $1 AND "status" <> 'sent'`, [tenant])) as { open: number }[];
        return row?.open === 0 ? true : undefined;
      });
      await notify(1, 'b');
      await mailed(2 * MEMBERS);

      // The database drops the listening connection (a restart, a failover): the dispatcher listens again on a new one.
      await db.query('SELECT pg_terminate_backend($1)', [first]);
      await listener(first);
      await notify(1, 'c');
      await mailed(3 * MEMBERS);
    } finally {
      await dispatcher.beforeApplicationShutdown();
    }
    const mails = smtp.received.filter((mail) => addresses.includes(mail.to));
    expect(mails).toHaveLength(3 * MEMBERS);
    expect(new Set(mails.map((mail) => mail.messageId)).size).toBe(3 * MEMBERS);
  });
});
