import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';

const HISTORIES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'workflows', 'histories');

Runtime.install({ logger: new DefaultLogger('WARN') });

function historyFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? historyFiles(join(dir, entry.name)) : entry.name.endsWith('.json') ? [join(dir, entry.name)] : [],
  );
}

describe('recorded histories of released workflow versions', () => {
  const files = historyFiles(HISTORIES);

  it('should include a recording of every released version', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files.map((file) => [relative(HISTORIES, file), file]))(
    'should replay %s against the current workflow code without a determinism error',
    async (_name, file) => {
      const history = historyFromJSON(JSON.parse(readFileSync(file, 'utf8')));
      await expect(
        Worker.runReplayHistory({ workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE_PATH as string } }, history, `replay-${_name}`),
      ).resolves.toBeUndefined();
    },
  );
});
