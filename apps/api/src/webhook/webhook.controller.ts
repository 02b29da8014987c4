import { Body, Controller, Delete, Get, Inject, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { listWebhooksQuerySchema, type ListWebhooksQuery } from '@ratsweg/contracts';
import type { FastifyReply } from 'fastify';
import { jsonSchema, pageSchema } from '../directory/directory-api.util.js';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';
import { ZodBodyPipe } from '../validation/zod-body.pipe.js';
import type { CreatedWebhookResponse, WebhookResponse } from './webhook.presenter.js';
import { createWebhookRequestSchema, updateWebhookRequestSchema, type CreateWebhookRequest, type UpdateWebhookRequest } from './webhook.request.js';
import { WebhookService } from './webhook.service.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';

@ApiTags('webhooks')
@Controller('api/v1/webhooks')
export class WebhookController {
  constructor(@Inject(WebhookService) private readonly webhooks: WebhookService) {}

  @Get()
  @ApiOperation({ summary: 'The webhook subscriptions (without their secrets), oldest first' })
  @ApiQuery({ name: 'active', required: false, enum: ['true', 'false'], description: 'only active (`true`) or deactivated (`false`) subscriptions' })
  @ApiQuery({ name: 'eventType', required: false, description: 'only subscriptions that receive this event type (those without event types receive all)' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: '`next` of the previous page' })
  @ApiResponse({ status: 200, schema: pageSchema('webhook subscriptions') })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  async list(@Query(new ZodBodyPipe(listWebhooksQuerySchema)) query: ListWebhooksQuery): Promise<{ data: WebhookResponse[]; next?: string }> {
    return this.webhooks.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A webhook subscription' })
  @ApiResponse({ status: 200, description: 'The subscription' })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async get(@Param('id') id: string): Promise<WebhookResponse> {
    return this.webhooks.get(id);
  }

  @Post()
  @ApiOperation({
    summary: 'Subscribe an endpoint to round changes as signed CloudEvents; without `secret` one is generated and returned this once',
  })
  @ApiBody({ schema: jsonSchema(createWebhookRequestSchema) })
  @ApiResponse({ status: 201, description: 'The subscription; Location names it' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodBodyPipe(createWebhookRequestSchema)) body: CreateWebhookRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CreatedWebhookResponse> {
    const created = await this.webhooks.create(body, principal.actor);
    void reply.status(201).header('location', `/api/v1/webhooks/${created.id}`).header('cache-control', 'no-store');
    return created;
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change the URL, secret, event types or state of a subscription' })
  @ApiBody({ schema: jsonSchema(updateWebhookRequestSchema) })
  @ApiResponse({ status: 200, description: 'The changed subscription' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async update(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body(new ZodBodyPipe(updateWebhookRequestSchema)) body: UpdateWebhookRequest): Promise<WebhookResponse> {
    return this.webhooks.update(id, body, principal.actor);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Deactivate a subscription: it receives nothing more (pending deliveries fail)' })
  @ApiResponse({ status: 200, description: 'The deactivated subscription' })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async remove(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<WebhookResponse> {
    return this.webhooks.deactivate(id, principal.actor);
  }
}
