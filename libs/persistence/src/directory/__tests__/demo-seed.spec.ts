import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AuditRepository, directoryChain } from '../../audit/audit.repository.js';
import { createDataSource } from '../../database/data-source.js';
import { seedDemoDirectory } from '../demo-seed.js';

const TABLES = ['tenant', 'legislative_term', 'body', 'person', 'membership', 'meeting'] as const;

describe('seedDemoDirectory', () => {
  let dataSource: DataSource;
  const tenant = `test-seed-${randomUUID()}`;

  beforeAll(async () => {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set: run the tests through jest (global set-up)');
    dataSource = await createDataSource({ url, poolSize: 2 }).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
  });

  const counts = async (): Promise<Record<string, number>> => {
    const result: Record<string, number> = {};
    for (const table of TABLES) {
      const column = table === 'tenant' ? 'key' : 'tenant';
      const [row] = (await dataSource.query(`SELECT count(*)::int AS "n" FROM "${table}" WHERE "${column}" = $1`, [tenant])) as { n: number }[];
      result[table] = row?.n ?? 0;
    }
    const [audit] = (await dataSource.query('SELECT count(*)::int AS "n" FROM "audit_entry" WHERE "chain" = $1', [directoryChain(tenant)])) as { n: number }[];
    result.audit = audit?.n ?? 0;
    return result;
  };

  it('should write the fictional municipality once and change nothing when run again', async () => {
    expect(await seedDemoDirectory(dataSource, tenant)).toEqual({ tenant, created: true });
    const first = await counts();
    expect(first).toMatchObject({ tenant: 1, legislative_term: 1, body: 7, person: 25, meeting: 0 });
    expect(first.audit).toBe(1 + 1 + 7 + 25 + (first.membership ?? 0));

    expect(await seedDemoDirectory(dataSource, tenant)).toEqual({ tenant, created: false });
    expect(await counts()).toEqual(first);
    expect(await new AuditRepository(dataSource).verify(tenant, directoryChain(tenant))).toEqual({ valid: true, entries: first.audit });
  });

  it('should give every body the keys the templates use, a chair and a secretary when seeded', async () => {
    const bodies = (await dataSource.query(
      `SELECT b."key",
              count(*) FILTER (WHERE m."role" = 'chair') AS "chairs",
              count(*) FILTER (WHERE m."role" = 'secretary') AS "secretaries"
       FROM "body" b JOIN "membership" m ON m."body_id" = b."id"
       WHERE b."tenant" = $1 GROUP BY b."key" ORDER BY b."key"`,
      [tenant],
    )) as { key: string; chairs: string; secretaries: string }[];
    expect(bodies.map((body) => body.key)).toEqual([
      'arbeitskreis-digitales',
      'ausschuss-digitales',
      'ausschuss-planung',
      'fachbeirat-digitales',
      'hauptausschuss',
      'rat',
      'verwaltungsvorstand',
    ]);
    for (const body of bodies) expect([Number(body.chairs), Number(body.secretaries)]).toEqual([1, 1]);
    const [ended] = (await dataSource.query(`SELECT count(*)::int AS "n" FROM "membership" WHERE "tenant" = $1 AND "end_date" IS NOT NULL`, [tenant])) as {
      n: number;
    }[];
    expect(ended?.n).toBe(1);
    const [tenantRow] = (await dataSource.query('SELECT "name", "ags" FROM "tenant" WHERE "key" = $1', [tenant])) as { name: string; ags: string }[];
    expect(tenantRow).toEqual({ name: 'Stadt Musterhausen', ags: expect.stringMatching(/^\d{8}$/) });
  });
});
