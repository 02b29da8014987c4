import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import { listTemplatesQuerySchema, previewRequestSchema, type ListTemplatesQuery, type PreviewRequest } from '@ratsweg/contracts';
import { processTemplateSchema, schedule, type ProcessTemplate } from '@ratsweg/domain';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { localeFrom, type Locale } from '../i18n/locale.util.js';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';
import { ZodBodyPipe } from '../validation/zod-body.pipe.js';
import { presentSchedule, type ScheduleResponse } from './schedule.presenter.js';
import { TemplateService, type TemplateSummaryResponse } from './template.service.js';
import { pageSchema } from '../directory/directory-api.util.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';

@ApiTags('templates')
@Controller('api/v1/templates')
export class TemplateController {
  constructor(
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
    @Inject(TemplateService) private readonly templates: TemplateService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Process templates available for new rounds (newest version of each), by key' })
  @ApiQuery({ name: 'q', required: false, description: 'words that must each appear in the key or the German or English title' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: '`next` of the previous page' })
  @ApiResponse({ status: 200, schema: pageSchema('templates: key, title, version') })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  async list(
    @Query(new ZodBodyPipe(listTemplatesQuerySchema)) query: ListTemplatesQuery,
    @Headers('accept-language') acceptLanguage?: string,
  ): Promise<{ data: TemplateSummaryResponse[]; next?: string }> {
    return this.templates.listLatest(this.config.RATSWEG_TENANT, query, localeFrom(acceptLanguage));
  }

  @Get(':key')
  @ApiOperation({ summary: 'A template with all its versions; `definition` is the newest' })
  @ApiResponse({ status: 200, description: 'The template' })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async get(@Param('key') key: string, @Headers('accept-language') acceptLanguage?: string) {
    const locale = localeFrom(acceptLanguage);
    const versions = (await this.templates.versions(this.config.RATSWEG_TENANT)).get(key);
    const latest = versions?.at(-1)?.template ?? (await this.templates.require(this.config.RATSWEG_TENANT, key));
    return {
      key,
      title: latest.title[locale],
      ...(latest.description ? { description: latest.description[locale] } : {}),
      latestVersion: latest.version,
      versions: (versions ?? []).map((version) => ({
        version: version.template.version,
        title: version.template.title[locale],
        source: version.source,
        ...(version.createdAt ? { createdAt: version.createdAt } : {}),
        definition: version.template,
      })),
      definition: latest,
    };
  }

  @Post()
  @ApiOperation({ summary: 'Validate and store a new version of a template (JSON or YAML); 422 lists every error with its path' })
  @ApiConsumes('application/json', 'application/yaml')
  @ApiBody({ schema: z.toJSONSchema(processTemplateSchema, { unrepresentable: 'any' }) as object })
  @ApiResponse({ status: 201, description: 'The stored version' })
  @ApiResponse({ status: 409, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 422, ...PROBLEM_RESPONSE })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<ProcessTemplate> {
    const template = await this.templates.create(this.config.RATSWEG_TENANT, body, principal.actor);
    void reply.status(201).header('location', `/api/v1/templates/${template.key}`);
    return template;
  }

  @Post(':key/preview')
  @HttpCode(200)
  @ApiOperation({ summary: 'The computed schedule of a round: windows, deadlines with their rules, reminders' })
  @ApiBody({ schema: z.toJSONSchema(previewRequestSchema, { unrepresentable: 'any' }) as object })
  @ApiResponse({ status: 200, description: 'The schedule' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async preview(
    @Param('key') key: string,
    @Body(new ZodBodyPipe(previewRequestSchema)) body: PreviewRequest,
    @Headers('accept-language') acceptLanguage?: string,
  ): Promise<ScheduleResponse> {
    const template = await this.templates.require(this.config.RATSWEG_TENANT, key, body.templateVersion);
    const locale: Locale = localeFrom(acceptLanguage);
    return presentSchedule(schedule(template, body.start ?? new Date().toISOString(), body.meetings ?? {}, body.standingOrders), template, locale);
  }
}
