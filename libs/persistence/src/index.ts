export * from './round/round.entity.js';
export * from './round/round.repository.js';
export * from './audit/audit-entry.entity.js';
export * from './database/data-source.js';
export * from './database/ensure-database.util.js';
export * from './database/migrate.util.js';
export * from './database/embedded-postgres.js';
export * from './database/database.module.js';
