import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  createApiKeyRequestSchema,
  createUserRequestSchema,
  listApiKeysQuerySchema,
  listUsersQuerySchema,
  updateUserRequestSchema,
  type CreateApiKeyRequest,
  type CreateUserRequest,
  type ListApiKeysQuery,
  type ListUsersQuery,
  type UpdateUserRequest,
} from '@ratsweg/contracts';
import type { FastifyReply } from 'fastify';
import { jsonSchema, pageSchema } from '../directory/directory-api.util.js';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';
import { ZodBodyPipe } from '../validation/zod-body.pipe.js';
import { CurrentPrincipal } from './principal.decorator.js';
import type { Principal } from './principal.js';
import type { ApiKeyResponse, UserResponse } from './user.presenter.js';
import { UserService } from './user.service.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/users')
export class UserController {
  constructor(@Inject(UserService) private readonly users: UserService) {}

  @Get()
  @ApiOperation({ summary: 'User accounts, by e-mail address' })
  @ApiQuery({ name: 'role', required: false, enum: ['admin', 'auditor', 'member'], description: 'only accounts granted this role' })
  @ApiQuery({ name: 'disabled', required: false, enum: ['true', 'false'], description: '`true`: only disabled accounts; `false`: only active ones' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: '`next` of the previous page' })
  @ApiResponse({ status: 200, schema: pageSchema('user accounts') })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  async list(@Query(new ZodBodyPipe(listUsersQuerySchema)) query: ListUsersQuery): Promise<{ data: UserResponse[]; next?: string }> {
    return this.users.list(query);
  }

  @Post()
  @ApiOperation({ summary: 'Create a user account, optionally linked to a person of the directory' })
  @ApiBody({ schema: jsonSchema(createUserRequestSchema) })
  @ApiResponse({ status: 201, description: 'The account; Location names it' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 409, ...PROBLEM_RESPONSE })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodBodyPipe(createUserRequestSchema)) body: CreateUserRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserResponse> {
    const user = await this.users.create(body, principal);
    void reply.status(201).header('location', `/api/v1/users/${user.id}`);
    return user;
  }

  @Get(':id')
  @ApiOperation({ summary: 'A user account' })
  @ApiResponse({ status: 200, description: 'The account' })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async get(@Param('id') id: string): Promise<UserResponse> {
    return this.users.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change roles, linked person, name, or disable the account (its sessions end)' })
  @ApiBody({ schema: jsonSchema(updateUserRequestSchema) })
  @ApiResponse({ status: 200, description: 'The account' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 409, ...PROBLEM_RESPONSE })
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodBodyPipe(updateUserRequestSchema)) body: UpdateUserRequest,
  ): Promise<UserResponse> {
    return this.users.update(id, body, principal);
  }
}

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/api-keys')
export class ApiKeyController {
  constructor(@Inject(UserService) private readonly users: UserService) {}

  @Get()
  @ApiOperation({ summary: 'API keys of integrations (without the keys themselves), oldest first' })
  @ApiQuery({ name: 'revoked', required: false, enum: ['true', 'false'], description: '`false`: only keys that still work; `true`: only revoked ones' })
  @ApiQuery({ name: 'scope', required: false, enum: ['events', 'metrics'], description: 'only keys with this scope' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: '`next` of the previous page' })
  @ApiResponse({ status: 200, schema: pageSchema('API keys') })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  async list(@Query(new ZodBodyPipe(listApiKeysQuerySchema)) query: ListApiKeysQuery): Promise<{ data: ApiKeyResponse[]; next?: string }> {
    return this.users.listKeys(query);
  }

  @Post()
  @ApiOperation({ summary: 'Create an API key (scopes `events`, `metrics`); the key is in this answer only' })
  @ApiBody({ schema: jsonSchema(createApiKeyRequestSchema) })
  @ApiResponse({ status: 201, description: 'The key, with `key` shown this once' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodBodyPipe(createApiKeyRequestSchema)) body: CreateApiKeyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ApiKeyResponse & { key: string }> {
    const key = await this.users.createKey(body, principal);
    void reply.status(201);
    return key;
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key; it stops working at once' })
  @ApiResponse({ status: 204, description: 'Revoked' })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async revoke(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.users.revokeKey(id, principal);
  }
}
