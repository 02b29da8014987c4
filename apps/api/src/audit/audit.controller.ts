import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import { AuditRepository, roundChain, type AuditVerification } from '@ratsweg/persistence';
import { DEFAULT_PAGE_LIMIT, listAuditQuerySchema, type ListAuditQuery } from '@ratsweg/contracts';
import type { FastifyReply } from 'fastify';
import { pageSchema } from '../directory/directory-api.util.js';
import { decodeKeysetCursor, encodeKeysetCursor, pageOf } from '../directory/directory-cursor.util.js';
import { localeFrom } from '../i18n/locale.util.js';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';
import { RoundService } from '../round/round.service.js';
import { ZodBodyPipe } from '../validation/zod-body.pipe.js';
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
  @ApiOperation({
    summary: 'The audit entries of the round, oldest first (by chain position); `?download=true` exports the whole trail as a JSON file',
    description:
      'Without `download`: a page `{ data, next? }` of entries, filtered by `action`, `stage` and `since`. With `download=true`: ' +
      '`{ roundId, entries, verification }` with every entry, as an attachment; no other parameter is allowed then.',
  })
  @ApiQuery({ name: 'download', required: false, enum: ['true', 'false'], description: '`true`: the whole trail as a file, not a page' })
  @ApiQuery({ name: 'action', required: false, description: 'only these actions, comma-separated (e.g. `stage.opened,stage.decided`)' })
  @ApiQuery({ name: 'stage', required: false, description: 'only entries of this stage (its key)' })
  @ApiQuery({ name: 'since', required: false, description: 'only entries that occurred at or after this instant (RFC 3339)' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: '`next` of the previous page' })
  @ApiResponse({
    status: 200,
    description: 'A page of entries with their hashes; with `download=true` the whole trail with its verification',
    schema: { oneOf: [pageSchema('audit entries: position, action, actor, subjectType, subjectId, stageKey?, details?, before?, after?, occurredAt, recordedAt, prevHash, hash'), { type: 'object', required: ['roundId', 'entries', 'verification'] }] },
  })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async list(
    @Param('id') id: string,
    @Query(new ZodBodyPipe(listAuditQuerySchema)) query: ListAuditQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ roundId: string; entries: AuditEntryResponse[]; verification: AuditVerification } | { data: AuditEntryResponse[]; next?: string }> {
    const round = await this.rounds.get(id);
    const chain = roundChain(round.id);
    if (query.download === true) {
      const [entries, verification] = await Promise.all([
        this.audit.list(this.config.RATSWEG_TENANT, chain),
        this.audit.verify(this.config.RATSWEG_TENANT, chain),
      ]);
      void reply.header('content-disposition', `attachment; filename="audit-${round.id}.json"`);
      return { roundId: round.id, entries: entries.map(presentAuditEntry), verification };
    }
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const after = query.cursor === undefined ? undefined : Number(decodeKeysetCursor(query.cursor, 'audit', ['integer'])[0]);
    const rows = await this.audit.listPage(this.config.RATSWEG_TENANT, chain, {
      ...(query.action ? { actions: query.action } : {}),
      ...(query.stage !== undefined ? { stageKey: query.stage } : {}),
      ...(query.since !== undefined ? { since: new Date(query.since) } : {}),
      ...(after !== undefined ? { afterPosition: after } : {}),
      limit: limit + 1,
    });
    return pageOf(rows, limit, presentAuditEntry, (row) => encodeKeysetCursor('audit', [String(row.chainPosition)]));
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
