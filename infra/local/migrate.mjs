// `npm run migration:run` / `npm run migration:revert` against DATABASE_URL.
import { build, ensureDependencies } from './bootstrap.mjs';

ensureDependencies();
build();
const { migrateDown, migrateUp } = await import('@ratsweg/persistence');
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/ratsweg');
  process.exit(1);
}
if (process.argv[2] === 'down') {
  await migrateDown({ url });
  console.log('Reverted the last migration.');
} else {
  const applied = await migrateUp({ url });
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The schema is up to date.');
}
