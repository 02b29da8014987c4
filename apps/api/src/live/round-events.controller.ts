import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';
import { ZodBodyPipe } from '../validation/zod-body.pipe.js';
import { RoundEventsService } from './round-events.service.js';

/** The streams take no parameters: anything in the query is refused (400). */
const noQuerySchema = z.strictObject({});

const STREAM_DESCRIPTION =
  'Server-sent events (text/event-stream): an event `change` with `{ roundId, mark }` whenever the read model changes (checked every second), ' +
  'a comment line every 15 s, and the end of the stream after SSE_MAX_SECONDS (EventSource reconnects by itself). ' +
  'At most SSE_MAX_CONNECTIONS_PER_USER streams per user (429 beyond).';

/** Live updates for the web application: reload when a round changed. */
@ApiTags('rounds')
@Controller('api/v1/rounds')
export class RoundEventsController {
  constructor(@Inject(RoundEventsService) private readonly events: RoundEventsService) {}

  @Get('events')
  @ApiOperation({ summary: 'Live updates on every round (for the overview)', description: STREAM_DESCRIPTION })
  @ApiProduces('text/event-stream')
  @ApiResponse({ status: 200, description: 'text/event-stream' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 429, ...PROBLEM_RESPONSE })
  async all(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodBodyPipe(noQuerySchema)) _query: object,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.stream(principal, undefined, lastEventId, reply);
  }

  @Get(':id/events')
  @ApiOperation({ summary: 'Live updates on one round', description: STREAM_DESCRIPTION })
  @ApiProduces('text/event-stream')
  @ApiResponse({ status: 200, description: 'text/event-stream' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 429, ...PROBLEM_RESPONSE })
  async one(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query(new ZodBodyPipe(noQuerySchema)) _query: object,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.stream(principal, id, lastEventId, reply);
  }

  private async stream(principal: Principal, roundId: string | undefined, lastEventId: string | undefined, reply: FastifyReply): Promise<void> {
    const stream = await this.events.openStream(`${principal.kind}:${principal.id}`, roundId, (listener) => reply.raw.once('close', listener), lastEventId);
    await reply
      .type('text/event-stream; charset=utf-8')
      .header('cache-control', 'no-store')
      // no buffering in reverse proxies (nginx)
      .header('x-accel-buffering', 'no')
      .send(stream);
  }
}
