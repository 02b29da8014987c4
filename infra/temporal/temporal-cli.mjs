// Finds the Temporal CLI (which contains the dev server), or builds it once per machine.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * Versions that can be built with `go install`: newer tags carry a `replace` directive and
 * cannot. v1.5.1 is the one built and used here (Server 1.29.1, UI 2.42.1); the others are fallbacks.
 */
export const TEMPORAL_CLI_VERSIONS = ['v1.5.1', 'v1.4.1', 'v1.3.0', 'v1.1.2'];

export function ratswegCacheDir() {
  return process.env.RATSWEG_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ratsweg');
}

function onPath(command) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

function findGo() {
  return onPath('go') ?? ['/usr/local/go/bin/go', join(homedir(), 'go', 'bin', 'go')].find((path) => existsSync(path));
}

function cachedBinary(version) {
  return join(ratswegCacheDir(), 'temporal-cli', version, 'bin', 'temporal');
}

/**
 * Returns the path of a Temporal CLI: `TEMPORAL_CLI`, else `temporal` on PATH, else a build
 * cached under ~/.cache/ratsweg, else it builds one with Go (several minutes, once per machine).
 */
export function ensureTemporalCli(log = (line) => console.log(line)) {
  if (process.env.TEMPORAL_CLI) {
    if (!existsSync(process.env.TEMPORAL_CLI)) {
      throw new Error(`TEMPORAL_CLI is set to ${process.env.TEMPORAL_CLI}, but there is no file there.`);
    }
    return process.env.TEMPORAL_CLI;
  }
  const fromPath = onPath('temporal');
  if (fromPath) return fromPath;
  for (const version of TEMPORAL_CLI_VERSIONS) {
    if (existsSync(cachedBinary(version))) return cachedBinary(version);
  }
  const go = findGo();
  if (!go) {
    throw new Error(
      [
        'The Temporal CLI (with its dev server) was not found and Go is not installed to build it.',
        'Install one of:',
        '  - the Temporal CLI: put `temporal` on PATH or set TEMPORAL_CLI=/path/to/temporal',
        '  - Go 1.24 or newer (https://go.dev/dl/), then run this command again; it builds',
        `    github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSIONS[0]} into ${ratswegCacheDir()}`,
      ].join('\n'),
    );
  }
  for (const version of TEMPORAL_CLI_VERSIONS) {
    const bin = join(ratswegCacheDir(), 'temporal-cli', version, 'bin');
    mkdirSync(bin, { recursive: true });
    log(`Building the Temporal CLI ${version} with ${go} (once per machine; this takes several minutes) …`);
    const result = spawnSync(go, ['install', `github.com/temporalio/cli/cmd/temporal@${version}`], {
      stdio: 'inherit',
      env: { ...process.env, GOBIN: bin, GOFLAGS: '-mod=mod', CGO_ENABLED: process.env.CGO_ENABLED ?? '0' },
    });
    if (result.status === 0 && existsSync(cachedBinary(version))) {
      log(`Temporal CLI ${version} built: ${cachedBinary(version)}`);
      return cachedBinary(version);
    }
    log(`Building the Temporal CLI ${version} failed; trying the next version.`);
  }
  throw new Error(`None of the Temporal CLI versions ${TEMPORAL_CLI_VERSIONS.join(', ')} could be built with ${go}.`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(ensureTemporalCli());
}
