import { randomUUID } from 'node:crypto';
import { loadConfig } from '@ratsweg/config';
import { kurzverfahrenTemplate, Round } from '@ratsweg/domain';
import { NotificationDispatcher } from '@ratsweg/notifications';
import { createDataSource, NotificationDigestRepository, OutboxRepository, RoundRepository, WebhookSubscriptionRepository } from '@ratsweg/persistence';
import type { DataSource } from 'typeorm';
import { TestSmtpServer } from './support/smtp.js';

const RECIPIENTS = 24;
const ITEMS_PER_RECIPIENT = 6;
const RACES = 20;

/** Two workers' dispatchers (each with its own connection pool) sending the digests of the same moment. */
describe('digest e-mails sent by two dispatchers at once', () => {
  const smtp = new TestSmtpServer();
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

  /** A tenant with one round and, for each recipient, digest e-mails that are due now. */
  const dueDigests = async (tenant: string): Promise<string[]> => {
    const db = dataSources[0] as DataSource;
    const { round } = Round.start({ id: randomUUID(), title: 'Zusammenfassung', template: kurzverfahrenTemplate, actor: 'admin' }, new Date());
    await new RoundRepository(db).insertStarted(`round-${round.state.id}`, tenant, round.state);
    const recipients = Array.from({ length: RECIPIENTS }, (_, index) => `person:${String(index).padStart(2, '0')}-${randomUUID()}`);
    for (let item = 0; item < ITEMS_PER_RECIPIENT; item += 1) {
      const [notification] = (await db.query(
        `INSERT INTO "notification" ("tenant", "round_id", "kind", "audience", "occurrence", "idempotency_key", "payload", "status", "expanded_at")
         VALUES ($1, $2, 'stage.opened', 'responsible-body', $3, $4, '{}', 'expanded', now()) RETURNING "id"`,
        [tenant, round.state.id, String(item), `${tenant}:${item}`],
      )) as { id: string }[];
      await db.query(
        `INSERT INTO "delivery" ("tenant", "notification_id", "channel", "recipient", "address", "idempotency_key", "message_id", "subject", "body_text", "body_html", "digest", "next_attempt_at")
         SELECT $1, $2, 'email', recipient, replace(recipient, ':', '.') || '@example.org', $3 || recipient, '<' || $3 || recipient || '@ratsweg.test>', $4, $4, $4, true, now() - interval '1 minute'
         FROM unnest($5::text[]) AS recipient`,
        [tenant, notification?.id, `${tenant}:${item}:`, `Phase ${item + 1} eröffnet`, recipients],
      );
    }
    return recipients.map((recipient) => `${recipient.replace(':', '.')}@example.org`);
  };

  it('should send each recipient exactly one digest with all their notifications, however the two claim', async () => {
    for (let race = 0; race < RACES; race += 1) {
      const tenant = `test-digest-race-${randomUUID()}`;
      const addresses = await dueDigests(tenant);
      const config = loadConfig({ DATABASE_URL: process.env.DATABASE_URL, RATSWEG_TENANT: tenant, SMTP_URL: smtp.url });
      const dispatchers = dataSources.map(
        (dataSource) =>
          new NotificationDispatcher(config, new OutboxRepository(dataSource), new NotificationDigestRepository(dataSource), new WebhookSubscriptionRepository(dataSource)),
      );
      try {
        const attempted = await Promise.all(dispatchers.map((dispatcher) => dispatcher.dispatchOnce()));
        expect(attempted.reduce((sum, count) => sum + count, 0)).toBe(RECIPIENTS * ITEMS_PER_RECIPIENT);
      } finally {
        await Promise.all(dispatchers.map((dispatcher) => dispatcher.beforeApplicationShutdown()));
      }

      const mails = smtp.received.filter((mail) => addresses.includes(mail.to));
      const perRecipient = addresses.map((address) => mails.filter((mail) => mail.to === address).map((mail) => mail.subject));
      expect(perRecipient).toEqual(addresses.map(() => [`Ratsweg: ${ITEMS_PER_RECIPIENT} Benachrichtigungen`]));
      const statuses = (await (dataSources[0] as DataSource).query(`SELECT "status", count(*)::int AS "count" FROM "delivery" WHERE "tenant" = $1 GROUP BY "status"`, [tenant])) as {
        status: string;
        count: number;
      }[];
      expect(statuses).toEqual([{ status: 'sent', count: RECIPIENTS * ITEMS_PER_RECIPIENT }]);
    }
  });
});
