// The one-shot migration command of the production images: `node infra/docker/migrate.mjs`.
// Unlike `npm run migration:run` it neither installs nor builds: the image already holds the build.
import { migrateUp } from '@ratsweg/persistence';

const url = process.env.DATABASE_URL;
if (!url || !/^postgres(ql)?:\/\//.test(url)) {
  console.error('DATABASE_URL must be a postgres:// URL, e.g. postgres://ratsweg:secret@postgres:5432/ratsweg');
  process.exit(1);
}
try {
  const applied = await migrateUp({ url });
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The schema is up to date.');
} catch (error) {
  console.error(`Migrations failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
