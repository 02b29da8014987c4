import { Controller, Get, Headers } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { localeFrom } from '../i18n/locale.util.js';
import { TemplateService } from './template.service.js';

@ApiTags('templates')
@Controller('api/v1/templates')
export class TemplateController {
  constructor(private readonly templates: TemplateService) {}

  @Get()
  @ApiOperation({ summary: 'Process templates available for new rounds (newest version of each)' })
  @ApiOkResponse({
    schema: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'title', 'version'],
        properties: { key: { type: 'string' }, title: { type: 'string' }, version: { type: 'integer' } },
      },
    },
  })
  list(@Headers('accept-language') acceptLanguage?: string): { key: string; title: string; version: number }[] {
    const locale = localeFrom(acceptLanguage);
    return this.templates
      .listLatest()
      .map((template) => ({ key: template.key, title: template.title[locale], version: template.version }));
  }
}
