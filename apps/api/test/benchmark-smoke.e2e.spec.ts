import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './support/node-process.js';

/** The small benchmark (`npm run bench -- --smoke`): it must run and write its report. No timing is asserted. */
describe('the benchmark, small (smoke run)', () => {
  it('should run every measurement, complete every round and send no e-mail twice', async () => {
    const out = mkdtempSync(join(process.env.RATSWEG_TEST_SCRATCH ?? REPO_ROOT, 'bench-smoke-'));
    const child = spawn(process.execPath, [join(REPO_ROOT, 'infra/bench/run.mjs'), '--smoke', '--out', out], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`the smoke benchmark failed (${code}):\n${output.slice(-6_000)}`);

    const report = JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8'));
    expect(report.mode).toBe('smoke');
    expect(report.commit).toMatch(/^[0-9a-f]{40}/);
    for (const name of ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7']) {
      expect(typeof report[name]?.ratio).toBe('number');
    }
    expect(report.P3).toMatchObject({ completedRatio: 1, visibilityRatio: 1 });
    expect(report.P4.duplicates).toBe(0);
    expect(report.P4.oursMailsReceived).toBe(report.P4.oursMailsExpected);
    expect(report.P6.largestRunEvents).toBeLessThanOrEqual(4_096);
    expect(Object.keys(report.perRound)).toEqual(expect.arrayContaining(['kurzverfahren', 'digitale-agenda']));
    expect(readFileSync(join(out, 'bench.md'), 'utf8')).toContain('| P7 |');
  }, 360_000);
});
