// `npm test`: installs what is missing, builds, lints, then runs every test against the real
// Temporal dev server and PostgreSQL (both started by jest's global set-up).
import { join } from 'node:path';
import { build, ensureDependencies, ROOT, run } from './bootstrap.mjs';
import { ensureTemporalCli } from '../temporal/temporal-cli.mjs';

ensureDependencies();
ensureTemporalCli((line) => console.log(line));
build();
const bin = (name) => join(ROOT, 'node_modules', '.bin', name);
console.log('Lint (eslint, module boundaries) …');
run(bin('eslint'), ['-c', 'infra/tooling/eslint.config.mjs', '.', '--max-warnings', '0']);
console.log('Type-check the tests …');
run(bin('tsc'), ['-p', 'infra/tooling/tsconfig.check.json']);
console.log('Deployment files (npm run check:deploy) …');
run(process.execPath, [join(ROOT, 'infra', 'deploy-check', 'check-deploy.mjs')]);
console.log('Tests …');
run(process.execPath, ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '-c', 'infra/testing/jest.config.mjs', ...process.argv.slice(2)]);
