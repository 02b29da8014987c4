import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import { AuditRepository, roundChain, type AuditVerification } from '@ratsweg/persistence';
import type { FastifyReply } from 'fastify';
import { localeFrom } from '../i18n/locale.util.js';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';
import { RoundService } from '../round/round.service.js';
import { auditProtocolHtml, presentAuditEntry, type AuditEntryResponse } from './audit.presenter.js';

/** The audit trail of a round: list, export, printable protocol, and verification of its hash chain. */
@ApiTags('audit')
@Controller('api/v1/rounds/:id/audit')
export class AuditController {
  constructor(
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
    @Inject(RoundService) private readonly rounds: RoundService,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Every audit entry of the round, oldest first; `?download=true` exports it as a JSON file' })
  @ApiQuery({ name: 'download', required: false, type: Boolean })
  @ApiResponse({ status: 200, description: 'The entries with their hashes' })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async list(
    @Param('id') id: string,
    @Query('download') download: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ roundId: string; entries: AuditEntryResponse[]; verification: AuditVerification }> {
    await this.rounds.get(id);
    const chain = roundChain(id);
    const [entries, verification] = await Promise.all([
      this.audit.list(this.config.RATSWEG_TENANT, chain),
      this.audit.verify(this.config.RATSWEG_TENANT, chain),
    ]);
    if (download === 'true' || download === '1') {
      void reply.header('content-disposition', `attachment; filename="audit-${id}.json"`);
    }
    return { roundId: id, entries: entries.map(presentAuditEntry), verification };
  }

  @Get('verify')
  @ApiOperation({ summary: 'Checks the hash chain; names the first broken entry' })
  @ApiResponse({ status: 200, description: '`{ valid, entries, firstBroken? }`' })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async verify(@Param('id') id: string): Promise<AuditVerification> {
    await this.rounds.get(id);
    return this.audit.verify(this.config.RATSWEG_TENANT, roundChain(id));
  }

  @Get('protocol')
  @ApiOperation({ summary: 'A printable protocol (HTML) of the round with every entry and the verification result' })
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'HTML, ready to print or save as PDF' })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async protocol(@Param('id') id: string, @Headers('accept-language') acceptLanguage: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const round = await this.rounds.get(id);
    const chain = roundChain(id);
    const [entries, verification] = await Promise.all([
      this.audit.list(this.config.RATSWEG_TENANT, chain),
      this.audit.verify(this.config.RATSWEG_TENANT, chain),
    ]);
    const locale = localeFrom(acceptLanguage);
    await reply
      .type('text/html; charset=utf-8')
      .header('content-language', locale)
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(auditProtocolHtml(round, entries, verification, locale, new Date()));
  }
}
