import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CHECK = join(REPO, 'infra', 'deploy-check', 'check-deploy.mjs');
// The first run on a machine builds the checker with Go (minutes); later runs take seconds.
const BUILD_TIMEOUT = 15 * 60_000;

function checkDeploy(root: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [CHECK, '--root', root], { cwd: REPO, encoding: 'utf8', env: { ...process.env, TEMPORAL_HELM_CHART_DIR: '' } });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function edit(file: string, from: string | RegExp, to: string): void {
  const text = readFileSync(file, 'utf8');
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`${file}: ${String(from)} not found, the planted mistake would not be planted`);
  writeFileSync(file, changed);
}

describe('npm run check:deploy', () => {
  let copy = '';

  beforeAll(() => {
    // A copy of the deployment files and of what their COPY instructions name in the build context.
    copy = mkdtempSync(join(tmpdir(), 'ratsweg-deploy-check-'));
    cpSync(join(REPO, 'infra'), join(copy, 'infra'), { recursive: true, filter: (source) => !source.includes('node_modules') });
    for (const file of ['.dockerignore', 'package.json', 'package-lock.json', 'nx.json', 'tsconfig.base.json']) cpSync(join(REPO, file), join(copy, file));
    for (const dir of ['libs', 'workflows', 'apps']) mkdirSync(join(copy, dir));
  });

  afterAll(() => {
    rmSync(copy, { recursive: true, force: true });
  });

  it(
    'should pass on the deployment files of the repository',
    () => {
      const { status, output } = checkDeploy(REPO);
      expect(output).toContain('check:deploy: all deployment files passed');
      expect(status).toBe(0);
    },
    BUILD_TIMEOUT,
  );

  it(
    'should fail on planted mistakes and name each one',
    () => {
      const at = (path: string) => join(copy, path);
      // Kubernetes: a misspelt field (the API would drop it silently) and a workload without readiness probe.
      edit(at('infra/k8s/ratsweg/api.yaml'), '          readinessProbe:', '          readinesProbe:');
      const worker = readFileSync(at('infra/k8s/ratsweg/worker.yaml'), 'utf8');
      writeFileSync(at('infra/k8s/ratsweg/worker.yaml'), worker.replace(/ {10}readinessProbe:\n(?: {12}.*\n)+/, ''));
      // Dockerfiles: a base image that is no valid reference, a final stage without HEALTHCHECK, an undefined variable.
      edit(at('infra/docker/api.Dockerfile'), 'ARG NODE_IMAGE=node:20.20.2-bookworm-slim', 'ARG NODE_IMAGE=Node:20.20.2-bookworm-slim');
      edit(at('infra/docker/worker.Dockerfile'), /HEALTHCHECK [^\n]*\\\n[^\n]*\n/, '');
      edit(at('infra/docker/web.Dockerfile'), 'EXPOSE 8080', 'EXPOSE 8080\nENV GREETING=$UNDEFINED_GREETING');
      // compose: an image without a tag.
      edit(at('infra/compose/compose.yaml'), 'image: temporalio/ui:2.52.0', 'image: temporalio/ui');
      // nginx: a misspelt directive.
      edit(at('infra/docker/nginx/default.conf.template'), 'proxy_buffering off;', 'proxy_bufering off;');
      // Settings: a misspelt key (the application would ignore it) and a value the configuration rejects.
      edit(at('infra/k8s/ratsweg/configmap.yaml'), '  TEMPORAL_TASK_QUEUE:', '  TEMPORAL_TASKQUEUE:');
      edit(at('infra/k8s/ratsweg/configmap.yaml'), 'PUBLIC_BASE_URL: https://ratsweg.example.org', 'PUBLIC_BASE_URL: ratsweg.example.org');
      // Temporal: a search attribute the workflows set is missing.
      edit(at('infra/compose/temporal-namespace.sh'), ' RatswegTemplate=Keyword', '');

      const { status, output } = checkDeploy(copy);
      expect(status).toBe(1);
      expect(output).toContain('unknown field "spec.template.spec.containers[0].readinesProbe"');
      expect(output).toContain('container worker: no readinessProbe');
      expect(output).toMatch(/api\.Dockerfile: FROM: image "Node:20\.20\.2-bookworm-slim" is not a valid reference/);
      expect(output).toContain('infra/docker/worker.Dockerfile: final stage "runtime" has no HEALTHCHECK');
      expect(output).toMatch(/web\.Dockerfile: line \d+: UndefinedVar: Usage of undefined variable '\$UNDEFINED_GREETING'/);
      expect(output).toContain('service temporal-ui: image "temporalio/ui" has no tag');
      expect(output).toMatch(/FAIL nginx configuration[\s\S]*unknown directive "proxy_bufering"/);
      expect(output).toMatch(/temporal-namespace\.sh: creates .* the workflows need .*RatswegTemplate=Keyword/);
      expect(output).toContain('infra/k8s/ratsweg/configmap.yaml: TEMPORAL_TASKQUEUE is no Ratsweg setting');
      expect(output).toMatch(/api\.yaml: container api would not start: Invalid configuration:\s+- PUBLIC_BASE_URL/);
      expect(output).toContain('check:deploy: 6 check(s) failed');
    },
    BUILD_TIMEOUT,
  );

  it(
    'should reject a compose file with a key the compose specification does not know',
    () => {
      edit(join(copy, 'infra/compose/compose.yaml'), 'stop_grace_period: 60s', 'stop_grace_periode: 60s');
      const { status, output } = checkDeploy(copy);
      expect(status).toBe(1);
      expect(output).toMatch(/services\.worker.*stop_grace_periode/);
    },
    BUILD_TIMEOUT,
  );
});
