import { isUuid } from '@ratsweg/domain';
import type { DataSource, EntityManager } from 'typeorm';

/** Roles an administrator grants; `secretary` and `member` also follow from the directory. */
export const GRANTED_ROLES = ['admin', 'auditor', 'member'] as const;
export type GrantedRole = (typeof GRANTED_ROLES)[number];

export const API_KEY_SCOPES = ['events', 'metrics'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface UserRow {
  id: string;
  tenant: string;
  email: string;
  displayName: string;
  passwordHash: string | null;
  roles: GrantedRole[];
  personId: string | null;
  oidcSubject: string | null;
  totpSecret: string | null;
  totpEnabled: boolean;
  totpLastStep: number | null;
  disabled: boolean;
  createdAt: Date;
  modifiedAt: Date;
}

export interface SessionRow {
  id: string;
  tenant: string;
  userId: string;
  method: 'password' | 'oidc';
  mfaPending: boolean;
  createdAt: Date;
  expiresAt: Date;
}

/** A membership of a user's linked person that holds today. */
export interface ActiveMembership {
  bodyId: string;
  bodyKey: string;
  role: string;
}

export interface ApiKeyRow {
  id: string;
  tenant: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface NewUser {
  tenant: string;
  email: string;
  displayName: string;
  passwordHash: string | null;
  roles: GrantedRole[];
  personId: string | null;
  oidcSubject?: string | null;
}

export interface UserPatch {
  displayName?: string;
  roles?: GrantedRole[];
  personId?: string | null;
  disabled?: boolean;
  passwordHash?: string;
}

function userColumns(alias = ''): string {
  const c = (column: string, as?: string): string => `${alias}"${column}"${as ? ` AS "${as}"` : ''}`;
  return [
    c('id'), c('tenant'), c('email'), c('display_name', 'displayName'), c('password_hash', 'passwordHash'), c('roles'), c('person_id', 'personId'),
    c('oidc_subject', 'oidcSubject'), c('totp_secret', 'totpSecret'), c('totp_enabled', 'totpEnabled'), `${alias}"totp_last_step"::float8 AS "totpLastStep"`,
    c('disabled'), c('created_at', 'createdAt'), c('modified_at', 'modifiedAt'),
  ].join(', ');
}
const USER_COLUMNS = userColumns();
const API_KEY_COLUMNS = `"id", "tenant", "name", "prefix", "scopes", "created_by" AS "createdBy", "created_at" AS "createdAt", "last_used_at" AS "lastUsedAt", "revoked_at" AS "revokedAt"`;

/** Accounts, sessions, the login throttle and API keys of each tenant. */
export class AuthRepository {
  constructor(private readonly dataSource: DataSource) {}

  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  // ── users ──────────────────────────────────────────────────────────────────

  async findUserByEmail(tenant: string, email: string): Promise<UserRow | null> {
    const rows = (await this.dataSource.query(`SELECT ${USER_COLUMNS} FROM "app_user" WHERE "tenant" = $1 AND "email" = $2`, [
      tenant,
      email.toLowerCase(),
    ])) as UserRow[];
    return rows[0] ?? null;
  }

  async findUser(tenant: string, id: string, manager?: EntityManager): Promise<UserRow | null> {
    if (!isUuid(id)) return null;
    const rows = (await (manager ?? this.dataSource.manager).query(
      `SELECT ${USER_COLUMNS} FROM "app_user" WHERE "tenant" = $1 AND "id" = $2${manager ? ' FOR UPDATE' : ''}`,
      [tenant, id],
    )) as UserRow[];
    return rows[0] ?? null;
  }

  async findUserByOidcSubject(tenant: string, subject: string): Promise<UserRow | null> {
    const rows = (await this.dataSource.query(`SELECT ${USER_COLUMNS} FROM "app_user" WHERE "tenant" = $1 AND "oidc_subject" = $2`, [
      tenant,
      subject,
    ])) as UserRow[];
    return rows[0] ?? null;
  }

  /**
   * Users of a tenant ordered by e-mail, after `afterEmail` (cursor), at most `limit`; `role`: only
   * users granted it, `disabled`: only disabled (`true`) or active (`false`) accounts.
   */
  async listUsers(tenant: string, limit: number, afterEmail?: string, filter: { role?: GrantedRole; disabled?: boolean } = {}): Promise<UserRow[]> {
    return (await this.dataSource.query(
      `SELECT ${USER_COLUMNS} FROM "app_user" WHERE "tenant" = $1 AND ($2::text IS NULL OR "email" > $2)
         AND ($4::text IS NULL OR $4 = ANY ("roles")) AND ($5::boolean IS NULL OR "disabled" = $5)
       ORDER BY "email" LIMIT $3`,
      [tenant, afterEmail ?? null, limit, filter.role ?? null, filter.disabled ?? null],
    )) as UserRow[];
  }

  async hasAdministrator(tenant: string): Promise<boolean> {
    const rows = (await this.dataSource.query(`SELECT 1 FROM "app_user" WHERE "tenant" = $1 AND 'admin' = ANY ("roles") LIMIT 1`, [tenant])) as unknown[];
    return rows.length > 0;
  }

  /** Inserts a user; null when the e-mail address (or OIDC subject) is taken in the tenant. */
  async insertUser(manager: EntityManager, user: NewUser): Promise<UserRow | null> {
    const rows = (await manager.query(
      `INSERT INTO "app_user" ("tenant", "email", "display_name", "password_hash", "roles", "person_id", "oidc_subject")
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING ${USER_COLUMNS}`,
      [user.tenant, user.email.toLowerCase(), user.displayName, user.passwordHash, user.roles, user.personId, user.oidcSubject ?? null],
    )) as UserRow[];
    return rows[0] ?? null;
  }

  async updateUser(manager: EntityManager, tenant: string, id: string, patch: UserPatch): Promise<UserRow> {
    const sets: string[] = [];
    const values: unknown[] = [tenant, id];
    const add = (column: string, value: unknown): void => {
      values.push(value);
      sets.push(`"${column}" = $${values.length}`);
    };
    if (patch.displayName !== undefined) add('display_name', patch.displayName);
    if (patch.roles !== undefined) add('roles', patch.roles);
    if (patch.personId !== undefined) add('person_id', patch.personId);
    if (patch.disabled !== undefined) add('disabled', patch.disabled);
    if (patch.passwordHash !== undefined) add('password_hash', patch.passwordHash);
    const rows = (await manager.query(
      `UPDATE "app_user" SET ${[...sets, `"modified_at" = now()`].join(', ')} WHERE "tenant" = $1 AND "id" = $2 RETURNING ${USER_COLUMNS}`,
      values,
    )) as [UserRow[], number];
    return rows[0][0] as UserRow;
  }

  /**
   * Links an account to its subject at the identity provider, only if it has none yet (a
   * concurrent or earlier link to another subject wins). False if nothing was linked.
   */
  async linkOidcSubject(manager: EntityManager, tenant: string, id: string, subject: string): Promise<boolean> {
    const rows = (await manager.query(
      `UPDATE "app_user" SET "oidc_subject" = $3, "modified_at" = now() WHERE "tenant" = $1 AND "id" = $2 AND "oidc_subject" IS NULL
       AND NOT EXISTS (SELECT 1 FROM "app_user" o WHERE o."tenant" = $1 AND o."oidc_subject" = $3) RETURNING "id"`,
      [tenant, id, subject],
    )) as [unknown[], number];
    return rows[0].length === 1;
  }

  /** Stores a TOTP secret waiting for its first code; enabling happens with `enableTotp`. */
  async setPendingTotp(tenant: string, id: string, secret: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE "app_user" SET "totp_secret" = $3, "totp_enabled" = false, "totp_last_step" = NULL, "modified_at" = now() WHERE "tenant" = $1 AND "id" = $2`,
      [tenant, id, secret],
    );
  }

  async enableTotp(manager: EntityManager, tenant: string, id: string, step: number): Promise<void> {
    await manager.query(
      `UPDATE "app_user" SET "totp_enabled" = true, "totp_last_step" = $3, "modified_at" = now() WHERE "tenant" = $1 AND "id" = $2`,
      [tenant, id, step],
    );
  }

  /** Records the time step of an accepted code, so the same code is not accepted twice. False if it was used already. */
  async useTotpStep(tenant: string, id: string, step: number): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `UPDATE "app_user" SET "totp_last_step" = $3 WHERE "tenant" = $1 AND "id" = $2 AND ("totp_last_step" IS NULL OR "totp_last_step" < $3) RETURNING "id"`,
      [tenant, id, step],
    )) as [unknown[], number];
    return rows[0].length === 1;
  }

  /** The person's memberships today, with the key of each body: they make a user secretary or member. */
  async activeMemberships(tenant: string, personId: string): Promise<ActiveMembership[]> {
    return (await this.dataSource.query(
      `SELECT m."body_id" AS "bodyId", b."key" AS "bodyKey", m."role" FROM "membership" m JOIN "body" b ON b."tenant" = m."tenant" AND b."id" = m."body_id"
       WHERE m."tenant" = $1 AND m."person_id" = $2 AND m."start_date" <= current_date AND (m."end_date" IS NULL OR m."end_date" >= current_date)`,
      [tenant, personId],
    )) as ActiveMembership[];
  }

  // ── sessions ───────────────────────────────────────────────────────────────

  async insertSession(session: { tenant: string; userId: string; tokenHash: string; method: 'password' | 'oidc'; mfaPending: boolean; expiresAt: Date }): Promise<SessionRow> {
    const rows = (await this.dataSource.query(
      `INSERT INTO "auth_session" ("tenant", "user_id", "token_hash", "method", "mfa_pending", "expires_at") VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING "id", "tenant", "user_id" AS "userId", "method", "mfa_pending" AS "mfaPending", "created_at" AS "createdAt", "expires_at" AS "expiresAt"`,
      [session.tenant, session.userId, session.tokenHash, session.method, session.mfaPending, session.expiresAt],
    )) as SessionRow[];
    return rows[0] as SessionRow;
  }

  /**
   * A live session by the hash of its token, with its user and the user's linked person's
   * memberships on today's date (one query: the bearer check of every request); null if
   * unknown, expired, revoked or of another tenant.
   */
  async findLiveSession(tenant: string, tokenHash: string): Promise<{ session: SessionRow; user: UserRow; memberships: ActiveMembership[] } | null> {
    const rows = (await this.dataSource.query(
      `SELECT s."id" AS "sessionId", s."method", s."mfa_pending" AS "mfaPending", s."created_at" AS "sessionCreatedAt", s."expires_at" AS "expiresAt",
              ${userColumns('u.')},
              (SELECT COALESCE(json_agg(json_build_object('bodyId', m."body_id", 'bodyKey', b."key", 'role', m."role")), '[]'::json)
               FROM "membership" m JOIN "body" b ON b."tenant" = m."tenant" AND b."id" = m."body_id"
               WHERE m."tenant" = u."tenant" AND m."person_id" = u."person_id" AND m."start_date" <= current_date
                 AND (m."end_date" IS NULL OR m."end_date" >= current_date)) AS "activeMemberships"
       FROM "auth_session" s JOIN "app_user" u ON u."tenant" = s."tenant" AND u."id" = s."user_id"
       WHERE s."tenant" = $1 AND s."token_hash" = $2 AND s."revoked_at" IS NULL AND s."expires_at" > now() AND NOT u."disabled"`,
      [tenant, tokenHash],
    )) as (UserRow & { sessionId: string; method: 'password' | 'oidc'; mfaPending: boolean; sessionCreatedAt: Date; expiresAt: Date; activeMemberships: ActiveMembership[] })[];
    const row = rows[0];
    if (!row) return null;
    const { sessionId, method, mfaPending, sessionCreatedAt, expiresAt, activeMemberships, ...user } = row;
    return { session: { id: sessionId, tenant, userId: user.id, method, mfaPending, createdAt: sessionCreatedAt, expiresAt }, user, memberships: activeMemberships };
  }

  async completeSessionMfa(tenant: string, sessionId: string): Promise<void> {
    await this.dataSource.query(`UPDATE "auth_session" SET "mfa_pending" = false WHERE "tenant" = $1 AND "id" = $2`, [tenant, sessionId]);
  }

  async revokeSession(tenant: string, sessionId: string): Promise<void> {
    await this.dataSource.query(`UPDATE "auth_session" SET "revoked_at" = now() WHERE "tenant" = $1 AND "id" = $2 AND "revoked_at" IS NULL`, [tenant, sessionId]);
  }

  /** Ends every session of a user (password change, disabling, role change). */
  async revokeUserSessions(manager: EntityManager, tenant: string, userId: string, exceptSessionId?: string): Promise<void> {
    await manager.query(
      `UPDATE "auth_session" SET "revoked_at" = now() WHERE "tenant" = $1 AND "user_id" = $2 AND "revoked_at" IS NULL AND ($3::uuid IS NULL OR "id" <> $3)`,
      [tenant, userId, exceptSessionId ?? null],
    );
  }

  // ── login throttle ─────────────────────────────────────────────────────────

  /** Until when sign-in with this address is locked; null if it is not. */
  async lockedUntil(tenant: string, email: string): Promise<Date | null> {
    const rows = (await this.dataSource.query(
      `SELECT "locked_until" AS "lockedUntil" FROM "login_throttle" WHERE "tenant" = $1 AND "email" = $2 AND "locked_until" > now()`,
      [tenant, email.toLowerCase()],
    )) as { lockedUntil: Date }[];
    return rows[0]?.lockedUntil ?? null;
  }

  /**
   * Counts a sign-in attempt BEFORE its password is checked, in one statement, so that parallel
   * attempts cannot all pass a lock that is not set yet. Null while the address is locked (the
   * attempt is refused and not counted). From the `freeAttempts`-th attempt since the last
   * success on, the address is locked for `baseLockMs`, doubling with each further one, at most
   * `maxLockMs` — by the attempt itself, which is still checked: if it succeeds, `clearFailures`
   * lifts the lock; if not, it is the lock of this failure. `lockedUntil` says which lock this
   * attempt set (null if none).
   */
  async registerAttempt(
    tenant: string,
    email: string,
    policy: { freeAttempts: number; baseLockMs: number; maxLockMs: number },
  ): Promise<{ failures: number; lockedUntil: Date | null } | null> {
    const lock = (failures: string) =>
      `CASE WHEN ${failures} >= $3 THEN date_trunc('milliseconds', now() + LEAST($5::float8, $4::float8 * power(2, LEAST(30, ${failures} - $3))) * interval '1 millisecond') END`;
    const rows = (await this.dataSource.query(
      `INSERT INTO "login_throttle" AS t ("tenant", "email", "failures", "last_failure_at", "locked_until") VALUES ($1, $2, 1, now(), ${lock('1')})
       ON CONFLICT ("tenant", "email") DO UPDATE SET "failures" = t."failures" + 1, "last_failure_at" = now(), "locked_until" = ${lock('(t."failures" + 1)')}
       WHERE t."locked_until" IS NULL OR t."locked_until" <= now()
       RETURNING "failures", "locked_until" AS "lockedUntil"`,
      [tenant, email.toLowerCase(), policy.freeAttempts, policy.baseLockMs, policy.maxLockMs],
    )) as { failures: number; lockedUntil: Date | null }[];
    return rows[0] ?? null;
  }

  /**
   * Takes back an attempt that was no failure (right password, second factor still to come), and
   * the lock it set, if any — a lock set by another attempt stays.
   */
  async forgiveAttempt(tenant: string, email: string, ownLock: Date | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE "login_throttle" SET "failures" = GREATEST("failures" - 1, 0),
         "locked_until" = CASE WHEN $3::timestamptz IS NOT NULL AND "locked_until" = $3::timestamptz THEN NULL ELSE "locked_until" END
       WHERE "tenant" = $1 AND "email" = $2`,
      [tenant, email.toLowerCase(), ownLock],
    );
  }

  async clearFailures(tenant: string, email: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM "login_throttle" WHERE "tenant" = $1 AND "email" = $2`, [tenant, email.toLowerCase()]);
  }

  // ── OpenID Connect sign-ins under way ──────────────────────────────────────

  /** Keeps nonce and PKCE verifier of a sign-in until its callback; drops expired ones on the way. */
  async insertOidcLogin(login: { tenant: string; stateHash: string; nonce: string; codeVerifier: string; expiresAt: Date }): Promise<void> {
    await this.dataSource.query(`DELETE FROM "oidc_login" WHERE "expires_at" < now()`);
    await this.dataSource.query(
      `INSERT INTO "oidc_login" ("tenant", "state_hash", "nonce", "code_verifier", "expires_at") VALUES ($1, $2, $3, $4, $5)`,
      [login.tenant, login.stateHash, login.nonce, login.codeVerifier, login.expiresAt],
    );
  }

  /** Takes (deletes) a sign-in under way: each state is good for one callback; null if unknown or expired. */
  async takeOidcLogin(tenant: string, stateHash: string): Promise<{ nonce: string; codeVerifier: string } | null> {
    const rows = (await this.dataSource.query(
      `DELETE FROM "oidc_login" WHERE "tenant" = $1 AND "state_hash" = $2 RETURNING "nonce", "code_verifier" AS "codeVerifier", "expires_at" > now() AS "live"`,
      [tenant, stateHash],
    )) as [{ nonce: string; codeVerifier: string; live: boolean }[], number];
    const row = rows[0][0];
    return row?.live ? { nonce: row.nonce, codeVerifier: row.codeVerifier } : null;
  }

  // ── API keys ───────────────────────────────────────────────────────────────

  async insertApiKey(manager: EntityManager, key: { tenant: string; name: string; keyHash: string; prefix: string; scopes: ApiKeyScope[]; createdBy: string }): Promise<ApiKeyRow> {
    const rows = (await manager.query(
      `INSERT INTO "api_key" ("tenant", "name", "key_hash", "prefix", "scopes", "created_by") VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${API_KEY_COLUMNS}`,
      [key.tenant, key.name, key.keyHash, key.prefix, key.scopes, key.createdBy],
    )) as ApiKeyRow[];
    return rows[0] as ApiKeyRow;
  }

  /**
   * One page of the tenant's API keys, oldest first (by creation, then id), after `after` (the
   * `sortKey` and id of the previous page's last row).
   */
  async listApiKeys(
    tenant: string,
    options: { revoked?: boolean; scope?: ApiKeyScope; after?: { sortKey: string; id: string }; limit: number },
  ): Promise<(ApiKeyRow & { sortKey: string })[]> {
    return (await this.dataSource.query(
      `SELECT ${API_KEY_COLUMNS}, "created_at"::text AS "sortKey" FROM "api_key"
       WHERE "tenant" = $1
         AND ($2::boolean IS NULL OR ("revoked_at" IS NOT NULL) = $2)
         AND ($3::text IS NULL OR $3 = ANY ("scopes"))
         AND ($4::timestamptz IS NULL OR ("created_at", "id") > ($4::timestamptz, $5::uuid))
       ORDER BY "created_at", "id" LIMIT $6`,
      [tenant, options.revoked ?? null, options.scope ?? null, options.after?.sortKey ?? null, options.after?.id ?? null, options.limit],
    )) as (ApiKeyRow & { sortKey: string })[];
  }

  async findApiKey(tenant: string, id: string): Promise<ApiKeyRow | null> {
    if (!isUuid(id)) return null;
    const rows = (await this.dataSource.query(`SELECT ${API_KEY_COLUMNS} FROM "api_key" WHERE "tenant" = $1 AND "id" = $2`, [tenant, id])) as ApiKeyRow[];
    return rows[0] ?? null;
  }

  /** A usable key by the hash of its secret; marks it used. */
  async useApiKey(tenant: string, keyHash: string): Promise<ApiKeyRow | null> {
    const rows = (await this.dataSource.query(
      `UPDATE "api_key" SET "last_used_at" = now() WHERE "tenant" = $1 AND "key_hash" = $2 AND "revoked_at" IS NULL RETURNING ${API_KEY_COLUMNS}`,
      [tenant, keyHash],
    )) as [ApiKeyRow[], number];
    return rows[0][0] ?? null;
  }

  async revokeApiKey(manager: EntityManager, tenant: string, id: string): Promise<boolean> {
    const rows = (await manager.query(`UPDATE "api_key" SET "revoked_at" = now() WHERE "tenant" = $1 AND "id" = $2 AND "revoked_at" IS NULL RETURNING "id"`, [
      tenant,
      id,
    ])) as [unknown[], number];
    return rows[0].length === 1;
  }
}
