import { Controller, Get, Headers, Inject, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { localeFrom } from '../i18n/locale.util.js';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';
import { ProblemException, text } from '../problem-details/problem.exception.js';
import { NotificationService } from './notification.service.js';

/** The personal calendar feed. No authentication: the token in the URL is the secret. */
@ApiTags('notifications')
@Controller('api/v1/calendar')
export class CalendarFeedController {
  constructor(@Inject(NotificationService) private readonly notifications: NotificationService) {}

  @Get(':file')
  @ApiOperation({ summary: "A person's calendar (`<token>.ics`): meetings of their bodies and deadlines of the open stages before them" })
  @ApiProduces('text/calendar')
  @ApiResponse({ status: 200, description: 'iCalendar (RFC 5545), METHOD:PUBLISH' })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async feed(@Param('file') file: string, @Headers('accept-language') acceptLanguage: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    if (!file.endsWith('.ics')) throw new ProblemException('not-found', text('Diesen Kalender gibt es nicht.', 'There is no such calendar.'));
    const calendar = await this.notifications.calendarFeed(file.slice(0, -'.ics'.length), localeFrom(acceptLanguage));
    await reply.type('text/calendar; charset=utf-8').header('cache-control', 'private, max-age=300').send(calendar);
  }
}
