import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import type { RoundAction, StageType } from '@ratsweg/domain';
import { OutboxRepository, type DueDelivery, type NotificationRow, type Recipient, type RenderedDelivery } from '@ratsweg/persistence';
import nodemailer, { type Transporter } from 'nodemailer';
import { icsCalendar } from '../calendar/ics.util.js';
import { renderNotification } from '../content/notification-content.js';

const LEASE_MS = 120_000;
const BATCH = 50;

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

  constructor(
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
    @Inject(OutboxRepository) private readonly outbox: OutboxRepository,
  ) {
    if (config.SMTP_URL) {
      this.transport = nodemailer.createTransport({
        url: config.SMTP_URL,
        pool: true,
        maxConnections: 5,
        connectionTimeout: 10_000,
        socketTimeout: 30_000,
        tls: { rejectUnauthorized: config.SMTP_TLS_REJECT_UNAUTHORIZED },
      } as Parameters<typeof nodemailer.createTransport>[0]);
    }
  }

  onApplicationBootstrap(): void {
    this.schedule(0);
    this.logger.log(this.transport ? 'Dispatching notifications by SMTP' : 'Dispatching notifications to the local mailbox (no SMTP_URL)');
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.tick;
    this.transport?.close();
  }

  /** One pass: expand what is pending, then send what is due. Returns the number of deliveries attempted. */
  async dispatchOnce(): Promise<number> {
    while ((await this.outbox.expandPending(BATCH, (notification, recipient) => this.render(notification, recipient))) === BATCH) {
      // keep expanding until the backlog is gone
    }
    let attempted = 0;
    for (;;) {
      const due = await this.outbox.claimDue('email', BATCH, LEASE_MS);
      if (due.length === 0) return attempted;
      attempted += due.length;
      await Promise.all(due.map((delivery) => this.send(delivery)));
    }
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.tick = this.dispatchOnce()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn(`Dispatch pass failed, retrying: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => this.schedule(this.config.NOTIFICATION_DISPATCH_INTERVAL_MS));
    }, delay);
  }

  private async send(delivery: DueDelivery): Promise<void> {
    try {
      if (!delivery.address) throw new Error('no e-mail address');
      if (this.transport) {
        await this.transport.sendMail({
          from: this.config.SMTP_FROM,
          to: delivery.address,
          subject: delivery.subject,
          text: delivery.bodyText,
          html: delivery.bodyHtml,
          messageId: delivery.messageId,
          headers: { 'X-Ratsweg-Delivery': delivery.idempotencyKey },
          ...(delivery.ics ? { icalEvent: { method: 'REQUEST', filename: 'einladung.ics', content: delivery.ics } } : {}),
        });
      } else {
        await this.outbox.deliverLocally(delivery);
      }
      await this.outbox.markSent(delivery.id);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const giveUp = delivery.attempts >= this.config.NOTIFICATION_MAX_ATTEMPTS;
      const retryAt = giveUp ? undefined : new Date(Date.now() + Math.min(3_600_000, this.config.NOTIFICATION_RETRY_BASE_MS * 2 ** (delivery.attempts - 1)));
      await this.outbox.markFailed(delivery.id, message, retryAt);
      if (giveUp) this.logger.error(`Delivery ${delivery.idempotencyKey} failed for good after ${delivery.attempts} attempts: ${message}`);
    }
  }

  private render(notification: NotificationRow, recipient: Recipient): RenderedDelivery[] {
    const payload = notification.payload;
    const base = (this.config.PUBLIC_BASE_URL ?? `http://${this.config.HOST}:${this.config.PORT}`).replace(/\/$/, '');
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
      link: `${base}/rounds/${payload.round.id}`,
    });
    const ics =
      payload.meeting && payload.stage && (notification.kind === 'meeting.invitation' || notification.kind === 'stage.meeting_moved')
        ? icsCalendar(
            [
              {
                uid: `${payload.round.id}.${payload.stage.key}.meeting@ratsweg`,
                sequence: payload.meeting.sequence ?? 0,
                start: payload.meeting.start,
                summary: `${payload.stage.title[recipient.locale]}: ${payload.round.title}`,
                url: `${base}/rounds/${payload.round.id}`,
                stamp: payload.at,
              },
            ],
            { method: 'REQUEST' },
          )
        : undefined;
    const deliveries: RenderedDelivery[] = [{ channel: 'inbox', recipient, ...content, ...(ics ? { ics } : {}) }];
    if (recipient.email) deliveries.push({ channel: 'email', recipient, ...content, ...(ics ? { ics } : {}) });
    return deliveries;
  }
}
