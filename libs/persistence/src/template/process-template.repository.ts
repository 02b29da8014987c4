import type { LocalizedText, ProcessTemplate } from '@ratsweg/domain';
import type { DataSource } from 'typeorm';
import { ProcessTemplateEntity } from './process-template.entity.js';

export class TemplateVersionExistsError extends Error {
  constructor(key: string, version: number) {
    super(`template ${key} version ${version} exists already`);
    this.name = 'TemplateVersionExistsError';
  }
}

/** The newest version of a template, as a list shows it. */
export interface LatestTemplate {
  key: string;
  version: number;
  title: LocalizedText;
}

/** Stored template versions of one tenant. */
export class ProcessTemplateRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(tenant: string): Promise<ProcessTemplateEntity[]> {
    return this.dataSource.getRepository(ProcessTemplateEntity).find({ where: { tenant }, order: { key: 'ASC', version: 'ASC' } });
  }

  /** One stored version of a template (`version`), or its newest stored version; undefined when there is none. */
  async findVersion(tenant: string, key: string, version?: number): Promise<ProcessTemplate | undefined> {
    // One indexed row in plain SQL: this runs on every round start (see the P2 benchmark).
    const rows = (await this.dataSource.query(
      `SELECT "definition" FROM "process_template" WHERE "tenant" = $1 AND "key" = $2${version === undefined ? '' : ' AND "version" = $3'}
       ORDER BY "version" DESC LIMIT 1`,
      version === undefined ? [tenant, key] : [tenant, key, version],
    )) as { definition: ProcessTemplate }[];
    return rows[0]?.definition;
  }

  /**
   * One page of the newest version of every template — the shipped ones (`builtin`, given by the
   * caller) and those the tenant stored — ordered by key, after `afterKey`; `words` must each
   * appear in the key or the German or English title.
   */
  async listLatest(
    tenant: string,
    builtin: readonly LatestTemplate[],
    options: { words?: readonly string[]; afterKey?: string; limit: number },
  ): Promise<LatestTemplate[]> {
    const params: unknown[] = [tenant, JSON.stringify(builtin)];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const where: string[] = [];
    for (const word of options.words ?? []) {
      const pattern = param(`%${word.replace(/[\\%_]/g, (character) => `\\${character}`)}%`);
      where.push(`("key" ILIKE ${pattern} OR "title"->>'de' ILIKE ${pattern} OR "title"->>'en' ILIKE ${pattern})`);
    }
    if (options.afterKey !== undefined) where.push(`"key" COLLATE "C" > ${param(options.afterKey)}`);
    return (await this.dataSource.query(
      `WITH "candidate" AS (
         SELECT b."key", b."version", b."title", 1 AS "rank" FROM jsonb_to_recordset($2::jsonb) AS b("key" text, "version" integer, "title" jsonb)
         UNION ALL
         SELECT "key", "version", "definition"->'title', 0 FROM "process_template" WHERE "tenant" = $1
       ), "latest" AS (
         SELECT DISTINCT ON ("key") "key", "version", "title" FROM "candidate" ORDER BY "key", "version" DESC, "rank"
       )
       SELECT "key", "version", "title" FROM "latest"${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}
       ORDER BY "key" COLLATE "C" LIMIT ${param(options.limit)}`,
      params,
    )) as LatestTemplate[];
  }

  async insert(tenant: string, template: ProcessTemplate, createdBy: string): Promise<ProcessTemplateEntity> {
    try {
      return await this.dataSource
        .getRepository(ProcessTemplateEntity)
        .save({ tenant, key: template.key, version: template.version, definition: template, createdBy });
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === '23505') {
        throw new TemplateVersionExistsError(template.key, template.version);
      }
      throw error;
    }
  }
}
