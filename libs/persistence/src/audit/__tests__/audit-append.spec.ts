import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { eventually } from '../../../../../infra/testing/eventually.mjs';
import { createDataSource } from '../../database/data-source.js';
import { AuditRepository, roundChain, type AuditAppend } from '../audit.repository.js';

/**
 * A round's recordings are retried (an activity attempt that timed out may have committed) and
 * may run beside each other: the trail must hold each change once, chained in order, whatever
 * interleaving the database sees — on a new chain as on one that has entries.
 */
describe('audit trail appends', () => {
  let dataSource: DataSource;
  let audit: AuditRepository;

  beforeAll(async () => {
    // The test run's database (global set-up), already migrated; each test writes a chain of its own.
    dataSource = createDataSource({ url: process.env.DATABASE_URL ?? '', poolSize: 4 });
    await dataSource.initialize();
    audit = new AuditRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
  });

  const changes = (roundId: string, seq: number, actions: string[]): AuditAppend[] =>
    actions.map((action, position) => ({
      tenant: 'test',
      chain: roundChain(roundId),
      subjectType: 'round',
      subjectId: roundId,
      action,
      actor: 'system',
      occurredAt: new Date(Date.UTC(2026, 11, 7, 9, seq, position)),
      idempotencyKey: `round-${roundId}:${seq}:${position}`,
      seq,
      position,
    }));

  const trail = async (roundId: string): Promise<string[]> => (await audit.list('test', roundChain(roundId))).map((entry) => `${entry.chainPosition} ${entry.action}`);

  /** Runs `work` in a transaction that stays open until the returned `end` is called. */
  const heldOpen = async (work: (manager: EntityManager) => Promise<void>) => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await work(runner.manager);
    return {
      end: async (outcome: 'commit' | 'rollback') => {
        await (outcome === 'commit' ? runner.commitTransaction() : runner.rollbackTransaction());
        await runner.release();
      },
    };
  };

  /** Until the retry waits for the first attempt's lock on the new chain's head. */
  const queuedBehindLock = () =>
    eventually(async () => {
      const [{ waiting }] = (await dataSource.query(
        `SELECT count(*)::int AS "waiting" FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%audit_chain_head%'`,
      )) as { waiting: number }[];
      return waiting > 0 || undefined;
    }, 10_000, 10);

  it('should record a retried recording once, on a new chain and on one with entries', async () => {
    const roundId = randomUUID();
    await audit.appendNow(changes(roundId, 1, ['round.started', 'stage.opened']));
    await audit.appendNow(changes(roundId, 1, ['round.started', 'stage.opened']));
    await audit.appendNow(changes(roundId, 2, ['stage.decided', 'stage.closed']));
    await audit.appendNow(changes(roundId, 2, ['stage.decided', 'stage.closed']));

    expect(await trail(roundId)).toEqual(['1 round.started', '2 stage.opened', '3 stage.decided', '4 stage.closed']);
    expect(await audit.verify('test', roundChain(roundId))).toEqual({ valid: true, entries: 4 });
  });

  it.each([
    ['commits', 'commit'],
    ['rolls back', 'rollback'],
  ] as const)('should record a first recording once when its retry waits for the attempt beside it, which %s', async (_, outcome) => {
    const roundId = randomUUID();
    const first = await heldOpen((manager) => audit.append(manager, changes(roundId, 1, ['round.started', 'stage.opened'])));
    const retry = audit.appendNow(changes(roundId, 1, ['round.started', 'stage.opened']));
    await queuedBehindLock();
    await first.end(outcome);
    await retry;

    expect(await trail(roundId)).toEqual(['1 round.started', '2 stage.opened']);
    expect(await audit.verify('test', roundChain(roundId))).toEqual({ valid: true, entries: 2 });
  });
});
