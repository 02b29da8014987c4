// `npm run check:deploy`: checks the deployment files without a container engine or a cluster.
//   node infra/deploy-check/check-deploy.mjs [--root <dir>]   (default: this repository)
// - Dockerfiles: BuildKit's parser and linter, pinned base images, COPY sources exist, non-root USER, HEALTHCHECK
// - compose.yaml: compose-go's loader (compose-spec schema; rejects unknown keys) with .env.example, plus rules
// - Kubernetes: kustomize render of infra/k8s/ratsweg, strict decoding into the API types, plus rules
// - nginx configuration of the web image: `nginx -t` on the rendered template
// - shell scripts of the compose set-up jobs: shellcheck
// - the search attributes created by compose and Helm are exactly SEARCH_ATTRIBUTES of @ratsweg/contracts
// - Temporal's Helm chart with infra/helm/temporal-values.yaml: `helm template` + strict decoding, when
//   TEMPORAL_HELM_CHART_DIR names the chart (it cannot be fetched from the registries reachable here)
// Go builds deploy-check (and helm) once per source version into ~/.cache/ratsweg.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ratswegCacheDir } from '../temporal/temporal-cli.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..', '..');
const HELM_VERSION = 'v3.22.0';
const rootFlag = process.argv.indexOf('--root');
const ROOT = rootFlag > 0 ? resolve(process.argv[rootFlag + 1]) : REPO;

