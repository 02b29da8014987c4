import { randomUUID } from 'node:crypto';
import { DEFAULT_STANDING_ORDERS } from '@ratsweg/domain';
import { createDataSource, directoryChain, importFromOparl, seedDemoDirectory } from '@ratsweg/persistence';
import type { DataSource } from 'typeorm';
import { TestSystem } from './support/system.js';

describe('OParl import of Ratsweg’s own OParl 1.1 output', () => {
  const system = new TestSystem();
  const target = `oparl-copy-${randomUUID()}`;
  let dataSource: DataSource;

  /** What two tenants' directories must have in common, without ids, keys and timestamps. */
  const directoryOf = async (tenant: string) => ({
    bodies: await dataSource.query(
      `SELECT "name", "short_name", "classification", to_char("start_date", 'YYYY-MM-DD') AS "start", to_char("end_date", 'YYYY-MM-DD') AS "end"
       FROM "body" WHERE "tenant" = $1 ORDER BY "name"`,
      [tenant],
    ),
    persons: await dataSource.query(
      `SELECT "given_name", "family_name", "form_of_address", "title" FROM "person" WHERE "tenant" = $1 ORDER BY "family_name", "given_name"`,
      [tenant],
    ),
    memberships: await dataSource.query(
      `SELECT p."family_name", p."given_name", b."name" AS "body", m."role", m."voting_right", to_char(m."start_date", 'YYYY-MM-DD') AS "start",
              to_char(m."end_date", 'YYYY-MM-DD') AS "end"
       FROM "membership" m JOIN "person" p ON p."id" = m."person_id" JOIN "body" b ON b."id" = m."body_id"
       WHERE m."tenant" = $1 ORDER BY b."name", p."family_name", p."given_name", m."start_date"`,
      [tenant],
    ),
    meetings: await dataSource.query(
      `SELECT m."name", b."name" AS "body", m."start", m."end", m."state" FROM "meeting" m JOIN "body" b ON b."id" = m."body_id"
       WHERE m."tenant" = $1 ORDER BY m."start", m."name"`,
      [tenant],
    ),
  });

  const auditCount = async (tenant: string): Promise<number> => {
    const [row] = (await dataSource.query(`SELECT count(*)::int AS "count" FROM "audit_entry" WHERE "chain" = $1`, [directoryChain(tenant)])) as {
      count: number;
    }[];
    return row?.count ?? 0;
  };

  beforeAll(async () => {
    dataSource = await createDataSource({ url: process.env.DATABASE_URL as string, poolSize: 3 }).initialize();
    await seedDemoDirectory(dataSource, system.tenant);
    await dataSource.query(
      `INSERT INTO "meeting" ("id", "tenant", "body_id", "name", "start", "end", "state", "created_at", "modified_at")
       SELECT gen_random_uuid(), $1, "id", 'Sitzung des Rates', '2026-02-05T16:00:00Z', '2026-02-05T19:00:00Z', 'held', now(), now()
       FROM "body" WHERE "tenant" = $1 AND "key" = 'rat'`,
      [system.tenant],
    );
    await dataSource.query(`INSERT INTO "tenant" ("key", "name", "short_name", "ags", "standing_orders") VALUES ($1, $2, $3, $4, $5::jsonb)`, [
      target,
      'Stadt Musterhausen (Kopie)',
      'Musterhausen',
      '05999001',
      JSON.stringify(DEFAULT_STANDING_ORDERS),
    ]);
    await system.startApi();
  });

  afterAll(async () => {
    await system.stop();
    await dataSource.destroy();
  });

  it('should copy bodies, persons, memberships and meetings into another tenant and change nothing when run again', async () => {
    const source = await directoryOf(system.tenant);
    const url = `${system.apiUrl}/oparl/v1/system`;

    const first = await importFromOparl({ dataSource, tenant: target, url, actor: 'system:oparl-import-e2e' });

    expect(first.body).toBe(`${system.apiUrl}/oparl/v1/bodies/${encodeURIComponent(system.tenant)}`);
    expect(first.created).toEqual({
      organization: source.bodies.length,
      person: source.persons.length,
      membership: source.memberships.length,
      meeting: source.meetings.length,
    });
    expect(first.skipped).toEqual({ organization: 0, person: 0, membership: 0, meeting: 0 });
    expect(await directoryOf(target)).toEqual(source);
    const audited = await auditCount(target);
    expect(audited).toBe(source.bodies.length + source.persons.length + source.memberships.length + source.meetings.length);

    const second = await importFromOparl({ dataSource, tenant: target, url, actor: 'system:oparl-import-e2e' });

    expect(second.created).toEqual({ organization: 0, person: 0, membership: 0, meeting: 0 });
    expect(second.updated).toEqual({ organization: 0, person: 0, membership: 0, meeting: 0 });
    expect(second.unchanged).toEqual(first.created);
    expect(await auditCount(target)).toBe(audited);
  });
});
