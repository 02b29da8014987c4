import { Controller, Get, Inject, Param, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { isoInstantSchema } from '@ratsweg/domain';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ZodBodyPipe } from '../validation/zod-body.pipe.js';
import { OPARL_LISTS, OparlUrls, type OparlListName } from './oparl-urls.js';
import { OparlService, type OparlListQuery } from './oparl.service.js';

const listQuerySchema = z.strictObject({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  created_since: isoInstantSchema.optional(),
  created_until: isoInstantSchema.optional(),
  modified_since: isoInstantSchema.optional(),
  modified_until: isoInstantSchema.optional(),
});

/** The OParl 1.1 read API: absolute URLs built from the address the client used. */
@ApiTags('oparl')
@Controller('oparl/v1')
export class OparlController {
  constructor(@Inject(OparlService) private readonly oparl: OparlService) {}

  @Get('system')
  @ApiOperation({ summary: 'OParl System' })
  system(@Req() request: FastifyRequest) {
    return this.oparl.system(urlsFor(request));
  }

  @Get('bodies')
  @ApiOperation({ summary: 'OParl list of Body objects' })
  bodies(@Req() request: FastifyRequest, @Query(new ZodBodyPipe(listQuerySchema)) query: OparlListQuery) {
    return this.oparl.bodies(urlsFor(request), query);
  }

  @Get('bodies/:key')
  @ApiOperation({ summary: 'OParl Body (the municipality)' })
  body(@Req() request: FastifyRequest, @Param('key') key: string) {
    return this.oparl.body(urlsFor(request), key);
  }

  @Get('bodies/:key/:list')
  @ApiOperation({ summary: `OParl lists of a Body: ${OPARL_LISTS.join(', ')}` })
  list(
    @Req() request: FastifyRequest,
    @Param('key') key: string,
    @Param('list', new ZodBodyPipe(z.enum(OPARL_LISTS))) list: OparlListName,
    @Query(new ZodBodyPipe(listQuerySchema)) query: OparlListQuery,
  ) {
    return this.oparl.list(urlsFor(request), key, list, query);
  }

  @Get(':list/:id')
  @ApiOperation({ summary: 'One OParl object by its URL' })
  object(@Req() request: FastifyRequest, @Param('list', new ZodBodyPipe(z.enum(OPARL_LISTS))) list: OparlListName, @Param('id') id: string) {
    return this.oparl.object(urlsFor(request), list, id);
  }
}

function urlsFor(request: FastifyRequest): OparlUrls {
  const base = process.env.PUBLIC_BASE_URL ?? `${request.protocol}://${request.host}`;
  return new OparlUrls(base.replace(/\/$/, ''));
}
