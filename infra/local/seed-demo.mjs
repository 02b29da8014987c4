// `npm run seed:demo`: the directory of a fictional municipality for RATSWEG_TENANT (default
// `default`) against DATABASE_URL. Changes nothing when the tenant exists already.
import { build, ensureDependencies } from './bootstrap.mjs';

ensureDependencies();
build();
const { seedDemoDirectoryAt } = await import('@ratsweg/persistence');
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/ratsweg');
  process.exit(1);
}
const tenant = process.env.RATSWEG_TENANT ?? 'default';
const { created } = await seedDemoDirectoryAt({ url, tenant });
console.log(created ? `Demo directory written for tenant "${tenant}".` : `Tenant "${tenant}" exists already; nothing changed.`);
