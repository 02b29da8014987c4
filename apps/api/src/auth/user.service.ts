import { Inject, Injectable } from '@nestjs/common';
import { API_KEY_PREFIX, hashPassword, newToken, tokenHash } from '@ratsweg/auth';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import type { CreateApiKeyRequest, CreateUserRequest, ListApiKeysQuery, ListUsersQuery, UpdateUserRequest } from '@ratsweg/contracts';
import { AuthRepository, DirectoryRepository, type UserRow } from '@ratsweg/persistence';
import type { EntityManager } from 'typeorm';
import { decodeCursor, decodeKeysetCursor, encodeCursor, encodeKeysetCursor, invalidCursor, pageOf } from '../directory/directory-cursor.util.js';
import { ProblemException, text } from '../problem-details/problem.exception.js';
import { assertPasswordAcceptable } from './auth.service.js';
import type { Principal } from './principal.js';
import { SecurityAuditService } from './security-audit.service.js';
import { presentApiKey, presentUser, type ApiKeyResponse, type UserResponse } from './user.presenter.js';

/** Accounts and API keys, managed by administrators; every change in the security audit chain. */
@Injectable()
export class UserService {
  constructor(
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
    @Inject(AuthRepository) private readonly auth: AuthRepository,
    @Inject(DirectoryRepository) private readonly directory: DirectoryRepository,
    @Inject(SecurityAuditService) private readonly securityAudit: SecurityAuditService,
  ) {}

  private get tenant(): string {
    return this.config.RATSWEG_TENANT;
  }

