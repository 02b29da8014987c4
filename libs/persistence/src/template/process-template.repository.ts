import type { ProcessTemplate } from '@ratsweg/domain';
import type { DataSource } from 'typeorm';
import { ProcessTemplateEntity } from './process-template.entity.js';

export class TemplateVersionExistsError extends Error {
  constructor(key: string, version: number) {
    super(`template ${key} version ${version} exists already`);
    this.name = 'TemplateVersionExistsError';
  }
}

/** Stored template versions of one tenant. */
export class ProcessTemplateRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(tenant: string): Promise<ProcessTemplateEntity[]> {
    return this.dataSource.getRepository(ProcessTemplateEntity).find({ where: { tenant }, order: { key: 'ASC', version: 'ASC' } });
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
