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

  async find(tenant: string, id: string): Promise<StageFileEntity | null> {
    return this.dataSource.getRepository(StageFileEntity).findOneBy({ tenant, id });
  }

  async content(tenant: string, id: string): Promise<Buffer | null> {
    const [row] = (await this.dataSource.query('SELECT "content" FROM "stage_file" WHERE "tenant" = $1 AND "id" = $2', [tenant, id])) as { content: Buffer }[];
    return row?.content ?? null;
  }
}
