import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  commentErasureRequestSchema,
  createCommentRequestSchema,
  hideCommentRequestSchema,
  listCommentsQuerySchema,
  type CommentErasureRequest,
  type CreateCommentRequest,
  type HideCommentRequest,
  type ListCommentsQuery,
} from '@ratsweg/contracts';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, OptionalPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { jsonSchema, pageSchema } from '../directory/directory-api.util.js';
import { localeFrom } from '../i18n/locale.util.js';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';
import { ZodBodyPipe } from '../validation/zod-body.pipe.js';
import { COMMENTS_CSV_MEDIA_TYPE } from './comment-csv.util.js';
import type { ModeratedCommentResponse } from './comment.presenter.js';
import { CommentService, type CommentPage, type ConsultationResponse, type CreatedCommentResponse } from './comment.service.js';
import type { PrivacyNoticeResponse } from './privacy-notice.js';

/**
 * Public comments on a round's public consultation: anyone may comment (no account) and read
 * the visible comments; staff moderate, export and erase commenters' personal data on request.
 */
@ApiTags('comments')
@Controller('api/v1')
export class CommentController {
  constructor(@Inject(CommentService) private readonly comments: CommentService) {}

  @Post('rounds/:id/comments')
  @ApiOperation({
    summary: 'Comment on a round while its public consultation is open (no account needed; rate-limited per address)',
    description: 'Name and e-mail address are optional; the e-mail address is never shown publicly. `privacyAccepted` must be `true`.',
  })
  @ApiBody({ schema: jsonSchema(createCommentRequestSchema) })
  @ApiResponse({ status: 201, description: 'The comment (without the e-mail address) and a short privacy notice' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 409, ...PROBLEM_RESPONSE, description: 'The public consultation is not open (not yet, or no more)' })
  @ApiResponse({ status: 429, ...PROBLEM_RESPONSE })
  async create(
    @Param('id') id: string,
    @Body(new ZodBodyPipe(createCommentRequestSchema)) body: CreateCommentRequest,
    @Headers('accept-language') acceptLanguage: string | undefined,
  ): Promise<CreatedCommentResponse> {
    return this.comments.create(id, body, localeFrom(acceptLanguage));
  }

