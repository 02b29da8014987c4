import { Body, Controller, Get, Inject, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';
import { ZodBodyPipe } from '../validation/zod-body.pipe.js';
import { jsonSchema, pageSchema } from './directory-api.util.js';
import type { ListResponse, PersonResponse } from './directory.presenter.js';
import {
  createPersonRequestSchema,
  listPersonsQuerySchema,
  updatePersonRequestSchema,
  type CreatePersonRequest,
  type ListPersonsQuery,
  type UpdatePersonRequest,
} from './directory.request.js';
import { DirectoryService } from './directory.service.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';

@ApiTags('directory')
@Controller('api/v1/persons')
export class PersonController {
  constructor(@Inject(DirectoryService) private readonly directory: DirectoryService) {}

  @Get()
  @ApiOperation({ summary: 'The persons (OParl Person), by family and given name' })
  @ApiQuery({ name: 'q', required: false, description: 'words that must each appear in the given or family name' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: '`next` of the previous page' })
  @ApiResponse({ status: 200, schema: pageSchema('persons') })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  async list(@Query(new ZodBodyPipe(listPersonsQuerySchema)) query: ListPersonsQuery): Promise<ListResponse<PersonResponse>> {
    return this.directory.listPersons(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A person' })
  @ApiResponse({ status: 200, description: 'The person' })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async get(@Param('id') id: string): Promise<PersonResponse> {
    return this.directory.getPerson(id);
  }

  @Post()
  @ApiOperation({ summary: 'Add a person' })
  @ApiBody({ schema: jsonSchema(createPersonRequestSchema) })
  @ApiResponse({ status: 201, description: 'The person; Location names it' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodBodyPipe(createPersonRequestSchema)) body: CreatePersonRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PersonResponse> {
    const person = await this.directory.createPerson(body, principal.actor);
    void reply.status(201).header('location', `/api/v1/persons/${person.id}`);
    return person;
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a person' })
  @ApiBody({ schema: jsonSchema(updatePersonRequestSchema) })
  @ApiResponse({ status: 200, description: 'The changed person' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async update(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body(new ZodBodyPipe(updatePersonRequestSchema)) body: UpdatePersonRequest): Promise<PersonResponse> {
    return this.directory.updatePerson(id, body, principal.actor);
  }
}
