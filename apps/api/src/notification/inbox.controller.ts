import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { listInboxQuerySchema, type ListInboxQuery } from '@ratsweg/contracts';
import { pageSchema } from '../directory/directory-api.util.js';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';
import { ZodBodyPipe } from '../validation/zod-body.pipe.js';
import { NotificationService, type InboxEntryResponse, type Page } from './notification.service.js';

/**
 * The in-app inbox: every notification a person (or the administrators together) received,
 * whatever their e-mail preferences. Authentication and `/me` come in a later issue; until
 * then the person is named by id.
 */
@ApiTags('notifications')
@Controller('api/v1')
export class InboxController {
  constructor(@Inject(NotificationService) private readonly notifications: NotificationService) {}

  @Get('persons/:id/notifications')
  @ApiOperation({ summary: "A person's inbox, newest first" })
  @ApiQuery({ name: 'unread', required: false, enum: ['true', 'false'], description: '`true`: only unread notifications; `false`: only read ones' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: '`next` of the previous page' })
  @ApiResponse({ status: 200, schema: pageSchema('notifications: id, subject, text, createdAt, readAt') })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async list(@Param('id') id: string, @Query(new ZodBodyPipe(listInboxQuerySchema)) query: ListInboxQuery): Promise<Page<InboxEntryResponse>> {
    return this.notifications.listPersonInbox(id, query);
  }

  @Post('persons/:id/notifications/:deliveryId/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark a notification of the inbox read' })
  @ApiResponse({ status: 200, description: 'The notification, with `readAt`' })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async markRead(@Param('id') id: string, @Param('deliveryId') deliveryId: string): Promise<InboxEntryResponse> {
    return this.notifications.markRead(id, deliveryId);
  }

  @Get('notifications/administrators')
  @ApiOperation({ summary: "The administrators' shared inbox, newest first" })
  @ApiQuery({ name: 'unread', required: false, enum: ['true', 'false'], description: '`true`: only unread notifications; `false`: only read ones' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: '`next` of the previous page' })
  @ApiResponse({ status: 200, schema: pageSchema('notifications: id, subject, text, createdAt, readAt') })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  async administrators(@Query(new ZodBodyPipe(listInboxQuerySchema)) query: ListInboxQuery): Promise<Page<InboxEntryResponse>> {
    return this.notifications.listAdministratorInbox(query);
  }
}