  @Get('rounds/:id/consultation')
  @ApiOperation({
    summary: "The public facts of a round's public consultation, for its public page (no account needed)",
    description:
      'Title of the round, the consultation stage that matters now (open, else the next, else the last) with its deadline and whether it takes comments (`state`: upcoming, open, closed), ' +
      'how many comments it received, and the files staff published for it (the draft). Nothing else of the round: the full round is for staff (GET /api/v1/rounds/{id}).',
  })
  @ApiResponse({
    status: 200,
    schema: {
      type: 'object',
      required: ['roundId', 'title', 'roundStatus', 'stage', 'commentCount', 'visibleCommentCount', 'documents'],
      properties: {
        roundId: { type: 'string', format: 'uuid' },
        title: { type: 'string' },
        roundStatus: { type: 'string', enum: ['running', 'completed', 'cancelled', 'failed'] },
        stage: {
          type: 'object',
          nullable: true,
          required: ['key', 'title', 'state'],
          properties: {
            key: { type: 'string' },
            title: { type: 'string' },
            state: { type: 'string', enum: ['upcoming', 'open', 'closed'] },
            openedAt: { type: 'string', format: 'date-time' },
            closedAt: { type: 'string', format: 'date-time' },
            deadline: { type: 'string', format: 'date-time' },
          },
        },
        commentCount: { type: 'integer', description: 'comments received, hidden ones included' },
        visibleCommentCount: { type: 'integer' },
        documents: {
          type: 'array',
          description: 'files staff published for the consultation (the draft), oldest publication first',
          items: {
            type: 'object',
            required: ['id', 'stageKey', 'name', 'mediaType', 'size', 'publishedAt', 'downloadUrl'],
            properties: {
              id: { type: 'string', format: 'uuid' },
              stageKey: { type: 'string' },
              name: { type: 'string' },
              mediaType: { type: 'string' },
              size: { type: 'integer', description: 'bytes' },
              publishedAt: { type: 'string', format: 'date-time' },
              downloadUrl: { type: 'string', description: 'public: GET /api/v1/rounds/{id}/consultation/files/{fileId}' },
            },
          },
        },
      },
    },
  })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async consultation(
    @Param('id') id: string,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConsultationResponse> {
    const locale = localeFrom(acceptLanguage);
    void reply.header('content-language', locale).header('vary', 'Accept-Language');
    return this.comments.consultation(id, locale);
  }

  @Get('rounds/:id/comments')
  @ApiOperation({
    summary: 'The comments on a round, oldest first: the visible ones for everybody',
    description: 'Administrators, secretaries and auditors see hidden comments too (with the reason) with `include=hidden`. Never any e-mail address.',
  })
  @ApiQuery({ name: 'include', required: false, enum: ['hidden'] })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: '`next` of the previous page' })
  @ApiResponse({ status: 200, schema: pageSchema('comments: id, roundId, stageKey, text, name, createdAt') })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 401, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 403, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async list(
    @Param('id') id: string,
    @Query(new ZodBodyPipe(listCommentsQuerySchema)) query: ListCommentsQuery,
    @OptionalPrincipal() principal: Principal | undefined,
  ): Promise<CommentPage> {
    return this.comments.list(id, query, principal);
  }

  @Post('rounds/:id/comments/:commentId/hide')
  @HttpCode(200)
  @ApiOperation({ summary: "Moderation: hide a comment from the public, with the reason; recorded in the round's audit trail" })
  @ApiBody({ schema: jsonSchema(hideCommentRequestSchema) })
  @ApiResponse({ status: 200, description: 'The hidden comment' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 409, ...PROBLEM_RESPONSE, description: 'Already hidden' })
  async hide(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('commentId') commentId: string,
    @Body(new ZodBodyPipe(hideCommentRequestSchema)) body: HideCommentRequest,
  ): Promise<ModeratedCommentResponse> {
    return this.comments.hide(id, commentId, body.reason, principal.actor);
  }

  @Get('rounds/:id/comments.csv')
  @ApiOperation({
    summary: 'All comments of a round as CSV for spreadsheets, hidden ones and e-mail addresses included',
    description:
      'UTF-8 with byte order mark, `;`-separated, CRLF line ends (what German Excel opens directly); column names in the caller\'s language. ' +
      'Cells beginning with = + - @, tab or CR get a leading \' so that no spreadsheet runs them as formulas.',
  })
  @ApiProduces('text/csv')
  @ApiResponse({ status: 200, description: 'The CSV file', content: { 'text/csv': { schema: { type: 'string' } } } })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async exportCsv(
    @Param('id') id: string,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const { roundId, csv } = await this.comments.exportCsv(id, localeFrom(acceptLanguage));
    void reply.header('content-type', COMMENTS_CSV_MEDIA_TYPE).header('content-disposition', `attachment; filename="comments-${roundId}.csv"`);
    return csv;
  }

  @Post('comments/erasure')
  @HttpCode(200)
  @ApiOperation({
    summary: "Erase a commenter's personal data on request: name and e-mail address go from all their comments, the texts stay",
    description: 'Recorded in the security audit trail without the e-mail address; `reference` identifies the request there.',
  })
  @ApiBody({ schema: jsonSchema(commentErasureRequestSchema) })
  @ApiResponse({ status: 200, description: '`{ erased, reference }`: how many comments were changed' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  async erase(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodBodyPipe(commentErasureRequestSchema)) body: CommentErasureRequest,
  ): Promise<{ erased: number; reference: string }> {
    return this.comments.erase(body.email, principal.actor);
  }

  @Get('privacy-notice')
  @ApiOperation({ summary: 'The privacy notice for public comments (German or English by Accept-Language): what is stored, why, how long, how to ask for deletion' })
  @ApiResponse({ status: 200, description: 'The notice: language, title, version, controller, sections' })
  async privacyNotice(
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PrivacyNoticeResponse> {
    const locale = localeFrom(acceptLanguage);
    void reply.header('content-language', locale).header('vary', 'Accept-Language');
    return this.comments.privacyNotice(locale);
  }
}
