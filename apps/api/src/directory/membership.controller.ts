import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';
import { ZodBodyPipe } from '../validation/zod-body.pipe.js';
import { jsonSchema, pageSchema } from './directory-api.util.js';
import type { ListResponse, MembershipResponse } from './directory.presenter.js';
import {
  createMembershipRequestSchema,
  endRequestSchema,
  listMembershipsQuerySchema,
  updateMembershipRequestSchema,
  type CreateMembershipRequest,
  type EndRequest,
  type ListMembershipsQuery,
  type UpdateMembershipRequest,
} from './directory.request.js';
import { DirectoryService } from './directory.service.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';

@ApiTags('directory')
@Controller('api/v1/memberships')
export class MembershipController {
  constructor(@Inject(DirectoryService) private readonly directory: DirectoryService) {}

  @Get()
  @ApiOperation({ summary: 'Memberships (OParl Membership), by start date; `on` lists those who are members on that day' })
  @ApiQuery({ name: 'body', required: false, description: 'id of a body' })
  @ApiQuery({ name: 'person', required: false, description: 'id of a person' })
  @ApiQuery({ name: 'on', required: false, description: 'YYYY-MM-DD: memberships that last on this day' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: '`next` of the previous page' })
  @ApiResponse({ status: 200, schema: pageSchema('memberships') })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  async list(@Query(new ZodBodyPipe(listMembershipsQuerySchema)) query: ListMembershipsQuery): Promise<ListResponse<MembershipResponse>> {
    return this.directory.listMemberships(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A membership' })
  @ApiResponse({ status: 200, description: 'The membership' })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async get(@Param('id') id: string): Promise<MembershipResponse> {
    return this.directory.getMembership(id);
  }

  @Post()
  @ApiOperation({ summary: 'Add a person to a body for a period' })
  @ApiBody({ schema: jsonSchema(createMembershipRequestSchema) })
  @ApiResponse({ status: 201, description: 'The membership; Location names it' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodBodyPipe(createMembershipRequestSchema)) body: CreateMembershipRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MembershipResponse> {
    const membership = await this.directory.createMembership(body, principal.actor);
    void reply.status(201).header('location', `/api/v1/memberships/${membership.id}`);
    return membership;
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change the role, voting right or start of a membership' })
  @ApiBody({ schema: jsonSchema(updateMembershipRequestSchema) })
  @ApiResponse({ status: 200, description: 'The changed membership' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async update(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body(new ZodBodyPipe(updateMembershipRequestSchema)) body: UpdateMembershipRequest): Promise<MembershipResponse> {
    return this.directory.updateMembership(id, body, principal.actor);
  }

  @Post(':id/end')
  @HttpCode(200)
  @ApiOperation({ summary: 'End a membership on its last day' })
  @ApiBody({ schema: jsonSchema(endRequestSchema) })
  @ApiResponse({ status: 200, description: 'The ended membership' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async end(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body(new ZodBodyPipe(endRequestSchema)) body: EndRequest): Promise<MembershipResponse> {
    return this.directory.endMembership(id, body, principal.actor);
  }
}
