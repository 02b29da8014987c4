// `npm run oparl:import -- --url <OParl System or Body URL> [--tenant <key>]` against DATABASE_URL.
import { parseArgs } from 'node:util';
import { build, ensureDependencies } from './bootstrap.mjs';

const USAGE = `Usage: npm run oparl:import -- --url <OParl System or Body URL> [--tenant <key>]
  --url     an OParl 1.1 System (its only Body is imported) or Body
  --tenant  the Ratsweg tenant to import into (default: RATSWEG_TENANT, else "default"); its tenant row must exist
Reads DATABASE_URL from the environment. Running it again changes only what changed on the OParl server.`;

let values;
try {
  ({ values } = parseArgs({
    options: { url: { type: 'string' }, tenant: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  }));
} catch (error) {
  console.error(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.url) {
  console.error(`--url is missing.\n\n${USAGE}`);
  process.exit(2);
}
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('DATABASE_URL is not set, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/ratsweg');
  process.exit(1);
}
const tenant = values.tenant ?? process.env.RATSWEG_TENANT ?? 'default';

ensureDependencies();
build();
const { createDataSource, importFromOparl, OPARL_IMPORT_KINDS } = await import('@ratsweg/persistence');

const dataSource = await createDataSource({ url: databaseUrl, poolSize: 2 }).initialize();
try {
  console.log(`Importing ${values.url} into tenant "${tenant}" …`);
  const result = await importFromOparl({ dataSource, tenant, url: values.url, actor: 'system:oparl-import' });
  console.log(`Imported OParl body ${result.body}:`);
  const rows = OPARL_IMPORT_KINDS.map((kind) => ({
    kind,
    created: result.created[kind],
    updated: result.updated[kind],
    unchanged: result.unchanged[kind],
    skipped: result.skipped[kind],
  }));
  const width = Math.max(...rows.map((row) => row.kind.length));
  console.log(`  ${'kind'.padEnd(width)}  created  updated  unchanged  skipped`);
  for (const row of rows) {
    console.log(
      `  ${row.kind.padEnd(width)}  ${String(row.created).padStart(7)}  ${String(row.updated).padStart(7)}  ${String(row.unchanged).padStart(9)}  ${String(row.skipped).padStart(7)}`,
    );
  }
} catch (error) {
  console.error(`OParl import failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await dataSource.destroy();
}
