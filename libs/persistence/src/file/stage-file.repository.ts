import { createHash, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AuditRepository, roundChain } from '../audit/audit.repository.js';
import { StageFileEntity } from './stage-file.entity.js';

export interface NewStageFile {
  tenant: string;
  roundId: string;
  stageKey: string;
  name: string;
  mediaType: string;
  content: Buffer;
  actor: string;
}

/** Stage files and their audit entries; content is read only when it is downloaded. */
export class StageFileRepository {
  constructor(private readonly dataSource: DataSource) {}

  async attach(file: NewStageFile): Promise<StageFileEntity> {
    const row: StageFileEntity = {
      id: randomUUID(),
      tenant: file.tenant,
      roundId: file.roundId,
      stageKey: file.stageKey,
      name: file.name,
      mediaType: file.mediaType,
      size: file.content.length,
      sha512: createHash('sha512').update(file.content).digest('hex'),
      content: file.content,
      createdBy: file.actor,
      createdAt: new Date(),
      publishedAt: null,
      publishedBy: null,
    };
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(StageFileEntity).insert(row);
      await new AuditRepository(this.dataSource).append(manager, [
        {
          tenant: file.tenant,
          chain: roundChain(file.roundId),
          subjectType: 'round',
          subjectId: file.roundId,
          roundId: file.roundId,
          action: 'stage.file_attached',
          actor: file.actor,
          stageKey: file.stageKey,
          details: { file: row.id, name: row.name, mediaType: row.mediaType, size: row.size, sha512: row.sha512 },
          occurredAt: row.createdAt,
        },
      ]);
    });
    const { content: _content, ...withoutContent } = row;
    return withoutContent as StageFileEntity;
  }

  async list(tenant: string, roundId?: string): Promise<StageFileEntity[]> {
    return this.dataSource
      .getRepository(StageFileEntity)
      .find({ where: { tenant, ...(roundId ? { roundId } : {}) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /**
   * One page of a round's files, oldest first (by attachment, then id), without their content;
   * after `after` (the `sortKey` and id of the previous page's last row).
   */
  async listPage(
    tenant: string,
    roundId: string,
    options: { stageKey?: string; after?: { sortKey: string; id: string }; limit: number },
  ): Promise<(StageFileEntity & { sortKey: string })[]> {
    return (await this.dataSource.query(
      `SELECT "id", "tenant", "round_id" AS "roundId", "stage_key" AS "stageKey", "name", "media_type" AS "mediaType", "size", "sha512",
              "created_by" AS "createdBy", "created_at" AS "createdAt", "published_at" AS "publishedAt", "published_by" AS "publishedBy",
              "created_at"::text AS "sortKey"
       FROM "stage_file"
       WHERE "tenant" = $1 AND "round_id" = $2
         AND ($3::text IS NULL OR "stage_key" = $3)
         AND ($4::timestamptz IS NULL OR ("created_at", "id") > ($4::timestamptz, $5::uuid))
       ORDER BY "created_at", "id" LIMIT $6`,
      [tenant, roundId, options.stageKey ?? null, options.after?.sortKey ?? null, options.after?.id ?? null, options.limit],
    )) as (StageFileEntity & { sortKey: string })[];
  }

  /**
   * Publishes a file for the public consultation page (or withdraws it), with an audit entry in the
   * round's chain; a file already in that state is returned unchanged, without an entry.
   * Null for an unknown file.
   */
  async setPublished(tenant: string, id: string, published: boolean, actor: string): Promise<StageFileEntity | null> {
    return this.dataSource.transaction(async (manager) => {
      const [current] = (await manager.query(
        `SELECT "round_id" AS "roundId", "stage_key" AS "stageKey", "published_at" AS "publishedAt" FROM "stage_file" WHERE "tenant" = $1 AND "id" = $2 FOR UPDATE`,
        [tenant, id],
      )) as { roundId: string; stageKey: string; publishedAt: Date | null }[];
      if (!current) return null;
      if ((current.publishedAt !== null) !== published) {
        const now = new Date();
        await manager.query(`UPDATE "stage_file" SET "published_at" = $3, "published_by" = $4 WHERE "tenant" = $1 AND "id" = $2`, [
          tenant,
          id,
          published ? now : null,
          published ? actor : null,
        ]);
        await new AuditRepository(this.dataSource).append(manager, [
          {
            tenant,
            chain: roundChain(current.roundId),
            subjectType: 'round',
            subjectId: current.roundId,
            roundId: current.roundId,
            action: published ? 'stage.file_published' : 'stage.file_withdrawn',
            actor,
            stageKey: current.stageKey,
            details: { file: id },
            occurredAt: now,
          },
        ]);
      }
      return manager.getRepository(StageFileEntity).findOneBy({ tenant, id });
    });
  }

  /** The round's published files (for the public consultation page), oldest publication first; without content. */
  async listPublished(tenant: string, roundId: string): Promise<StageFileEntity[]> {
    return this.dataSource
      .getRepository(StageFileEntity)
      .createQueryBuilder('file')
      .where('file.tenant = :tenant AND file.roundId = :roundId AND file.publishedAt IS NOT NULL', { tenant, roundId })
      .orderBy('file.publishedAt', 'ASC')
      .addOrderBy('file.id', 'ASC')
      .getMany();
  }

  async find(tenant: string, id: string): Promise<StageFileEntity | null> {
    return this.dataSource.getRepository(StageFileEntity).findOneBy({ tenant, id });
  }

  async content(tenant: string, id: string): Promise<Buffer | null> {
    const [row] = (await this.dataSource.query('SELECT "content" FROM "stage_file" WHERE "tenant" = $1 AND "id" = $2', [tenant, id])) as { content: Buffer }[];
    return row?.content ?? null;
  }
}
