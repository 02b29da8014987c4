import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { listMailboxQuerySchema, type ListMailboxQuery } from '@ratsweg/contracts';
import { pageSchema } from '../directory/directory-api.util.js';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';
import { ZodBodyPipe } from '../validation/zod-body.pipe.js';
import { NotificationService, type MailboxEntryResponse, type Page } from './notification.service.js';

/** The local mailbox: where e-mails go when no SMTP_URL is set (embedded default, development). */
@ApiTags('notifications')
@Controller('api/v1/mailbox')
export class MailboxController {
  constructor(@Inject(NotificationService) private readonly notifications: NotificationService) {}

  @Get()
  @ApiOperation({ summary: 'Mails kept locally (no SMTP server configured), newest first' })
  @ApiQuery({ name: 'to', required: false, description: 'only mail to this e-mail address (case does not matter)' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: '`next` of the previous page' })
  @ApiResponse({ status: 200, schema: pageSchema('mails: id, messageId, to, subject, text, html, ics, createdAt') })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  async list(@Query(new ZodBodyPipe(listMailboxQuerySchema)) query: ListMailboxQuery): Promise<Page<MailboxEntryResponse>> {
    return this.notifications.listMailbox(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One mail of the local mailbox' })
  @ApiResponse({ status: 200, description: 'The mail' })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async get(@Param('id') id: string): Promise<MailboxEntryResponse> {
    return this.notifications.getMail(id);
  }
}
