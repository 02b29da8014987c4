import { Body, Controller, Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';
import { ZodBodyPipe } from '../validation/zod-body.pipe.js';
import { jsonSchema, pageSchema } from './directory-api.util.js';
import type { LegislativeTermResponse, ListResponse } from './directory.presenter.js';
import { createLegislativeTermRequestSchema, listQuerySchema, type CreateLegislativeTermRequest, type ListQuery } from './directory.request.js';
import { DirectoryService } from './directory.service.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';

@ApiTags('directory')
@Controller('api/v1/legislative-terms')
export class LegislativeTermController {
  constructor(@Inject(DirectoryService) private readonly directory: DirectoryService) {}

  @Get()
  @ApiOperation({ summary: 'The legislative terms (Wahlperioden), by start date' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: '`next` of the previous page' })
  @ApiResponse({ status: 200, schema: pageSchema('legislative terms') })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  async list(@Query(new ZodBodyPipe(listQuerySchema)) query: ListQuery): Promise<ListResponse<LegislativeTermResponse>> {
    return this.directory.listLegislativeTerms(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A legislative term' })
  @ApiResponse({ status: 200, description: 'The legislative term' })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async get(@Param('id') id: string): Promise<LegislativeTermResponse> {
    return this.directory.getLegislativeTerm(id);
  }

  @Post()
  @ApiOperation({ summary: 'Add a legislative term' })
  @ApiBody({ schema: jsonSchema(createLegislativeTermRequestSchema) })
  @ApiResponse({ status: 201, description: 'The legislative term; Location names it' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodBodyPipe(createLegislativeTermRequestSchema)) body: CreateLegislativeTermRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LegislativeTermResponse> {
    const term = await this.directory.createLegislativeTerm(body, principal.actor);
    void reply.status(201).header('location', `/api/v1/legislative-terms/${term.id}`);
    return term;
  }
}
