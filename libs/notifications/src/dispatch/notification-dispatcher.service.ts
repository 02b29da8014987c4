import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import type { RoundAction, StageType } from '@ratsweg/domain';
import { OutboxListener, OutboxRepository, WebhookSubscriptionRepository, type DueDelivery, type NotificationRow, type Recipient, type RenderedDelivery } from '@ratsweg/persistence';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import { calendarMethodOf } from '../calendar/ics.util.js';
import { calendarAttachmentName, notificationCalendar } from '../calendar/notification-calendar.util.js';
import { renderNotification } from '../content/notification-content.js';
import { NotificationDigestRepository } from '@ratsweg/persistence';
import { composeDigests, type Digest } from './digest.util.js';
import { postWebhook } from '../webhook/webhook-sender.js';
import { GroupCommit } from './group-commit.util.js';

const BATCH = 50;
/** Notifications expanded per transaction: small enough that the first e-mails leave early. */
const EXPAND_BATCH = 25;
/** SMTP connections of the pooled transport. */
const SMTP_CONNECTIONS = 5;
/**
 * E-mails leased and handed to the transport at most at once (nodemailer queues them for its
 * connections); topped up with one lease statement once half of them are out.
 */
const SEND_WINDOW = BATCH;
/**
 * How long the first sent e-mail waits for others to be recorded with it: none. Its statement
 * starts at once and the e-mails accepted while it runs go in the next one (group commit), so a
 * crash after the mail server's acceptance re-sends (same Message-ID) at most what one running
 * statement holds back: about one e-mail per SMTP connection, as with one UPDATE per e-mail. A
 * linger of 5 ms saved few round trips at this load and let a killed worker re-send more than
 * the pool's connections (measured in the fan-out test).
 */
const SENT_LINGER_MS = 0;
/** Webhook requests in flight at once; each waits at most 10 s, so a slow endpoint holds one slot, not the dispatcher. */
const WEBHOOK_CONCURRENCY = 16;

/**
 * Delivers the outbox: expands notifications to recipients (resolved from the directory at
 * sending time), then sends due e-mails with retries and exponential back-off, recording
 * every attempt. Several workers can run it at once: rows are leased with SKIP LOCKED.
 *
 * The one window that cannot be closed: the mail server accepted a message and the worker
 * died before `sent` was saved. The lease then expires and the message is sent again — with
 * the same Message-ID, so mail clients and servers that de-duplicate show it once.
 */
