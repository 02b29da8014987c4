import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import { AuditRepository, directoryChain, WebhookSubscriptionRepository, type WebhookSubscriptionRow } from '@ratsweg/persistence';
import type { EntityManager } from 'typeorm';
import type { ListWebhooksQuery } from '@ratsweg/contracts';
import { decodeKeysetCursor, encodeKeysetCursor, pageOf } from '../directory/directory-cursor.util.js';
import { ProblemException, text } from '../problem-details/problem.exception.js';
import { presentWebhook, type CreatedWebhookResponse, type WebhookResponse } from './webhook.presenter.js';
import type { CreateWebhookRequest, UpdateWebhookRequest } from './webhook.request.js';

/**
 * The tenant's webhook subscriptions. Every change is audited on the directory chain in the
 * same transaction — before and after without the secret; a new secret shows only as `secretChanged`.
 */
@Injectable()
export class WebhookService {
  constructor(
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
    @Inject(WebhookSubscriptionRepository) private readonly webhooks: WebhookSubscriptionRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  private get tenant(): string {
    return this.config.RATSWEG_TENANT;
  }

  /** One page of the subscriptions, oldest first. */
  async list(query: ListWebhooksQuery): Promise<{ data: WebhookResponse[]; next?: string }> {
    const [sortKey, id] = query.cursor === undefined ? [] : decodeKeysetCursor(query.cursor, 'webhooks', ['timestamp', 'uuid']);
    const rows = await this.webhooks.list(this.tenant, {
      ...(query.active !== undefined ? { active: query.active } : {}),
      ...(query.eventType !== undefined ? { eventType: query.eventType } : {}),
      ...(sortKey && id ? { after: { sortKey, id } } : {}),
      limit: query.limit + 1,
    });
    return pageOf(rows, query.limit, presentWebhook, (row) => encodeKeysetCursor('webhooks', [row.sortKey, row.id]));
  }

  async get(id: string): Promise<WebhookResponse> {
    return presentWebhook(await this.require(id));
  }

  async create(request: CreateWebhookRequest, actor: string): Promise<CreatedWebhookResponse> {
    return this.webhooks.transaction(async (manager) => {
      const now = new Date();
      const generated = request.secret === undefined ? `whsec_${randomBytes(32).toString('base64url')}` : undefined;
      const row: WebhookSubscriptionRow = {
        id: randomUUID(),
        tenant: this.tenant,
        url: request.url,
        secret: request.secret ?? (generated as string),
        eventTypes: request.eventTypes ?? [],
        active: request.active ?? true,
        createdAt: now,
        modifiedAt: now,
      };
      await this.webhooks.insert(manager, row);
      await this.record(manager, actor, now, row.id, 'webhook_subscription.created', null, presentWebhook(row));
      return { ...presentWebhook(row), ...(generated ? { secret: generated } : {}) };
    });
  }

  async update(id: string, request: UpdateWebhookRequest, actor: string): Promise<WebhookResponse> {
    return this.webhooks.transaction(async (manager) => {
      const row = await this.require(id, manager);
      const now = new Date();
      const next: WebhookSubscriptionRow = {
        ...row,
        ...(request.url !== undefined ? { url: request.url } : {}),
        ...(request.secret !== undefined ? { secret: request.secret } : {}),
        ...(request.eventTypes !== undefined ? { eventTypes: request.eventTypes } : {}),
        ...(request.active !== undefined ? { active: request.active } : {}),
        modifiedAt: now,
      };
      const secretChanged = next.secret !== row.secret;
      const before = presentWebhook(row);
      if (!secretChanged && sameContent(before, presentWebhook(next))) return before;
      await this.webhooks.update(manager, next);
      const action = row.active && !next.active ? 'webhook_subscription.deactivated' : 'webhook_subscription.changed';
      await this.record(manager, actor, now, id, action, before, presentWebhook(next), secretChanged ? { secretChanged: true } : undefined);
      return presentWebhook(next);
    });
  }

  /** DELETE: the subscription stays (its deliveries refer to it) but receives nothing more. */
  async deactivate(id: string, actor: string): Promise<WebhookResponse> {
    return this.update(id, { active: false }, actor);
  }

  private async require(id: string, manager?: EntityManager): Promise<WebhookSubscriptionRow> {
    const row = await this.webhooks.find(this.tenant, id, manager);
    if (!row) throw new ProblemException('not-found', text(`Kein Webhook mit der Id ${id}.`, `No webhook with id ${id}.`));
    return row;
  }

  private async record(
    manager: EntityManager,
    actor: string,
    now: Date,
    id: string,
    action: string,
    before: WebhookResponse | null,
    after: WebhookResponse,
    details?: Record<string, unknown>,
  ): Promise<void> {
    await this.audit.append(manager, [
      {
        tenant: this.tenant,
        chain: directoryChain(this.tenant),
        subjectType: 'webhook_subscription',
        subjectId: id,
        action,
        actor,
        before,
        after,
        ...(details ? { details } : {}),
        occurredAt: now,
      },
    ]);
  }
}

/** Whether two presentations say the same, apart from when they were last modified. */
function sameContent(a: WebhookResponse, b: WebhookResponse): boolean {
  return JSON.stringify({ ...a, modifiedAt: null }) === JSON.stringify({ ...b, modifiedAt: null });
}
