import { Controller, Get, Headers, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { myDeadlinesQuerySchema, myNotificationsQuerySchema, type MyDeadlinesQuery, type MyNotificationsQuery } from '@ratsweg/contracts';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { pageSchema } from '../directory/directory-api.util.js';
import { localeFrom } from '../i18n/locale.util.js';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';
import { ZodBodyPipe } from '../validation/zod-body.pipe.js';
import { MeService, type MyDeadlineResponse, type MyNotificationResponse, type Page } from './me.service.js';

/** The signed-in user's own view: what is due in their bodies, and their notifications. */
@ApiTags('me')
@ApiBearerAuth()
@Controller('api/v1/me')
export class MeController {
  constructor(@Inject(MeService) private readonly me: MeService) {}

  @Get('deadlines')
  @ApiOperation({
    summary: 'Open deadlines in the bodies the signed-in person belongs to today, earliest first',
    description: 'Open stages with a deadline of running rounds whose responsible body the linked directory person is a current member of. Empty for users without a linked person.',
  })
  @ApiQuery({ name: 'before', required: false, description: 'only deadlines before this instant (RFC 3339)' })
  @ApiQuery({ name: 'overdue', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: '`next` of the previous page' })
  @ApiResponse({ status: 200, schema: pageSchema('deadlines: roundId, roundTitle, stageKey, stageTitle, body, deadlineAt, overdue, role, nextReminderAt?') })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 401, ...PROBLEM_RESPONSE })
  async deadlines(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodBodyPipe(myDeadlinesQuerySchema)) query: MyDeadlinesQuery,
    @Headers('accept-language') acceptLanguage?: string,
  ): Promise<Page<MyDeadlineResponse>> {
    return this.me.deadlines(principal, query, localeFrom(acceptLanguage));
  }

  @Get('notifications')
  @ApiOperation({
    summary: "The signed-in user's inbox, newest first",
    description:
      "The linked person's notifications, the user account's own (e.g. as the administrator of a round the user started) and, for administrators, " +
      "the administrators' shared inbox, merged; a shared entry the user also got personally appears once, as the user's own.",
  })
  @ApiQuery({ name: 'unread', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: '`next` of the previous page' })
  @ApiResponse({ status: 200, schema: pageSchema('notifications: id, inbox (person | user | administrators), subject, text, createdAt, readAt') })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 401, ...PROBLEM_RESPONSE })
  async notifications(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodBodyPipe(myNotificationsQuerySchema)) query: MyNotificationsQuery,
  ): Promise<Page<MyNotificationResponse>> {
    return this.me.notifications(principal, query);
  }

  @Post('notifications/:deliveryId/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark one of the own notifications read' })
  @ApiResponse({ status: 200, description: 'The notification, with `readAt`' })
  @ApiResponse({ status: 401, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async markRead(@CurrentPrincipal() principal: Principal, @Param('deliveryId') deliveryId: string): Promise<MyNotificationResponse> {
    return this.me.markRead(principal, deliveryId);
  }
}