const failures = [];
const step = (name, ok, detail = '') => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `\n${detail.trimEnd().replace(/^/gm, '     ')}` : ''}`);
  if (!ok) failures.push(name);
};

function go() {
  for (const candidate of ['go', '/usr/local/go/bin/go']) {
    if (spawnSync(candidate, ['version'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  throw new Error('Go is needed to build the deployment checks (the same Go that builds the Temporal CLI): install Go 1.24 or newer.');
}

/** Builds infra/deploy-check once per version of its sources (module versions pinned in go.sum). */
function deployCheckBinary() {
  const hash = createHash('sha256');
  for (const file of readdirSync(HERE).filter((name) => /\.(go|mod|sum)$/.test(name)).sort()) hash.update(file).update(readFileSync(join(HERE, file)));
  const dir = join(ratswegCacheDir(), 'deploy-check', hash.digest('hex').slice(0, 16));
  const binary = join(dir, 'deploy-check');
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  console.log(`Building deploy-check with Go into ${dir} (once per version; a few minutes) …`);
  const result = spawnSync(go(), ['build', '-mod=mod', '-buildvcs=false', '-o', binary, '.'], { cwd: HERE, stdio: 'inherit', env: { ...process.env, CGO_ENABLED: '0' } });
  if (result.status !== 0) throw new Error('building deploy-check failed');
  return binary;
}

function helmBinary() {
  const bin = join(ratswegCacheDir(), 'deploy-tools', `helm-${HELM_VERSION}`);
  if (existsSync(join(bin, 'helm'))) return join(bin, 'helm');
  mkdirSync(bin, { recursive: true });
  console.log(`Building helm ${HELM_VERSION} with Go (once per machine) …`);
  const result = spawnSync(go(), ['install', `helm.sh/helm/v3/cmd/helm@${HELM_VERSION}`], { stdio: 'inherit', env: { ...process.env, GOBIN: bin, CGO_ENABLED: '0' } });
  if (result.status !== 0) throw new Error('building helm failed');
  return join(bin, 'helm');
}

function runCheck(name, command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', ...options });
  if (result.error) {
    const missing = result.error.code === 'ENOENT' ? ' (not installed: `apt-get install nginx-light shellcheck` on Debian/Ubuntu)' : '';
    step(name, false, `${command}: ${result.error.message}${missing}`);
    return false;
  }
  step(name, result.status === 0, `${result.stdout ?? ''}${result.stderr ?? ''}`);
  return result.status === 0;
}

const binary = deployCheckBinary();
const dockerfiles = readdirSync(join(ROOT, 'infra', 'docker')).filter((name) => name.endsWith('.Dockerfile')).map((name) => `infra/docker/${name}`);
runCheck('Dockerfiles (BuildKit parser and linter, Ratsweg rules)', binary, ['dockerfile', '.', ...dockerfiles]);
if (!existsSync(join(ROOT, '.dockerignore'))) step('.dockerignore', false, 'missing: the build context is the repository root');
runCheck('compose.yaml (compose-go loader, compose-spec schema, Ratsweg rules)', binary, ['compose', 'infra/compose/compose.yaml', 'infra/compose/.env.example']);
runCheck('Kubernetes manifests (kustomize render, strict API types, Ratsweg rules)', binary, ['kustomize', 'infra/k8s/ratsweg']);
runCheck('Kubernetes example Secret (strict API types)', binary, ['manifests', 'infra/k8s/ratsweg/secret.example.yaml']);

// nginx -t on the web image's configuration, rendered as the image's entrypoint renders it.
const scratch = mkdtempSync(join(tmpdir(), 'ratsweg-nginx-'));
try {
  const server = readFileSync(join(ROOT, 'infra', 'docker', 'nginx', 'default.conf.template'), 'utf8').replaceAll('${API_UPSTREAM}', '127.0.0.1:3000');
  mkdirSync(join(scratch, 'html'));
  writeFileSync(join(scratch, 'server.conf'), server.replaceAll('/usr/share/nginx/html', join(scratch, 'html')));
  writeFileSync(
    join(scratch, 'nginx.conf'),
    [
      `pid ${join(scratch, 'nginx.pid')};`,
      `error_log ${join(scratch, 'error.log')};`,
      'events {}',
      'http {',
      '  include /etc/nginx/mime.types;',
      `  access_log ${join(scratch, 'access.log')};`,
      `  client_body_temp_path ${scratch}/body; proxy_temp_path ${scratch}/proxy;`,
      `  include ${join(scratch, 'server.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  runCheck('nginx configuration of the web image (nginx -t)', 'nginx', ['-t', '-q', '-p', scratch, '-c', join(scratch, 'nginx.conf')]);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const scripts = readdirSync(join(ROOT, 'infra', 'compose')).filter((name) => name.endsWith('.sh')).map((name) => `infra/compose/${name}`);
runCheck('set-up scripts of compose (shellcheck)', 'shellcheck', ['--shell=sh', '--severity=warning', ...scripts]);

// The search attributes that compose and Helm create are the ones the workflows set.
{
  const { SEARCH_ATTRIBUTES } = await import('@ratsweg/contracts');
  const CLI = { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList', TEXT: 'Text', INT: 'Int', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime' };
  const expected = Object.values(SEARCH_ATTRIBUTES).map((key) => `${key.name}=${CLI[key.type]}`).sort().join(' ');
  const problems = [];
  for (const file of ['infra/compose/temporal-namespace.sh', 'infra/helm/temporal-values.yaml']) {
    const match = /for attribute in ([^;]+);/.exec(readFileSync(join(ROOT, file), 'utf8'));
    const listed = match ? match[1].trim().split(/\s+/).sort().join(' ') : '(no list found)';
    if (listed !== expected) problems.push(`${file}: creates ${listed}, the workflows need ${expected}`);
  }
  step('search attributes of compose and Helm match @ratsweg/contracts', problems.length === 0, problems.join('\n'));
}

// Every setting that compose and the manifests give API and worker is one the configuration knows
// (a misspelt key would be ignored silently), and the Kubernetes settings pass its validation.
{
  const { parseAllDocuments } = await import('yaml');
  const { configSchema, loadConfig } = await import('@ratsweg/config');
  const known = new Set([...Object.keys(configSchema.shape), 'NODE_ENV']);
  const problems = [];
  const compose = parseAllDocuments(readFileSync(join(ROOT, 'infra', 'compose', 'compose.yaml'), 'utf8'), { merge: true })[0]?.toJS() ?? {};
  for (const name of ['api', 'worker', 'ratsweg-migrate']) {
    for (const key of Object.keys(compose.services?.[name]?.environment ?? {})) {
      if (!known.has(key)) problems.push(`infra/compose/compose.yaml: service ${name} sets ${key}, which is no Ratsweg setting`);
    }
  }
  const objects = (file) => parseAllDocuments(readFileSync(join(ROOT, 'infra', 'k8s', 'ratsweg', file), 'utf8')).map((document) => document.toJS()).filter(Boolean);
  const configMap = objects('configmap.yaml').find((object) => object.kind === 'ConfigMap')?.data ?? {};
  const secret = objects('secret.example.yaml').find((object) => object.metadata?.name === 'ratsweg')?.stringData ?? {};
  for (const [file, keys] of [['configmap.yaml', Object.keys(configMap)], ['secret.example.yaml', Object.keys(secret)]]) {
    for (const key of keys) if (!known.has(key)) problems.push(`infra/k8s/ratsweg/${file}: ${key} is no Ratsweg setting`);
  }
  for (const file of ['api.yaml', 'worker.yaml', 'migrate-job.yaml']) {
    for (const object of objects(file)) {
      const containers = object.spec?.template?.spec?.containers ?? [];
      for (const container of containers) {
        const env = Object.fromEntries((container.env ?? []).map((variable) => [variable.name, variable.value ?? secret[variable.valueFrom?.secretKeyRef?.key] ?? '']));
        for (const key of Object.keys(env)) if (!known.has(key)) problems.push(`infra/k8s/ratsweg/${file}: container ${container.name} sets ${key}, which is no Ratsweg setting`);
        if (file === 'migrate-job.yaml') continue;
        try {
          loadConfig({ ...configMap, ...secret, ...env });
        } catch (error) {
          problems.push(`infra/k8s/ratsweg/${file}: container ${container.name} would not start: ${error.message}`);
        }
      }
    }
  }
  step('settings in compose and Kubernetes are known to @ratsweg/config and valid', problems.length === 0, problems.join('\n'));
}

// Temporal's official chart with our values: rendered only where the chart is at hand.
const chart = process.env.TEMPORAL_HELM_CHART_DIR;
if (chart) {
  const rendered = join(mkdtempSync(join(tmpdir(), 'ratsweg-helm-')), 'temporal.yaml');
  const helm = spawnSync(helmBinary(), ['template', 'temporal', chart, '--namespace', 'temporal', '-f', join(ROOT, 'infra', 'helm', 'temporal-values.yaml')], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (helm.status !== 0) step(`Temporal Helm chart ${chart} with infra/helm/temporal-values.yaml (helm template)`, false, helm.stderr);
  else {
    writeFileSync(rendered, helm.stdout);
    runCheck(`Temporal Helm chart ${chart} with infra/helm/temporal-values.yaml (helm ${HELM_VERSION} template, strict API types)`, binary, ['manifests', rendered]);
  }
  rmSync(dirname(rendered), { recursive: true, force: true });
} else {
  console.log('note infra/helm/temporal-values.yaml not rendered: set TEMPORAL_HELM_CHART_DIR to a checkout of charts/temporal (temporalio/helm-charts)');
}

if (failures.length) {
  console.error(`\ncheck:deploy: ${failures.length} check(s) failed: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('\ncheck:deploy: all deployment files passed');
