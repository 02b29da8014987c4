// The workflow bundle of a released version: the workflow code (workflows/ and the workspace
// libraries it imports) as it was at a git commit, bundled the way a worker of that release did.
// A fault drill runs workers on the previous release, then deploys the current code, and checks
// that running rounds carry on. `workflows/releases.json` names the commit of each release.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Inside the repository (ignored by git), so that node resolution finds its node_modules. */
const RELEASED = join(ROOT, '.data', 'released');

/** The last commit at which `workflows/package.json` had `version` (from workflows/releases.json). */
export function releasedCommit(version) {
  const releases = JSON.parse(readFileSync(join(ROOT, 'workflows', 'releases.json'), 'utf8'));
  const commit = releases[version];
  if (!commit) throw new Error(`workflows/releases.json names no commit for version ${version}; known: ${Object.keys(releases).join(', ')}`);
  return commit;
}

/**
 * The webpack bundle code of the workflow code at `gitRef` (a commit, tag or branch of this
 * repository). `log` receives progress lines and the bundler's warnings.
 */
export async function bundleWorkflowsAt(gitRef, { log } = {}) {
  const say = log ?? (() => undefined);
  const commit = git('rev-parse', '--verify', '--quiet', `${gitRef}^{commit}`);
  const tree = await checkout(commit, say);
  const aliases = workspaceAliases(tree);
  say(`bundling the workflow code of ${commit.slice(0, 12)} (${Object.keys(aliases).map((name) => name.replace(/\$$/, '')).join(', ')} from that commit)`);
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(tree, 'workflows', 'src', 'index.ts'),
    // Imports of @ratsweg/* resolve to that commit's sources, not to today's builds in node_modules.
    webpackConfigHook: (config) => ({
      ...config,
      resolve: { ...config.resolve, alias: { ...config.resolve?.alias, ...aliases } },
    }),
    logger: bundlerLogger(say),
  });
  return code;
}

function git(...args) {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    throw new Error(`git ${args.join(' ')} failed: ${(error.stderr || error.message).toString().trim()}`);
  }
}

/** workflows/ and libs/ of `commit`, extracted once into .data/released/<commit>/ (a commit never changes). */
async function checkout(commit, say) {
  const tree = join(RELEASED, commit);
  if (existsSync(join(tree, 'workflows', 'package.json'))) return tree;
  mkdirSync(RELEASED, { recursive: true });
  const partial = `${tree}.partial-${process.pid}-${Date.now()}`;
  mkdirSync(partial);
  try {
    const archive = join(partial, 'tree.tar');
    git('archive', '--format=tar', `--output=${archive}`, commit, 'workflows', 'libs');
    execFileSync('tar', ['-xf', archive, '-C', partial]);
    rmSync(archive);
    say(`extracted workflows/ and libs/ of ${commit.slice(0, 12)} into ${tree}`);
    try {
      renameSync(partial, tree);
    } catch (error) {
      // Another process extracted the same commit at the same moment: use theirs.
      if (!existsSync(join(tree, 'workflows', 'package.json'))) throw error;
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return tree;
}

/** `@ratsweg/<lib>` → the lib's src/index.ts in the extracted tree, for every lib of that commit. */
function workspaceAliases(tree) {
  const aliases = {};
  for (const entry of readdirSync(join(tree, 'libs'), { withFileTypes: true })) {
    const manifest = join(tree, 'libs', entry.name, 'package.json');
    const source = join(tree, 'libs', entry.name, 'src', 'index.ts');
    if (!entry.isDirectory() || !existsSync(manifest) || !existsSync(source)) continue;
    const { name } = JSON.parse(readFileSync(manifest, 'utf8'));
    if (name) aliases[`${name}$`] = source;
  }
  return aliases;
}

function bundlerLogger(say) {
  const quiet = () => undefined;
  return {
    log: quiet,
    trace: quiet,
    debug: quiet,
    info: quiet,
    warn: (message) => say(`bundler warning: ${message}`),
    error: (message) => say(`bundler error: ${message}`),
  };
}
