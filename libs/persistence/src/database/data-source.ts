import { DataSource } from 'typeorm';
import { AuditEntryEntity } from '../audit/audit-entry.entity.js';
import { InitialSchema1764064800000 } from '../migrations/1764064800000-initial-schema.js';
import { RoundEntity } from '../round/round.entity.js';
import { ProcessTemplates1764072000000 } from '../migrations/1764072000000-process-templates.js';
import { AuditChain1764079200000 } from '../migrations/1764079200000-audit-chain.js';
import { RoundList1764082800000 } from '../migrations/1764082800000-round-list.js';
import { ProcessTemplateEntity } from '../template/process-template.entity.js';

export const ENTITIES = [RoundEntity, AuditEntryEntity, ProcessTemplateEntity];
export const MIGRATIONS = [
  InitialSchema1764064800000,
  ProcessTemplates1764072000000,
  AuditChain1764079200000,
  RoundList1764082800000,
  // (new migrations are appended here, in timestamp order)
];

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
}

/** The one way to reach the database: schema changes come only from migrations. */
export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // Extensions come from migrations too (gen_random_uuid() is built into PostgreSQL 13+).
    installExtensions: false,
    logging: ['error', 'warn', 'migration'],
    poolSize: options.poolSize ?? 10,
    extra: { connectionTimeoutMillis: 5_000 },
  });
}
