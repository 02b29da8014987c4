import { Body, Controller, Get, Headers, Inject, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import { isUuid } from '@ratsweg/domain';
import { StageFileRepository, type StageFileEntity } from '@ratsweg/persistence';
import { presentStageFile, type StageFileResponse } from './stage-file.presenter.js';
import type { FastifyReply } from 'fastify';
import {
  listStageFilesQuerySchema,
  stageFilePublicationRequestSchema,
  type ListStageFilesQuery,
  type StageFilePublicationRequest,
} from '@ratsweg/contracts';
import { jsonSchema, pageSchema } from '../directory/directory-api.util.js';
import { decodeKeysetCursor, encodeKeysetCursor, pageOf } from '../directory/directory-cursor.util.js';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';
import { ZodBodyPipe } from '../validation/zod-body.pipe.js';
import { ProblemException, text } from '../problem-details/problem.exception.js';
import { RoundService } from '../round/round.service.js';
import { StageAccessService } from '../auth/stage-access.service.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';

/** Media types a stage file may have; each is accepted as a raw request body on the upload route. */
export const FILE_MEDIA_TYPES = [
  'application/pdf',
  'application/octet-stream',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'image/png',
  'image/jpeg',
  'text/csv',
] as const;
export const FILE_SIZE_LIMIT_BYTES = 20 * 1024 * 1024;

@ApiTags('files')
@Controller('api/v1')
export class StageFileController {
  constructor(
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
    @Inject(RoundService) private readonly rounds: RoundService,
    @Inject(StageFileRepository) private readonly files: StageFileRepository,
    @Inject(StageAccessService) private readonly stageAccess: StageAccessService,
  ) {}

  @Post('rounds/:id/stages/:stageKey/files')
  @ApiOperation({ summary: 'Attach a document to a stage: the request body is the file, `name` its file name' })
  @ApiConsumes(...FILE_MEDIA_TYPES)
  @ApiQuery({ name: 'name', required: true })
  @ApiResponse({ status: 201, description: 'The stored file with its size and SHA-512' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 413, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 415, ...PROBLEM_RESPONSE })
  async attach(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('stageKey') stageKey: string,
    @Query('name') name: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Body() content: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StageFileResponse> {
    const round = await this.rounds.get(id);
    if (!round.stages.some((stage) => stage.key === stageKey)) {
      throw new ProblemException('stage-not-found', text(`Die Runde hat keine Phase „${stageKey}“.`, `The round has no stage "${stageKey}".`));
    }
    await this.stageAccess.assertMayActOn(principal, id, stageKey, 'file.attached');
    const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!Buffer.isBuffer(content) || !(FILE_MEDIA_TYPES as readonly string[]).includes(mediaType)) {
      throw new ProblemException(
        'unsupported-media-type',
        text(`Erlaubte Dateitypen: ${FILE_MEDIA_TYPES.join(', ')}`, `Allowed file types: ${FILE_MEDIA_TYPES.join(', ')}`),
      );
    }
    // A repeated `?name=` arrives as an array: only a single string is a file name.
    const fileName = typeof name === 'string' ? name.trim() : '';
    if (fileName.length < 1 || fileName.length > 255 || /[\\/\u0000-\u001f]/.test(fileName)) {
      const message = text('Dateiname fehlt oder ist ungültig (1–255 Zeichen, ohne / und \\).', 'File name missing or invalid (1–255 characters, no / or \\).');
      throw new ProblemException('validation-failed', message, (locale) => [{ field: 'name', message: message(locale) }]);
    }
    if (content.length === 0) {
      const message = text('Die Datei ist leer.', 'The file is empty.');
      throw new ProblemException('validation-failed', message, (locale) => [{ field: '(body)', message: message(locale) }]);
    }
    const stored = await this.files.attach({ tenant: this.config.RATSWEG_TENANT, roundId: id, stageKey, name: fileName, mediaType, content, actor: principal.actor });
    void reply.status(201).header('location', `/api/v1/files/${stored.id}/content`);
    return presentStageFile(stored);
  }

  @Get('rounds/:id/files')
  @ApiOperation({ summary: 'The documents attached to the stages of a round, oldest first' })
  @ApiQuery({ name: 'stage', required: false, description: 'only the files of this stage (its key)' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: '`next` of the previous page' })
  @ApiResponse({ status: 200, schema: pageSchema('files: id, roundId, stageKey, name, mediaType, size, sha512, createdAt, downloadUrl') })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async list(
    @Param('id') id: string,
    @Query(new ZodBodyPipe(listStageFilesQuerySchema)) query: ListStageFilesQuery,
  ): Promise<{ data: StageFileResponse[]; next?: string }> {
    const round = await this.rounds.get(id);
    const [sortKey, fileId] = query.cursor === undefined ? [] : decodeKeysetCursor(query.cursor, 'files', ['timestamp', 'uuid']);
    const rows = await this.files.listPage(this.config.RATSWEG_TENANT, round.id, {
      ...(query.stage !== undefined ? { stageKey: query.stage } : {}),
      ...(sortKey && fileId ? { after: { sortKey, id: fileId } } : {}),
      limit: query.limit + 1,
    });
    return pageOf(rows, query.limit, presentStageFile, (row) => encodeKeysetCursor('files', [row.sortKey, row.id]));
  }

  @Put('files/:fileId/publication')
  @ApiOperation({
    summary: 'Publish a stage file on the public consultation page (`published: true`), or withdraw it (`false`)',
    description: "Administrators, and the secretary of the stage's responsible body. Audited in the round's chain (`stage.file_published`, `stage.file_withdrawn`) when it changes.",
  })
  @ApiBody({ schema: jsonSchema(stageFilePublicationRequestSchema) })
  @ApiResponse({ status: 200, description: 'The file, with `published` and `publishedAt`' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 403, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async publish(
    @CurrentPrincipal() principal: Principal,
    @Param('fileId') fileId: string,
    @Body(new ZodBodyPipe(stageFilePublicationRequestSchema)) body: StageFilePublicationRequest,
  ): Promise<StageFileResponse> {
    const file = isUuid(fileId) ? await this.files.find(this.config.RATSWEG_TENANT, fileId) : null;
    if (!file) throw fileNotFound();
    await this.stageAccess.assertMayActOn(principal, file.roundId, file.stageKey, body.published ? 'file.published' : 'file.withdrawn');
    const changed = await this.files.setPublished(this.config.RATSWEG_TENANT, fileId, body.published, principal.actor);
    if (!changed) throw fileNotFound();
    return presentStageFile(changed);
  }

  @Get('files/:fileId/content')
  @ApiOperation({ summary: 'Download a stage file' })
  @ApiResponse({ status: 200, description: 'The file' })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async download(@Param('fileId') fileId: string, @Res() reply: FastifyReply): Promise<void> {
    const file = isUuid(fileId) ? await this.files.find(this.config.RATSWEG_TENANT, fileId) : null;
    await this.send(reply, file);
  }

  @Get('rounds/:id/consultation/files/:fileId')
  @ApiOperation({
    summary: 'Download a file published for the public consultation (no account needed)',
    description: 'Only files staff have published (PUT /api/v1/files/{fileId}/publication) and only under their own round; every other file is 404.',
  })
  @ApiResponse({ status: 200, description: 'The file' })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE })
  async downloadPublished(@Param('id') id: string, @Param('fileId') fileId: string, @Res() reply: FastifyReply): Promise<void> {
    const file = isUuid(id) && isUuid(fileId) ? await this.files.find(this.config.RATSWEG_TENANT, fileId) : null;
    await this.send(reply, file && file.roundId === id && file.publishedAt ? file : null);
  }

  private async send(reply: FastifyReply, file: StageFileEntity | null): Promise<void> {
    const content = file ? await this.files.content(this.config.RATSWEG_TENANT, file.id) : null;
    if (!file || !content) throw fileNotFound();
    await reply
      .type(file.mediaType)
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`)
      .header('x-content-type-options', 'nosniff')
      .header('digest', `sha-512=${Buffer.from(file.sha512, 'hex').toString('base64')}`)
      .send(content);
  }
}

function fileNotFound(): ProblemException {
  return new ProblemException('not-found', text('Datei nicht gefunden.', 'File not found.'));
}
