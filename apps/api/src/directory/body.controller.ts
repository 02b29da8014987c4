import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { BODY_CLASSIFICATIONS } from '@ratsweg/persistence';
import type { FastifyReply } from 'fastify';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';
import { ZodBodyPipe } from '../validation/zod-body.pipe.js';
import { jsonSchema, pageSchema } from './directory-api.util.js';
import type { BodyResponse, ListResponse } from './directory.presenter.js';
import {
  createBodyRequestSchema,
  endRequestSchema,
  listBodiesQuerySchema,
  updateBodyRequestSchema,
  type CreateBodyRequest,
  type EndRequest,
  type ListBodiesQuery,
  type UpdateBodyRequest,
} from './directory.request.js';
import { DirectoryService } from './directory.service.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';

@ApiTags('directory')
@Controller('api/v1/bodies')
export class BodyController {
  constructor(@Inject(DirectoryService) private readonly directory: DirectoryService) {}

  @Get()
  @ApiOperation({ summary: 'The council, committees and other bodies (OParl Organization), by name' })
  @ApiQuery({ name: 'classification', required: false, enum: [...BODY_CLASSIFICATIONS] })
  @ApiQuery({ name: 'on', required: false, description: 'only bodies that exist on this day (YYYY-MM-DD)' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: '`next` of the previous page' })
  @ApiResponse({ status: 200, schema: pageSchema('bodies') })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  async list(@Query(new ZodBodyPipe(listBodiesQuerySchema)) query: ListBodiesQuery): Promise<ListResponse<BodyResponse>> {
    return this.directory.listBodies(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A body' })
  @ApiResponse({ status: 200, description: 'The body' })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async get(@Param('id') id: string): Promise<BodyResponse> {
    return this.directory.getBody(id);
  }

  @Post()
  @ApiOperation({ summary: 'Add a body; its key is what process templates name as a stage body' })
  @ApiBody({ schema: jsonSchema(createBodyRequestSchema) })
  @ApiResponse({ status: 201, description: 'The body; Location names it' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async create(@CurrentPrincipal() principal: Principal, @Body(new ZodBodyPipe(createBodyRequestSchema)) body: CreateBodyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<BodyResponse> {
    const created = await this.directory.createBody(body, principal.actor);
    void reply.status(201).header('location', `/api/v1/bodies/${created.id}`);
    return created;
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a body' })
  @ApiBody({ schema: jsonSchema(updateBodyRequestSchema) })
  @ApiResponse({ status: 200, description: 'The changed body' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async update(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body(new ZodBodyPipe(updateBodyRequestSchema)) body: UpdateBodyRequest): Promise<BodyResponse> {
    return this.directory.updateBody(id, body, principal.actor);
  }

  @Post(':id/end')
  @HttpCode(200)
  @ApiOperation({ summary: 'End a body on its last day; its memberships that last longer end with it' })
  @ApiBody({ schema: jsonSchema(endRequestSchema) })
  @ApiResponse({ status: 200, description: 'The ended body' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async end(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body(new ZodBodyPipe(endRequestSchema)) body: EndRequest): Promise<BodyResponse> {
    return this.directory.endBody(id, body, principal.actor);
  }
}
