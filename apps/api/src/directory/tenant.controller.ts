import { Body, Controller, Get, Inject, Put, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';
import { ZodBodyPipe } from '../validation/zod-body.pipe.js';
import { jsonSchema } from './directory-api.util.js';
import type { TenantResponse } from './directory.presenter.js';
import { tenantRequestSchema, type TenantRequest } from './directory.request.js';
import { DirectoryService } from './directory.service.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';

@ApiTags('directory')
@Controller('api/v1/tenant')
export class TenantController {
  constructor(@Inject(DirectoryService) private readonly directory: DirectoryService) {}

  @Get()
  @ApiOperation({ summary: 'The municipality this installation serves (RATSWEG_TENANT)' })
  @ApiResponse({ status: 200, description: 'The tenant' })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async get(): Promise<TenantResponse> {
    return this.directory.getTenant();
  }

  @Put()
  @ApiOperation({ summary: 'Create the tenant or change its name, AGS, standing orders and website' })
  @ApiBody({ schema: jsonSchema(tenantRequestSchema) })
  @ApiResponse({ status: 200, description: 'The changed tenant' })
  @ApiResponse({ status: 201, description: 'The created tenant' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  async put(@CurrentPrincipal() principal: Principal, @Body(new ZodBodyPipe(tenantRequestSchema)) body: TenantRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<TenantResponse> {
    const { tenant, created } = await this.directory.putTenant(body, principal.actor);
    void reply.status(created ? 201 : 200);
    return tenant;
  }
}
