import { Body, Controller, Get, Inject, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';
import { ZodBodyPipe } from '../validation/zod-body.pipe.js';
import { jsonSchema, pageSchema } from './directory-api.util.js';
import type { ListResponse, MeetingResponse } from './directory.presenter.js';
import {
  createMeetingRequestSchema,
  listMeetingsQuerySchema,
  updateMeetingRequestSchema,
  type CreateMeetingRequest,
  type ListMeetingsQuery,
  type UpdateMeetingRequest,
} from './directory.request.js';
import { DirectoryService } from './directory.service.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';

@ApiTags('directory')
@Controller('api/v1/meetings')
export class MeetingController {
  constructor(@Inject(DirectoryService) private readonly directory: DirectoryService) {}

  @Get()
  @ApiOperation({ summary: 'Meetings of the bodies (OParl Meeting), by start' })
  @ApiQuery({ name: 'body', required: false, description: 'only meetings of this body (its id)' })
  @ApiQuery({ name: 'round', required: false, description: 'only meetings that serve this participation round (its id)' })
  @ApiQuery({ name: 'from', required: false, description: 'only meetings that start at or after this instant (RFC 3339)' })
  @ApiQuery({ name: 'until', required: false, description: 'only meetings that start before this instant (RFC 3339)' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: '`next` of the previous page' })
  @ApiResponse({ status: 200, schema: pageSchema('meetings') })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  async list(@Query(new ZodBodyPipe(listMeetingsQuerySchema)) query: ListMeetingsQuery): Promise<ListResponse<MeetingResponse>> {
    return this.directory.listMeetings(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A meeting' })
  @ApiResponse({ status: 200, description: 'The meeting' })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async get(@Param('id') id: string): Promise<MeetingResponse> {
    return this.directory.getMeeting(id);
  }

  @Post()
  @ApiOperation({ summary: "Schedule a meeting; with `roundId` and `meetingKey` it is that round's meeting and the round's deadlines follow it" })
  @ApiBody({ schema: jsonSchema(createMeetingRequestSchema) })
  @ApiResponse({ status: 201, description: 'The meeting; Location names it' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 503, ...PROBLEM_RESPONSE })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodBodyPipe(createMeetingRequestSchema)) body: CreateMeetingRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MeetingResponse> {
    const meeting = await this.directory.createMeeting(body, principal.actor);
    void reply.status(201).header('location', `/api/v1/meetings/${meeting.id}`);
    return meeting;
  }

  @Patch(':id')
  @ApiOperation({ summary: "Change a meeting; a new start of a round's meeting moves the round's deadlines and reminders" })
  @ApiBody({ schema: jsonSchema(updateMeetingRequestSchema) })
  @ApiResponse({ status: 200, description: 'The changed meeting' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 503, ...PROBLEM_RESPONSE })
  async update(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body(new ZodBodyPipe(updateMeetingRequestSchema)) body: UpdateMeetingRequest): Promise<MeetingResponse> {
    return this.directory.updateMeeting(id, body, principal.actor);
  }
}
