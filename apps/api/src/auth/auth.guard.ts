import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../problem-details/database-unavailable.util.js';
import { ProblemException, text } from '../problem-details/problem.exception.js';
import { accessRule, type Audience } from './access-policy.js';
import { AuthService, SESSION_COOKIE } from './auth.service.js';
import type { AuthenticatedRequest, Principal } from './principal.js';
import { SecurityAuditService } from './security-audit.service.js';

/** While a second factor must still be set up, only these routes are open to the session. */
const MFA_ENROLMENT_ROUTES = new Set(['GET /api/v1/me', 'POST /api/v1/me/mfa/totp', 'POST /api/v1/me/mfa/totp/confirm', 'POST /api/v1/auth/logout']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const STAFF_ROLES = ['admin', 'secretary', 'member', 'auditor'] as const;

type Request = FastifyRequest & AuthenticatedRequest & { cookies?: Record<string, string | undefined> };

/**
 * Every route passes here first: the caller is identified, the access table consulted, and
 * every refusal written to the security audit chain — before a body is even validated.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(SecurityAuditService) private readonly securityAudit: SecurityAuditService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const route = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const routeKey = `${method} ${route}`;
    const rule = accessRule(method, route);
    const { token, viaCookie } = credentials(request);

    if (rule?.includes('public')) {
      // Public routes ignore stale credentials instead of refusing the visitor.
      request.principal = (await this.auth.resolve(token).catch(() => null)) ?? undefined;
      return true;
    }
    let principal: Principal | null;
    try {
      principal = await this.auth.resolve(token);
    } catch (error) {
      // The database being down is no refusal of the caller (and the refusal could not be recorded anyway): 503.
      if (!isDatabaseUnavailable(error)) await this.refuse(request, routeKey, null, 'invalid-credentials');
      throw error;
    }
    if (!principal) {
      await this.refuse(request, routeKey, null, 'unauthenticated');
      throw new ProblemException('unauthorized', text('Bitte anmelden.', 'Please sign in.'), undefined, { 'www-authenticate': 'Bearer realm="ratsweg"' });
    }
    if (!rule) {
      await this.refuse(request, routeKey, principal, 'route-not-in-access-policy');
      throw new ProblemException('forbidden');
    }
    if (principal.mfaPending && !MFA_ENROLMENT_ROUTES.has(routeKey)) {
      await this.refuse(request, routeKey, principal, 'mfa-enrolment-pending');
      throw new ProblemException(
        'mfa-enrollment-required',
        text('Für Ihre Rolle ist ein zweiter Faktor Pflicht: POST /api/v1/me/mfa/totp.', 'Your role requires a second factor: POST /api/v1/me/mfa/totp.'),
      );
    }
    if (!permits(rule, principal, request.params as Record<string, string> | undefined)) {
      await this.refuse(request, routeKey, principal, 'role');
      throw new ProblemException('forbidden', text('Ihre Rolle erlaubt diese Aktion nicht.', 'Your role does not allow this action.'));
    }
    if (viaCookie && !SAFE_METHODS.has(request.method) && !sameOrigin(request)) {
      // A browser session may change things only from pages of this origin (besides SameSite=Strict).
      await this.refuse(request, routeKey, principal, 'cross-origin');
      throw new ProblemException('forbidden', text('Anfragen von fremden Seiten sind nicht erlaubt.', 'Requests from other sites are not allowed.'));
    }
    request.principal = principal;
    return true;
  }

  private async refuse(request: Request, route: string, principal: Principal | null, reason: string): Promise<void> {
    await this.securityAudit.record({
      action: 'access.refused',
      actor: principal?.actor ?? 'anonymous',
      subjectType: 'route',
      subjectId: route,
      details: { reason, ip: request.ip, path: request.url.split('?')[0] },
    });
  }
}

export function permits(rule: readonly Audience[], principal: Principal, params: Record<string, string> = {}): boolean {
  return rule.some((audience) => {
    switch (audience) {
      case 'public':
        return true;
      case 'authenticated':
        return principal.kind === 'user';
      case 'staff':
        return STAFF_ROLES.some((role) => principal.roles.has(role));
      case 'self':
        return principal.kind === 'user' && principal.personId !== null && principal.personId === params.id;
      default:
        return principal.roles.has(audience);
    }
  });
}

/** The bearer token, else the session cookie. */
export function credentials(request: Request): { token?: string; viaCookie: boolean } {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    // A malformed Authorization header is a wrong credential, not an absent one.
    return { token: match?.[1] ?? 'malformed', viaCookie: false };
  }
  const cookie = request.cookies?.[SESSION_COOKIE];
  return cookie ? { token: cookie, viaCookie: true } : { viaCookie: false };
}

function sameOrigin(request: Request): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
