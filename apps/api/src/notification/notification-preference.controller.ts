import { Body, Controller, Get, Inject, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { jsonSchema } from '../directory/directory-api.util.js';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';
import { ZodBodyPipe } from '../validation/zod-body.pipe.js';
import { notificationPreferenceRequestSchema, type NotificationPreferenceRequest } from './notification.request.js';
import { NotificationService, type NotificationPreferenceResponse } from './notification.service.js';

/** A person's notification preferences. (Authentication and `/me` come in a later issue.) */
@ApiTags('notifications')
@Controller('api/v1/persons/:id')
export class NotificationPreferenceController {
  constructor(@Inject(NotificationService) private readonly notifications: NotificationService) {}

  @Get('notification-preferences')
  @ApiOperation({ summary: "A person's notification preferences: e-mails at once or as a daily digest (07:00), kinds not wanted by e-mail" })
  @ApiResponse({ status: 200, description: '`{ deliveryMode, optedOutKinds, calendarFeed, locale }` (`locale`: the language of the e-mails, `de` or `en`)' })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async get(@Param('id') id: string): Promise<NotificationPreferenceResponse> {
    return this.notifications.getPreferences(id);
  }

  @Put('notification-preferences')
  @ApiOperation({
    summary: 'Set the preferences; `meeting.invitation` is legally required and cannot be opted out of (400)',
    description: "`locale` (optional) sets the language of the person's e-mails and inbox entries: the directory person's language, audited as `person.changed`.",
  })
  @ApiBody({ schema: jsonSchema(notificationPreferenceRequestSchema) })
  @ApiResponse({ status: 200, description: 'The saved preferences' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async put(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodBodyPipe(notificationPreferenceRequestSchema)) body: NotificationPreferenceRequest,
  ): Promise<NotificationPreferenceResponse> {
    return this.notifications.savePreferences(id, body, principal.actor);
  }

  @Post('calendar-token')
  @ApiOperation({ summary: 'Create or rotate the secret of the personal calendar feed; the previous feed URL stops working' })
  @ApiResponse({ status: 201, description: '`{ feedUrl }`: `/api/v1/calendar/<token>.ics`' })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async rotateCalendarToken(@Param('id') id: string): Promise<{ feedUrl: string }> {
    return this.notifications.rotateCalendarToken(id);
  }
}
