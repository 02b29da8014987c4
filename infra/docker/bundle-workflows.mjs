// Bundles the workflow code once at image build: `node infra/docker/bundle-workflows.mjs <out.js>`.
// The worker loads it through WORKFLOW_BUNDLE_PATH instead of bundling with webpack at every start.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { WORKFLOW_PRELOAD_MODULES } from '@ratsweg/contracts';
import { bundleWorkflowCode } from '@temporalio/worker';

const out = process.argv[2];
if (!out) {
  console.error('usage: node infra/docker/bundle-workflows.mjs <out.js>');
  process.exit(1);
}
const require = createRequire(import.meta.url);
// The same preloaded modules as the worker's own bundling (see Benchmarks, P5: ~2 MB less per cached round).
const { code } = await bundleWorkflowCode({
  workflowsPath: require.resolve('@ratsweg/workflows'),
  preloadModules: [...WORKFLOW_PRELOAD_MODULES],
});
writeFileSync(out, code);
console.log(`Workflow bundle written to ${out} (${Math.round(code.length / 1024)} KiB)`);
