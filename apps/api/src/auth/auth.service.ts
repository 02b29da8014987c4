import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  API_KEY_PREFIX,
  SESSION_TOKEN_PREFIX,
  hashPassword,
  newToken,
  newTotpSecret,
  passwordProblem,
  PASSWORD_PROBLEM_TEXT,
  tokenHash,
  verifyPassword,
  verifyTotp,
} from '@ratsweg/auth';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import { AuthRepository, type ActiveMembership, type SessionRow, type UserRow } from '@ratsweg/persistence';
import { ProblemException, text } from '../problem-details/problem.exception.js';
import type { Principal, Role } from './principal.js';
import { SecurityAuditService } from './security-audit.service.js';

export const SESSION_COOKIE = 'ratsweg_session';

export interface LoginAttempt {
  email: string;
  password: string;
  otp?: string;
  ip: string;
}

export interface IssuedSession {
  token: string;
  session: SessionRow;
  user: UserRow;
}

/** Sign-in, sessions, second factor and the principal of each request. */
@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
    @Inject(AuthRepository) private readonly auth: AuthRepository,
    @Inject(SecurityAuditService) private readonly securityAudit: SecurityAuditService,
  ) {}

  get tenant(): string {
    return this.config.RATSWEG_TENANT;
  }

  /** The first administrator, from RATSWEG_ADMIN_EMAIL/PASSWORD, when the tenant has none. */
  async onApplicationBootstrap(): Promise<void> {
    const email = this.config.RATSWEG_ADMIN_EMAIL;
    const password = this.config.RATSWEG_ADMIN_PASSWORD;
    if (!email || !password) {
      if (!(await this.auth.hasAdministrator(this.tenant))) {
        this.logger.warn('No administrator exists; set RATSWEG_ADMIN_EMAIL and RATSWEG_ADMIN_PASSWORD to create the first one');
      }
      return;
    }
    if (await this.auth.hasAdministrator(this.tenant)) return;
    const problem = passwordProblem(password, email);
    if (problem) throw new Error(`RATSWEG_ADMIN_PASSWORD is not acceptable: ${PASSWORD_PROBLEM_TEXT[problem].en}`);
    const passwordHash = await hashPassword(password);
    const created = await this.auth.transaction(async (manager) => {
      const user = await this.auth.insertUser(manager, { tenant: this.tenant, email, displayName: 'Administrator', passwordHash, roles: ['admin'], personId: null });
      if (user) {
        await this.securityAudit.recordIn(manager, {
          action: 'user.created',
          actor: 'system:bootstrap',
          subjectType: 'user',
          subjectId: user.id,
          after: { email: user.email, roles: user.roles },
        });
      }
      return user;
    });
    if (created) this.logger.log(`First administrator ${created.email} created`);
  }

  // ── requests ───────────────────────────────────────────────────────────────

  /**
   * The principal behind a bearer token or session cookie; null without credentials. Unknown,
   * expired or revoked credentials — and those of another tenant — are refused with 401.
   */
  async resolve(token: string | undefined): Promise<Principal | null> {
    if (!token) return null;
    if (token.startsWith(API_KEY_PREFIX)) {
      const key = await this.auth.useApiKey(this.tenant, tokenHash(token));
      if (!key) throw unauthorized();
      const roles = new Set<Role>();
      if (key.scopes.includes('events')) roles.add('integration');
      if (key.scopes.includes('metrics')) roles.add('monitoring');
      return { kind: 'api-key', id: key.id, tenant: this.tenant, actor: `api-key:${key.id}`, roles, personId: null, secretaryOf: new Set(), mfaPending: false };
    }
    if (!token.startsWith(SESSION_TOKEN_PREFIX)) throw unauthorized();
    const live = await this.auth.findLiveSession(this.tenant, tokenHash(token));
    if (!live) throw unauthorized();
    return this.principalFor(live.user, live.session, live.memberships);
  }

  /** `memberships`: those of the user's person today, when already read with the session (else read now). */
  async principalFor(user: UserRow, session?: SessionRow, memberships?: ActiveMembership[]): Promise<Principal> {
    const roles = new Set<Role>(user.roles);
    const secretaryOf = new Set<string>();
    if (user.personId) {
      for (const membership of memberships ?? (await this.auth.activeMemberships(this.tenant, user.personId))) {
        if (membership.role === 'secretary') {
          secretaryOf.add(membership.bodyKey);
          roles.add('secretary');
        } else {
          roles.add('member');
        }
      }
    }
    return {
      kind: 'user',
      id: user.id,
      tenant: this.tenant,
      actor: `user:${user.id}`,
      roles,
      personId: user.personId,
      secretaryOf,
      // Evaluated on every request, not only at sign-in: a member promoted to administrator (or
      // made secretary in the directory) must set up the second factor before acting in that role.
      mfaPending: session !== undefined && (session.mfaPending || (session.method === 'password' && !user.totpEnabled && this.mfaRequiredForRoles(roles))),
      email: user.email,
      displayName: user.displayName,
      ...(session ? { sessionId: session.id } : {}),
    };
  }

  // ── sign-in ────────────────────────────────────────────────────────────────

  async login(attempt: LoginAttempt): Promise<IssuedSession> {
    const email = attempt.email.toLowerCase();
    const audit = (action: string, details: Record<string, unknown>, user?: UserRow) =>
      this.securityAudit.record({
        action,
        actor: user ? `user:${user.id}` : 'anonymous',
        subjectType: 'login',
        subjectId: email,
        details: { ip: attempt.ip, method: 'password', ...details },
      });
    // Counted before the password is checked: parallel guesses cannot outrun the lock.
    const counted = await this.auth.registerAttempt(this.tenant, email, this.lockoutPolicy());
    if (!counted) {
      await audit('login.refused', { reason: 'locked' });
      throw locked((await this.auth.lockedUntil(this.tenant, email)) ?? new Date(Date.now() + 1000));
    }
    const user = await this.auth.findUserByEmail(this.tenant, email);
    const passwordOk = await verifyPassword(user?.passwordHash ?? null, attempt.password);
    if (!user || !passwordOk || user.disabled) {
      const until = counted.lockedUntil;
      await audit('login.failed', { reason: !user ? 'unknown-account' : user.disabled ? 'disabled' : 'wrong-password', ...(until ? { lockedUntil: until.toISOString() } : {}) }, user ?? undefined);
      if (until) throw locked(until);
      throw new ProblemException('invalid-credentials');
    }
    if (user.totpEnabled && user.totpSecret) {
      if (!attempt.otp) {
        // The first step of a sign-in with a second factor: no failure.
        await this.auth.forgiveAttempt(this.tenant, email, counted.lockedUntil);
        await audit('login.refused', { reason: 'second-factor-missing' }, user);
        throw new ProblemException('mfa-required', text('Bitte den sechsstelligen Code aus der Authenticator-App angeben (Feld „otp“).', 'Please send the six-digit code from the authenticator app (field "otp").'));
      }
      const step = verifyTotp(user.totpSecret, attempt.otp);
      if (step === null || !(await this.auth.useTotpStep(this.tenant, user.id, step))) {
        await audit('login.failed', { reason: 'wrong-second-factor' }, user);
        if (counted.lockedUntil) throw locked(counted.lockedUntil);
        throw new ProblemException('mfa-required');
      }
    }
    await this.auth.clearFailures(this.tenant, email);
    const principal = await this.principalFor(user);
    const mfaPending = this.mfaRequiredFor(principal) && !user.totpEnabled;
    const issued = await this.issueSession(user, 'password', mfaPending);
    await audit('login.succeeded', { sessionId: issued.session.id, mfaPending }, user);
    return issued;
  }

  /** Administrators and secretaries need a second factor when RATSWEG_REQUIRE_MFA is on. */
  mfaRequiredFor(principal: Principal): boolean {
    return this.mfaRequiredForRoles(principal.roles);
  }

  private mfaRequiredForRoles(roles: ReadonlySet<Role>): boolean {
    return this.config.RATSWEG_REQUIRE_MFA && (roles.has('admin') || roles.has('secretary'));
  }

  async issueSession(user: UserRow, method: 'password' | 'oidc', mfaPending: boolean): Promise<IssuedSession> {
    const token = newToken(SESSION_TOKEN_PREFIX);
    const session = await this.auth.insertSession({
      tenant: this.tenant,
      userId: user.id,
      tokenHash: tokenHash(token),
      method,
      mfaPending,
      expiresAt: new Date(Date.now() + this.config.AUTH_SESSION_TTL_MINUTES * 60_000),
    });
    return { token, session, user };
  }

  async logout(principal: Principal): Promise<void> {
    if (!principal.sessionId) return;
    await this.auth.revokeSession(this.tenant, principal.sessionId);
    await this.securityAudit.record({ action: 'logout', actor: principal.actor, subjectType: 'session', subjectId: principal.sessionId });
  }

  // ── second factor ──────────────────────────────────────────────────────────

  /** A new TOTP secret for the user, active once confirmed with a code; replaces an earlier one. */
  async startTotp(principal: Principal): Promise<{ secret: string; otpauthUri: string }> {
    const user = await this.requireUser(principal);
    if (user.totpEnabled) {
      throw new ProblemException('conflict', text('Ein zweiter Faktor ist bereits eingerichtet.', 'A second factor is already set up.'));
    }
    const { secret, uri } = newTotpSecret(user.email);
    await this.auth.setPendingTotp(this.tenant, user.id, secret);
    await this.securityAudit.record({ action: 'mfa.enrolment-started', actor: principal.actor, subjectType: 'user', subjectId: user.id });
    return { secret, otpauthUri: uri };
  }

  async confirmTotp(principal: Principal, code: string): Promise<void> {
    const user = await this.requireUser(principal);
    if (user.totpEnabled) throw new ProblemException('conflict', text('Ein zweiter Faktor ist bereits eingerichtet.', 'A second factor is already set up.'));
    if (!user.totpSecret) {
      throw new ProblemException('conflict', text('Bitte zuerst POST /api/v1/me/mfa/totp aufrufen.', 'Please call POST /api/v1/me/mfa/totp first.'));
    }
    const step = verifyTotp(user.totpSecret, code);
    if (step === null) {
      throw new ProblemException('validation-failed', undefined, [{ field: 'otp', message: 'code is wrong or expired' }]);
    }
    await this.auth.transaction(async (manager) => {
      await this.auth.enableTotp(manager, this.tenant, user.id, step);
      await this.securityAudit.recordIn(manager, { action: 'mfa.enabled', actor: principal.actor, subjectType: 'user', subjectId: user.id });
    });
    if (principal.sessionId) await this.auth.completeSessionMfa(this.tenant, principal.sessionId);
  }

  async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.requireUser(principal);
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      await this.securityAudit.record({ action: 'password.change-refused', actor: principal.actor, subjectType: 'user', subjectId: user.id });
      throw new ProblemException('validation-failed', undefined, [{ field: 'currentPassword', message: 'is wrong' }]);
    }
    assertPasswordAcceptable(newPassword, user.email, 'newPassword');
    const passwordHash = await hashPassword(newPassword);
    await this.auth.transaction(async (manager) => {
      await this.auth.updateUser(manager, this.tenant, user.id, { passwordHash });
      // Other sign-ins end: whoever knew the old password is out.
      await this.auth.revokeUserSessions(manager, this.tenant, user.id, principal.sessionId);
      await this.securityAudit.recordIn(manager, { action: 'password.changed', actor: principal.actor, subjectType: 'user', subjectId: user.id });
    });
  }

  async hasTotp(principal: Principal): Promise<boolean> {
    if (principal.kind !== 'user') return false;
    return (await this.auth.findUser(this.tenant, principal.id))?.totpEnabled ?? false;
  }

  private async requireUser(principal: Principal): Promise<UserRow> {
    const user = principal.kind === 'user' ? await this.auth.findUser(this.tenant, principal.id) : null;
    if (!user) throw new ProblemException('forbidden');
    return user;
  }

  private lockoutPolicy(): { freeAttempts: number; baseLockMs: number; maxLockMs: number } {
    return {
      freeAttempts: this.config.AUTH_LOCKOUT_FREE_ATTEMPTS,
      baseLockMs: this.config.AUTH_LOCKOUT_BASE_SECONDS * 1000,
      maxLockMs: this.config.AUTH_LOCKOUT_MAX_SECONDS * 1000,
    };
  }
}

/** Refuses a password that breaks the policy, naming the field. */
export function assertPasswordAcceptable(password: string, email: string, field = 'password'): void {
  const problem = passwordProblem(password, email);
  if (problem) {
    throw new ProblemException('validation-failed', undefined, (locale) => [{ field, message: PASSWORD_PROBLEM_TEXT[problem][locale] }]);
  }
}

function unauthorized(): ProblemException {
  return new ProblemException(
    'unauthorized',
    text('Die Anmeldung ist ungültig oder abgelaufen.', 'The credentials are invalid or have expired.'),
    undefined,
    { 'www-authenticate': 'Bearer realm="ratsweg", error="invalid_token"' },
  );
}

function locked(until: Date): ProblemException {
  const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
  return new ProblemException(
    'account-locked',
    text(`Anmeldung für ${seconds} Sekunden gesperrt.`, `Sign-in locked for ${seconds} seconds.`),
    undefined,
    { 'retry-after': String(seconds) },
  );
}
