import pg from 'pg';

export interface SecurityAuditRow {
  action: string;
  actor: string;
  subject_type: string;
  subject_id: string;
  details: Record<string, unknown> | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  /** Every column of the row as PostgreSQL prints it: to show that no secret is anywhere in it. */
  row: string;
}

/** The tenant's `security:` audit chain, oldest first, read straight from the database. */
export async function securityAudit(tenant: string): Promise<SecurityAuditRow[]> {
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    const { rows } = await db.query(
      `SELECT a."action", a."actor", a."subject_type", a."subject_id", a."details", a."before", a."after", a::text AS "row"
       FROM "audit_entry" a WHERE a."chain" = $1 ORDER BY a."chain_position"`,
      [`security:${tenant}`],
    );
    return rows as SecurityAuditRow[];
  } finally {
    await db.end();
  }
}
