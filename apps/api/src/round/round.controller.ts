import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  cancelRoundRequestSchema,
  createRoundRequestSchema,
  decisionRequestSchema,
  extendDeadlineRequestSchema,
  listRoundsQuerySchema,
  rescheduleMeetingRequestSchema,
  type CancelRoundRequest,
  type CreateRoundRequest,
  type DecisionRequest,
  type ExtendDeadlineRequest,
  type ListRoundsQuery,
  type RescheduleMeetingRequest,
} from '@ratsweg/contracts';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { pageSchema } from '../directory/directory-api.util.js';
import { localeFrom } from '../i18n/locale.util.js';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';
import { ZodBodyPipe } from '../validation/zod-body.pipe.js';
import { RoundListService, type RoundPage } from './round-list.service.js';
import { presentRound, type RoundResponse } from './round.presenter.js';
import { RoundService } from './round.service.js';
import { StageAccessService } from '../auth/stage-access.service.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { unrepresentable: 'any' }) as object;

@ApiTags('rounds')
@Controller('api/v1/rounds')
export class RoundController {
  constructor(
    @Inject(RoundService) private readonly rounds: RoundService,
    @Inject(RoundListService) private readonly roundList: RoundListService,
    @Inject(StageAccessService) private readonly stageAccess: StageAccessService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Rounds from the read model, filtered and sorted, one page at a time' })
  @ApiQuery({ name: 'status', required: false, description: 'comma-separated: running, completed, cancelled, failed' })
  @ApiQuery({ name: 'template', required: false })
  @ApiQuery({ name: 'body', required: false, description: 'rounds with an open stage of this body' })
  @ApiQuery({ name: 'stage', required: false, description: 'rounds in which this stage is open' })
  @ApiQuery({ name: 'overdue', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'q', required: false, description: 'words in the title' })
  @ApiQuery({ name: 'sort', required: false, enum: ['createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'title', '-title', 'nextDeadlineAt', '-nextDeadlineAt'] })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: '`next` of the previous page' })
  @ApiResponse({ status: 200, schema: pageSchema('rounds') })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  async list(
    @Query(new ZodBodyPipe(listRoundsQuerySchema)) query: ListRoundsQuery,
    @Headers('accept-language') acceptLanguage?: string,
  ): Promise<RoundPage> {
    return this.roundList.list(query, localeFrom(acceptLanguage));
  }

  @Post()
  @ApiOperation({ summary: 'Start a participation round from a process template' })
  @ApiBody({ schema: jsonSchema(createRoundRequestSchema) })
  @ApiResponse({ status: 201, description: 'The round, running; Location names it' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 503, ...PROBLEM_RESPONSE })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodBodyPipe(createRoundRequestSchema)) body: CreateRoundRequest,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<RoundResponse> {
    const state = await this.rounds.start(body, principal.actor, idempotencyKey ? { idempotencyKey } : {});
    void reply.status(201).header('location', `/api/v1/rounds/${state.id}`);
    return presentRound(state, localeFrom(acceptLanguage));
  }

  @Get(':id')
  @ApiOperation({
    summary: 'A round: each stage with its status, window, deadline and rule, decisions and next reminder',
    description: 'Each stage also has `planned` `{ opens, closes?, deadline? }`: the schedule of its template from the round\'s start, to compare with the actual `openedAt`, `closedAt` and `deadline`.',
  })
  @ApiResponse({ status: 200, description: 'The round' })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async get(@Param('id') id: string, @Headers('accept-language') acceptLanguage?: string): Promise<RoundResponse> {
    const round = await this.rounds.get(id);
    return presentRound(round, localeFrom(acceptLanguage), await this.rounds.plan(round));
  }

  @Post(':id/stages/:stageKey/decision')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record the decision on an open stage' })
  @ApiBody({ schema: jsonSchema(decisionRequestSchema) })
  @ApiResponse({ status: 200, description: 'The round after the decision' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 409, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 503, ...PROBLEM_RESPONSE })
  async decide(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('stageKey') stageKey: string,
    @Body(new ZodBodyPipe(decisionRequestSchema)) body: DecisionRequest,
    @Headers('accept-language') acceptLanguage?: string,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<RoundResponse> {
    await this.stageAccess.assertMayActOn(principal, id, stageKey, 'decision');
    // With an Idempotency-Key, a retry after a lost answer (Temporal was unreachable) is recorded once, not refused as a second decision.
    const updateId = idempotencyKey ? this.rounds.updateIdFor(principal.actor, idempotencyKey, `${id}\n${stageKey}\n${JSON.stringify(body)}`) : undefined;
    return presentRound(await this.rounds.decide(id, stageKey, body, principal.actor, updateId ? { updateId } : {}), localeFrom(acceptLanguage));
  }

  @Post(':id/stages/:stageKey/deadline')
  @HttpCode(200)
  @ApiOperation({ summary: 'Extend the deadline of an open stage; its reminders move with it' })
  @ApiBody({ schema: jsonSchema(extendDeadlineRequestSchema) })
  @ApiResponse({ status: 200, description: 'The round after the extension' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 409, ...PROBLEM_RESPONSE })
  async extendDeadline(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('stageKey') stageKey: string,
    @Body(new ZodBodyPipe(extendDeadlineRequestSchema)) body: ExtendDeadlineRequest,
    @Headers('accept-language') acceptLanguage?: string,
  ): Promise<RoundResponse> {
    return presentRound(await this.rounds.extendDeadline(id, stageKey, body, principal.actor), localeFrom(acceptLanguage));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a running round with a reason' })
  @ApiBody({ schema: jsonSchema(cancelRoundRequestSchema) })
  @ApiResponse({ status: 200, description: 'The cancelled round' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 409, ...PROBLEM_RESPONSE })
  async cancel(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodBodyPipe(cancelRoundRequestSchema)) body: CancelRoundRequest,
    @Headers('accept-language') acceptLanguage?: string,
  ): Promise<RoundResponse> {
    return presentRound(await this.rounds.cancel(id, body, principal.actor), localeFrom(acceptLanguage));
  }

  @Put(':id/meetings/:meetingKey')
  @HttpCode(202)
  @ApiOperation({ summary: 'Set or move the date of a meeting of the round; deadlines and reminders follow' })
  @ApiBody({ schema: jsonSchema(rescheduleMeetingRequestSchema) })
  @ApiResponse({ status: 202, description: 'Accepted; the round applies it shortly' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 409, ...PROBLEM_RESPONSE })
  async rescheduleMeeting(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('meetingKey') meetingKey: string,
    @Body(new ZodBodyPipe(rescheduleMeetingRequestSchema)) body: RescheduleMeetingRequest,
  ): Promise<{ status: 'accepted' }> {
    await this.rounds.rescheduleMeeting(id, meetingKey, body, principal.actor);
    return { status: 'accepted' };
  }
}