@Injectable()
export class NotificationDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(NotificationDispatcher.name);
  private readonly transport?: Transporter;
  private timer?: NodeJS.Timeout;
  private tick?: Promise<void>;
  private stopped = false;
  /** A pass is running; a wake-up meanwhile makes the next pass follow at once. */
  private passing = false;
  private wokenDuringPass = false;
  private readonly listener?: OutboxListener;
  private readonly webhooksInFlight = new Set<Promise<void>>();
  /**
   * Sent deliveries are recorded together: those accepted by the mail server while one statement
   * runs go in the next statement (one round trip for many e-mails instead of one per e-mail).
   */
  private readonly sentLog = new GroupCommit<{ id: string; attempts: number }>((sent) => this.outbox.markAllSent(sent), SENT_LINGER_MS);

  constructor(
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
    @Inject(OutboxRepository) private readonly outbox: OutboxRepository,
    @Inject(NotificationDigestRepository) private readonly digests: NotificationDigestRepository,
    @Inject(WebhookSubscriptionRepository) private readonly webhooks: WebhookSubscriptionRepository,
  ) {
    if (config.SMTP_URL) {
      this.transport = nodemailer.createTransport({
        url: config.SMTP_URL,
        pool: true,
        maxConnections: SMTP_CONNECTIONS,
        connectionTimeout: 10_000,
        socketTimeout: 30_000,
        tls: { rejectUnauthorized: config.SMTP_TLS_REJECT_UNAUTHORIZED },
      } as Parameters<typeof nodemailer.createTransport>[0]);
    }
    if (config.NOTIFICATION_WAKEUP) {
      let reported = false;
      this.listener = new OutboxListener({
        url: config.DATABASE_URL,
        name: config.RATSWEG_TENANT,
        onWake: () => {
          if (reported) this.logger.log('Listening for new notifications again');
          reported = false;
          this.wake();
        },
        onLost: (reason) => {
          // Once per outage: polling goes on meanwhile.
          if (!reported) this.logger.warn(`Not listening for new notifications (${reason}); looking every ${config.NOTIFICATION_DISPATCH_INTERVAL_MS} ms until reconnected`);
          reported = true;
        },
        retryMs: 1_000,
      });
    }
  }

  onApplicationBootstrap(): void {
    this.schedule(0);
    void this.listener?.start();
    this.logger.log(this.transport ? 'Dispatching notifications by SMTP' : 'Dispatching notifications to the local mailbox (no SMTP_URL)');
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.listener?.stop();
    await this.tick;
    await Promise.all([...this.webhooksInFlight]);
    this.transport?.close();
  }

  /**
   * One pass: expand what is pending, and send what is due meanwhile. Returns the number of
   * deliveries attempted. Expansion commits batch after batch; e-mails of a committed batch are
   * leased (SKIP LOCKED) and sent while the next batch is expanded, up to SEND_WINDOW at once.
   * Webhooks and digests follow the expansion, as before.
   */
  async dispatchOnce(): Promise<number> {
    const expanded = new Wakeup();
    const room = new Wakeup();
    let expanding = true;
    const expansion = this.expandBacklog(() => expanded.notify()).finally(() => {
      expanding = false;
      expanded.notify();
    });
    const others = expansion.then(async () => (await this.dispatchWebhooks()) + (await this.dispatchDigests()));
    // Settled at the end; held here so that a failed expansion is not an unhandled rejection meanwhile.
    const othersOutcome = others.then(
      (count) => ({ count }),
      (error: unknown) => ({ error }),
    );
    const inFlight = new Set<Promise<void>>();
    let attempted = 0;
    try {
      while (!this.stopped) {
        const nextBatch = expanded.next();
        const stillExpanding = expanding;
        const wanted = SEND_WINDOW - inFlight.size;
        const due = await this.outbox.claimDue('email', wanted, this.config.NOTIFICATION_LEASE_MS, this.config.RATSWEG_TENANT);
        attempted += due.length;
        for (const delivery of due) {
          const sending: Promise<void> = this.send(delivery)
            .catch((error: unknown) => this.logger.warn(`Delivery ${delivery.idempotencyKey} not recorded: ${error instanceof Error ? error.message : String(error)}`))
            .finally(() => {
              inFlight.delete(sending);
              room.notify();
            });
          inFlight.add(sending);
        }
        if (due.length === wanted) {
          // Perhaps more are due: lease the next ones when half of the window is free.
          while (inFlight.size > SEND_WINDOW / 2 && !this.stopped) await room.next();
        } else if (stillExpanding) {
          await nextBatch; // nothing more due until the next expansion batch commits
        } else if (inFlight.size > 0) {
          await Promise.all(inFlight);
        } else if (due.length === 0) {
          break;
        }
      }
    } finally {
      await Promise.all(inFlight);
    }
    const outcome = await othersOutcome;
    if ('error' in outcome) throw outcome.error;
    return attempted + outcome.count;
  }

  /** Expands the backlog batch by batch, telling `committed` after each batch. */
  private async expandBacklog(committed: () => void): Promise<void> {
    while (!this.stopped) {
      const count = await this.outbox.expandPending(this.config.RATSWEG_TENANT, EXPAND_BATCH, (notification, recipient) => this.render(notification, recipient));
      if (count > 0) committed();
      if (count < EXPAND_BATCH) return;
    }
  }

  /**
   * Tops the webhook pool up to WEBHOOK_CONCURRENCY with due deliveries and returns without
   * waiting for them: a slow endpoint never holds back the next pass or other endpoints.
   */
  private async dispatchWebhooks(): Promise<number> {
    const free = WEBHOOK_CONCURRENCY - this.webhooksInFlight.size;
    if (free <= 0 || this.stopped) return 0;
    // Only this installation's tenant: its subscriptions, its retry settings.
    const due = await this.outbox.claimDue('webhook', free, this.config.NOTIFICATION_LEASE_MS, this.config.RATSWEG_TENANT);
    if (due.length === 0) return 0;
    const targets = await this.webhooks.targets(due.map((delivery) => delivery.recipient.replace(/^webhook:/, '')));
    for (const delivery of due) {
      const target = targets.get(delivery.recipient.replace(/^webhook:/, ''));
      const sending = this.sendWebhook(delivery, target?.active ? target.secret : undefined)
        .catch((error: unknown) => this.logger.warn(`Webhook delivery ${delivery.idempotencyKey} not recorded: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => this.webhooksInFlight.delete(sending));
      this.webhooksInFlight.add(sending);
    }
    return due.length;
  }

  /** One attempt at a webhook delivery; the secret comes from the subscription now and is never logged. */
  private async sendWebhook(delivery: DueDelivery, secret: string | undefined): Promise<void> {
    if (secret === undefined) {
      await this.outbox.markFailed(delivery.id, 'the webhook subscription is deactivated', undefined, delivery.attempts);
      return;
    }
    try {
      if (!delivery.address) throw new Error('no webhook URL');
      await postWebhook({ url: delivery.address, secret, id: delivery.idempotencyKey, body: delivery.bodyText });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const giveUp = delivery.attempts >= this.config.NOTIFICATION_MAX_ATTEMPTS;
      const retryAt = giveUp ? undefined : new Date(Date.now() + Math.min(3_600_000, this.config.NOTIFICATION_RETRY_BASE_MS * 2 ** (delivery.attempts - 1)));
      await this.outbox.markFailed(delivery.id, message, retryAt, delivery.attempts);
      if (giveUp) this.logger.error(`Webhook delivery ${delivery.idempotencyKey} failed for good after ${delivery.attempts} attempts: ${message}`);
      return;
    }
    await this.sentLog.add({ id: delivery.id, attempts: delivery.attempts });
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.passing = true;
      this.tick = this.dispatchOnce()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn(`Dispatch pass failed, retrying: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => {
          this.passing = false;
          const again = this.wokenDuringPass;
          this.wokenDuringPass = false;
          this.schedule(again ? 0 : this.config.NOTIFICATION_DISPATCH_INTERVAL_MS);
        });
    }, delay);
  }

  /** New notifications were written: a pass now instead of at the next look (or right after the running one). */
  private wake(): void {
    if (this.stopped) return;
    if (this.passing) {
      this.wokenDuringPass = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.schedule(0);
  }

  private async send(delivery: DueDelivery): Promise<void> {
    try {
      if (!delivery.address) throw new Error('no e-mail address');
      if (this.transport) {
        await sendComposed(this.transport, {
          from: this.config.SMTP_FROM,
          to: delivery.address,
          subject: delivery.subject,
          text: delivery.bodyText,
          html: delivery.bodyHtml,
          messageId: delivery.messageId,
          headers: { 'X-Ratsweg-Delivery': delivery.idempotencyKey },
          ...calendarPart(delivery),
        });
      } else {
        await this.outbox.deliverLocally(delivery);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const giveUp = delivery.attempts >= this.config.NOTIFICATION_MAX_ATTEMPTS;
      const retryAt = giveUp ? undefined : new Date(Date.now() + Math.min(3_600_000, this.config.NOTIFICATION_RETRY_BASE_MS * 2 ** (delivery.attempts - 1)));
      await this.outbox.markFailed(delivery.id, message, retryAt, delivery.attempts);
      if (giveUp) this.logger.error(`Delivery ${delivery.idempotencyKey} failed for good after ${delivery.attempts} attempts: ${message}`);
      return;
    }
    // Sent: only recording it is left. Should that fail, the lease expires and the message goes
    // out again with the same Message-ID (the documented window) — never marked failed. Recording
    // together widens that window by at most the one statement already running.
    await this.sentLog.add({ id: delivery.id, attempts: delivery.attempts });
  }

  private render(notification: NotificationRow, recipient: Recipient): RenderedDelivery[] {
    const payload = notification.payload;
    const base = (this.config.PUBLIC_BASE_URL ?? `http://${this.config.HOST}:${this.config.PORT}`).replace(/\/$/, '');
    // The round page of the web application, where the recipient can act.
    const link = `${base}/runden/${payload.round.id}`;
    const content = renderNotification({
      kind: notification.kind as RoundAction,
      locale: recipient.locale,
      round: payload.round,
      ...(payload.stage ? { stage: { key: payload.stage.key, type: payload.stage.type as StageType, title: payload.stage.title } } : {}),
      ...(payload.deadline ? { deadline: payload.deadline } : {}),
      ...(payload.meeting ? { meeting: payload.meeting } : {}),
      ...(payload.outcome ? { outcome: payload.outcome } : {}),
      ...(payload.reason ? { reason: payload.reason } : {}),
      ...(payload.report !== undefined ? { report: payload.report } : {}),
      ...(payload.comments ? { comments: payload.comments } : {}),
      link,
    });
    const ics = notificationCalendar(notification.kind, payload, recipient.locale, link);
    const deliveries: RenderedDelivery[] = [{ channel: 'inbox', recipient, ...content, ...(ics ? { ics } : {}) }];
    if (recipient.email) deliveries.push({ channel: 'email', recipient, ...content, ...(ics ? { ics } : {}) });
    return deliveries;
  }

  // --- digest (notification preferences, delivery mode 'digest') ---

  /**
   * Sends the due digest e-mails: all due ones of a recipient combined into one message (one
   * SMTP send), then all of them marked sent in one transaction. A failure retries the whole
   * digest with the same back-off as single e-mails.
   */
  private async dispatchDigests(): Promise<number> {
    let attempted = 0;
    for (;;) {
      const due = await this.digests.claimDue(this.config.RATSWEG_TENANT, BATCH, this.config.NOTIFICATION_LEASE_MS);
      if (due.length === 0) return attempted;
      attempted += due.length;
      await Promise.all(composeDigests(due).map((digest) => this.sendDigest(digest)));
    }
  }

  private async sendDigest(digest: Digest): Promise<void> {
    try {
      if (!digest.address) throw new Error('no e-mail address');
      if (this.transport) {
        await sendComposed(this.transport, {
          from: this.config.SMTP_FROM,
          to: digest.address,
          subject: digest.subject,
          text: digest.text,
          html: digest.html,
          messageId: digest.messageId,
          headers: { 'X-Ratsweg-Digest': String(digest.keys.length) },
        });
      } else {
        await this.outbox.deliverLocally({
          id: digest.deliveryIds[0] as string,
          tenant: digest.tenant,
          channel: 'email',
          recipient: digest.recipient,
          address: digest.address,
          idempotencyKey: `digest:${digest.keys.join('|')}`,
          messageId: digest.messageId,
          subject: digest.subject,
          bodyText: digest.text,
          bodyHtml: digest.html,
          ics: null,
          attempts: digest.attempts,
        });
      }
      await this.digests.markSent(digest.deliveryIds);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const giveUp = digest.attempts >= this.config.NOTIFICATION_MAX_ATTEMPTS;
      const retryAt = giveUp ? undefined : new Date(Date.now() + Math.min(3_600_000, this.config.NOTIFICATION_RETRY_BASE_MS * 2 ** (digest.attempts - 1)));
      await this.digests.markFailed(digest.deliveryIds, message, retryAt);
      if (giveUp) this.logger.error(`Digest for ${digest.recipient} failed for good after ${digest.attempts} attempts: ${message}`);
    }
  }
}

/**
 * Sends a message composed into one buffer first: the pooled transport then writes it to the
 * socket at once, instead of once for every header block and part of the MIME tree (a reminder
 * with its calendar file: 21 socket writes → 5). The envelope is nodemailer's own, from the headers.
 */
async function sendComposed(transport: Transporter, mail: SendMailOptions): Promise<void> {
  const message = new MailComposer(mail).compile();
  await transport.sendMail({ envelope: message.getEnvelope(), raw: await message.build() });
}

/**
 * How a delivery's calendar object travels: an invitation (METHOD:REQUEST) as nodemailer's
 * calendar event (a text/calendar alternative that mail clients offer to accept, plus the file);
 * an offered entry such as a deadline (METHOD:PUBLISH) as an ordinary .ics attachment.
 */
function calendarPart(delivery: DueDelivery): Partial<SendMailOptions> {
  if (!delivery.ics) return {};
  const method = calendarMethodOf(delivery.ics) ?? 'PUBLISH';
  const filename = calendarAttachmentName(method, delivery.locale === 'en' ? 'en' : 'de');
  if (method === 'REQUEST') return { icalEvent: { method, filename, content: delivery.ics } };
  return { attachments: [{ filename, content: delivery.ics, contentType: `text/calendar; charset=utf-8; method=${method}` }] };
}

/** Wakes whoever waits for the next event (a committed batch, a finished send); none is missed once `next()` was called. */
class Wakeup {
  private waiters: (() => void)[] = [];

  next(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
