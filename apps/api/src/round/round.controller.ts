import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { createRoundRequestSchema, decisionRequestSchema, type CreateRoundRequest, type DecisionRequest } from '@ratsweg/contracts';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { localeFrom } from '../i18n/locale.util.js';
import { ZodBodyPipe } from '../validation/zod-body.pipe.js';
import { presentRound, type RoundResponse } from './round.presenter.js';
import { RoundService } from './round.service.js';

/** Until authentication arrives every command is recorded as coming from the API itself. */
const API_ACTOR = 'system:api';

const problem = { description: 'RFC 9457 Problem Details', content: { 'application/problem+json': {} } };

@ApiTags('rounds')
@Controller('api/v1/rounds')
export class RoundController {
  constructor(private readonly rounds: RoundService) {}

  @Post()
  @ApiOperation({ summary: 'Start a participation round from a process template' })
  @ApiBody({ schema: z.toJSONSchema(createRoundRequestSchema) as object })
  @ApiResponse({ status: 201, description: 'The round, running; Location names it' })
  @ApiResponse({ status: 400, ...problem })
  @ApiResponse({ status: 503, ...problem })
  async create(
    @Body(new ZodBodyPipe(createRoundRequestSchema)) body: CreateRoundRequest,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RoundResponse> {
    const state = await this.rounds.start(body, API_ACTOR);
    void reply.status(201).header('location', `/api/v1/rounds/${state.id}`);
    return presentRound(state, localeFrom(acceptLanguage));
  }

  @Get(':id')
  @ApiOperation({ summary: 'A round with the status of each stage' })
  @ApiResponse({ status: 200, description: 'The round' })
  @ApiResponse({ status: 404, ...problem })
  async get(@Param('id') id: string, @Headers('accept-language') acceptLanguage?: string): Promise<RoundResponse> {
    return presentRound(await this.rounds.get(id), localeFrom(acceptLanguage));
  }

  @Post(':id/stages/:stageKey/decision')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record the decision on an open stage' })
  @ApiBody({ schema: z.toJSONSchema(decisionRequestSchema) as object })
  @ApiResponse({ status: 200, description: 'The round after the decision' })
  @ApiResponse({ status: 400, ...problem })
  @ApiResponse({ status: 404, ...problem })
  @ApiResponse({ status: 409, ...problem })
  @ApiResponse({ status: 503, ...problem })
  async decide(
    @Param('id') id: string,
    @Param('stageKey') stageKey: string,
    @Body(new ZodBodyPipe(decisionRequestSchema)) body: DecisionRequest,
    @Headers('accept-language') acceptLanguage?: string,
  ): Promise<RoundResponse> {
    return presentRound(await this.rounds.decide(id, stageKey, body, API_ACTOR), localeFrom(acceptLanguage));
  }
}
