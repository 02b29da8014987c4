import { createDataSource, type DatabaseOptions } from './data-source.js';
import { ensureDatabase } from './ensure-database.util.js';

/** Brings the schema up to date; returns the names of the migrations it ran. */
export async function migrateUp(options: DatabaseOptions): Promise<string[]> {
  await ensureDatabase(options.url);
  const dataSource = await createDataSource({ ...options, poolSize: 1 }).initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}

/** Reverts the last migration. */
export async function migrateDown(options: DatabaseOptions): Promise<void> {
  const dataSource = await createDataSource({ ...options, poolSize: 1 }).initialize();
  try {
    await dataSource.undoLastMigration({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}
