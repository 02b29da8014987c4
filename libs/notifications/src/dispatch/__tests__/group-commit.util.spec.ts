import { GroupCommit } from '../group-commit.util.js';

/** A write the test finishes by hand, recording what each statement carried. */
function controlledWrites() {
  const statements: { items: string[]; finish: () => void; fail: (error: Error) => void }[] = [];
  const started: (() => void)[] = [];
  const write = (items: string[]) =>
    new Promise<void>((finish, fail) => {
      statements.push({ items, finish, fail });
      started.splice(0).forEach((wake) => wake());
    });
  const nextStatement = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => (statements.length >= count ? resolve() : started.push(check));
      check();
    });
  return { statements, write, nextStatement };
}

function settled(promise: Promise<void>) {
  const state = { value: 'pending' as 'pending' | 'done' | 'failed' };
  promise.then(
    () => (state.value = 'done'),
    () => (state.value = 'failed'),
  );
  return state;
}

describe.each([0, 5])('GroupCommit (recording sent e-mails), lingering %i ms', (lingerMs) => {
  it('should write the items added together in one statement, and those added while it runs together in the next', async () => {
    const { statements, write, nextStatement } = controlledWrites();
    const log = new GroupCommit<string>(write, lingerMs);
    const first = [log.add('a'), log.add('b')];
    await nextStatement(1);
    const later = [log.add('c'), log.add('d'), log.add('e')];
    const laterStates = later.map(settled);
    expect(statements.map((statement) => statement.items)).toEqual([['a', 'b']]);

    statements[0]?.finish();
    await Promise.all(first);
    await nextStatement(2);
    expect(statements.map((statement) => statement.items)).toEqual([
      ['a', 'b'],
      ['c', 'd', 'e'],
    ]);
    // Not recorded before their own statement is.
    expect(laterStates.map((state) => state.value)).toEqual(['pending', 'pending', 'pending']);

    statements[1]?.finish();
    await Promise.all(later);
    expect(statements).toHaveLength(2);
  });

  it('should fail only the items of a failed statement and still write those added after it', async () => {
    const { statements, write, nextStatement } = controlledWrites();
    const log = new GroupCommit<string>(write, lingerMs);
    const lost = log.add('a');
    await nextStatement(1);
    const kept = log.add('b');

    statements[0]?.fail(new Error('connection terminated'));
    await expect(lost).rejects.toThrow('connection terminated');
    await nextStatement(2);
    expect(statements[1]?.items).toEqual(['b']);
    statements[1]?.finish();
    await expect(kept).resolves.toBeUndefined();

    // Idle again: the next item starts a statement of its own.
    const again = log.add('c');
    await nextStatement(3);
    expect(statements[2]?.items).toEqual(['c']);
    statements[2]?.finish();
    await expect(again).resolves.toBeUndefined();
  });
});