  async list(query: ListUsersQuery): Promise<{ data: UserResponse[]; next?: string }> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (after && after.length !== 1) throw invalidCursor();
    const rows = await this.auth.listUsers(this.tenant, query.limit + 1, after?.[0], {
      ...(query.role !== undefined ? { role: query.role } : {}),
      ...(query.disabled !== undefined ? { disabled: query.disabled } : {}),
    });
    return pageOf(rows, query.limit, presentUser, (row) => encodeCursor([row.email]));
  }

  async get(id: string): Promise<UserResponse> {
    return presentUser(await this.require(id));
  }

  async create(request: CreateUserRequest, principal: Principal): Promise<UserResponse> {
    if (request.password !== undefined) assertPasswordAcceptable(request.password, request.email);
    const passwordHash = request.password === undefined ? null : await hashPassword(request.password);
    return this.auth.transaction(async (manager) => {
      if (request.personId) await this.assertPersonFree(manager, request.personId);
      const user = await this.auth.insertUser(manager, {
        tenant: this.tenant,
        email: request.email,
        displayName: request.displayName,
        passwordHash,
        roles: [...new Set(request.roles)],
        personId: request.personId ?? null,
      });
      if (!user) {
        throw new ProblemException('conflict', text('Diese E-Mail-Adresse hat schon ein Konto.', 'This e-mail address already has an account.'), [
          { field: 'email', message: 'taken' },
        ]);
      }
      await this.securityAudit.recordIn(manager, {
        action: 'user.created',
        actor: principal.actor,
        subjectType: 'user',
        subjectId: user.id,
        after: auditView(user),
      });
      return presentUser(user);
    });
  }

  async update(id: string, patch: UpdateUserRequest, principal: Principal): Promise<UserResponse> {
    return this.auth.transaction(async (manager) => {
      const before = await this.auth.findUser(this.tenant, id, manager);
      if (!before) throw notFound();
      if (patch.personId && patch.personId !== before.personId) await this.assertPersonFree(manager, patch.personId);
      const losesAdmin = before.roles.includes('admin') && ((patch.roles && !patch.roles.includes('admin')) || patch.disabled === true);
      if (losesAdmin && (await this.otherActiveAdministrators(manager, before.id)) === 0) {
        throw new ProblemException('conflict', text('Der letzte Administrator kann nicht entfernt werden.', 'The last administrator cannot be removed.'));
      }
      const after = await this.auth.updateUser(manager, this.tenant, id, {
        ...(patch.displayName !== undefined ? { displayName: patch.displayName } : {}),
        ...(patch.roles !== undefined ? { roles: [...new Set(patch.roles)] } : {}),
        ...(patch.personId !== undefined ? { personId: patch.personId } : {}),
        ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
      });
      if (patch.disabled === true) await this.auth.revokeUserSessions(manager, this.tenant, id);
      await this.securityAudit.recordIn(manager, {
        action: 'user.updated',
        actor: principal.actor,
        subjectType: 'user',
        subjectId: id,
        before: auditView(before),
        after: auditView(after),
      });
      return presentUser(after);
    });
  }

  // ── API keys ───────────────────────────────────────────────────────────────

  /** One page of the API keys, oldest first. */
  async listKeys(query: ListApiKeysQuery): Promise<{ data: ApiKeyResponse[]; next?: string }> {
    const [sortKey, id] = query.cursor === undefined ? [] : decodeKeysetCursor(query.cursor, 'api-keys', ['timestamp', 'uuid']);
    const rows = await this.auth.listApiKeys(this.tenant, {
      ...(query.revoked !== undefined ? { revoked: query.revoked } : {}),
      ...(query.scope !== undefined ? { scope: query.scope } : {}),
      ...(sortKey && id ? { after: { sortKey, id } } : {}),
      limit: query.limit + 1,
    });
    return pageOf(rows, query.limit, presentApiKey, (row) => encodeKeysetCursor('api-keys', [row.sortKey, row.id]));
  }

  /** The key itself is returned this once; only its hash is stored. */
  async createKey(request: CreateApiKeyRequest, principal: Principal): Promise<ApiKeyResponse & { key: string }> {
    const key = newToken(API_KEY_PREFIX);
    return this.auth.transaction(async (manager) => {
      const row = await this.auth.insertApiKey(manager, {
        tenant: this.tenant,
        name: request.name,
        keyHash: tokenHash(key),
        prefix: key.slice(0, API_KEY_PREFIX.length + 6),
        scopes: [...new Set(request.scopes)],
        createdBy: principal.actor,
      });
      await this.securityAudit.recordIn(manager, {
        action: 'api-key.created',
        actor: principal.actor,
        subjectType: 'api-key',
        subjectId: row.id,
        after: { name: row.name, prefix: row.prefix, scopes: row.scopes },
      });
      return { ...presentApiKey(row), key };
    });
  }

  async revokeKey(id: string, principal: Principal): Promise<void> {
    const existing = await this.auth.findApiKey(this.tenant, id);
    if (!existing) throw new ProblemException('not-found', text('API-Schlüssel nicht gefunden.', 'API key not found.'));
    await this.auth.transaction(async (manager) => {
      if (!(await this.auth.revokeApiKey(manager, this.tenant, id))) return;
      await this.securityAudit.recordIn(manager, { action: 'api-key.revoked', actor: principal.actor, subjectType: 'api-key', subjectId: id });
    });
  }

  // ── helpers ────────────────────────────────────────────────────────────────

  private async require(id: string): Promise<UserRow> {
    const user = await this.auth.findUser(this.tenant, id);
    if (!user) throw notFound();
    return user;
  }

  private async assertPersonFree(manager: EntityManager, personId: string): Promise<void> {
    if (!(await this.directory.findPerson(this.tenant, personId, manager))) {
      throw new ProblemException('validation-failed', text('Diese Person gibt es im Verzeichnis nicht.', 'No such person in the directory.'), [
        { field: 'personId', message: 'unknown person' },
      ]);
    }
    const linked = (await manager.query(`SELECT 1 FROM "app_user" WHERE "tenant" = $1 AND "person_id" = $2`, [this.tenant, personId])) as unknown[];
    if (linked.length > 0) {
      throw new ProblemException('conflict', text('Diese Person hat schon ein Konto.', 'This person already has an account.'), [
        { field: 'personId', message: 'already linked' },
      ]);
    }
  }

  private async otherActiveAdministrators(manager: EntityManager, exceptId: string): Promise<number> {
    const rows = (await manager.query(
      `SELECT count(*)::int AS "count" FROM "app_user" WHERE "tenant" = $1 AND 'admin' = ANY ("roles") AND NOT "disabled" AND "id" <> $2`,
      [this.tenant, exceptId],
    )) as { count: number }[];
    return rows[0]?.count ?? 0;
  }
}

function auditView(user: UserRow): Record<string, unknown> {
  return { email: user.email, displayName: user.displayName, roles: user.roles, personId: user.personId, disabled: user.disabled };
}

function notFound(): ProblemException {
  return new ProblemException('not-found', text('Benutzerkonto nicht gefunden.', 'User account not found.'));
}
