import { Inject, Injectable, Logger } from '@nestjs/common';
import { constantTimeEqual, tokenHash } from '@ratsweg/auth';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import { AuthRepository, type UserRow } from '@ratsweg/persistence';
import * as oidc from 'openid-client';
import { ProblemException, text } from '../problem-details/problem.exception.js';
import { AuthService, type IssuedSession } from './auth.service.js';
import { SecurityAuditService } from './security-audit.service.js';

/** How long a sign-in at the identity provider may take, from our redirect to its callback. */
export const OIDC_LOGIN_TTL_SECONDS = 10 * 60;
const SCOPE = 'openid email profile';

interface Identity {
  subject: string;
  /** Only a verified address (claim `email_verified: true`) is ever used to find an account. */
  verifiedEmail: string | null;
}

type Refusal = 'oidc-login-failed' | 'oidc-account-unknown';

/**
 * Sign-in through the municipality's own identity provider (OpenID Connect, authorization code
 * flow with PKCE S256, state and nonce). Accounts are never created here: the provider's user is
 * matched to an existing account by the stored subject, else once by the verified e-mail address
 * (then the subject is stored). The provider is discovered on first use, so the API starts while
 * it is down; a failed discovery is tried again on the next sign-in.
 */
@Injectable()
export class OidcService {
  private readonly logger = new Logger('Oidc');
  private discovered?: Promise<oidc.Configuration>;

  constructor(
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
    @Inject(AuthRepository) private readonly repository: AuthRepository,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(SecurityAuditService) private readonly securityAudit: SecurityAuditService,
  ) {}

  /** Whether OpenID Connect is configured (the configuration check makes it all four settings or none). */
  get enabled(): boolean {
    return Boolean(this.config.OIDC_ISSUER && this.config.OIDC_CLIENT_ID && this.config.OIDC_CLIENT_SECRET && this.config.OIDC_REDIRECT_URI);
  }

  assertEnabled(): void {
    if (!this.enabled) {
      throw new ProblemException('not-found', text('Die Anmeldung über OpenID Connect ist nicht eingerichtet.', 'Sign-in with OpenID Connect is not set up.'));
    }
  }

  /**
   * Starts a sign-in: the URL of the provider's authorization endpoint and the `state` for the
   * browser's cookie. Nonce and PKCE verifier stay on the server, keyed by the state's hash.
   */
  async start(): Promise<{ url: string; state: string }> {
    this.assertEnabled();
    const configuration = await this.configuration();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const codeChallenge = await oidc.calculatePKCECodeChallenge(codeVerifier);
    await this.repository.insertOidcLogin({
      tenant: this.auth.tenant,
      stateHash: tokenHash(state),
      nonce,
      codeVerifier,
      expiresAt: new Date(Date.now() + OIDC_LOGIN_TTL_SECONDS * 1000),
    });
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.config.OIDC_REDIRECT_URI as string,
      scope: SCOPE,
      state,
      nonce,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
    });
    return { url: url.href, state };
  }

  /**
   * Finishes a sign-in on the provider's callback: the state must match the browser's cookie and
   * a sign-in under way (each is good once); the code is exchanged with the PKCE verifier, and
   * the ID token's signature, issuer, audience, expiry and nonce are checked by openid-client.
   */
  async finish(params: URLSearchParams, cookieState: string | undefined, ip: string): Promise<IssuedSession> {
    this.assertEnabled();
    const audit = (action: string, subjectId: string, details: Record<string, unknown>, user?: UserRow) =>
      this.securityAudit.record({
        action,
        actor: user ? `user:${user.id}` : 'anonymous',
        subjectType: 'login',
        subjectId,
        details: { ip, method: 'oidc', ...details },
      });
    const refuse = async (code: Refusal, reason: string, subjectId = 'oidc', details: Record<string, unknown> = {}, user?: UserRow): Promise<never> => {
      await audit('login.failed', subjectId, { reason, ...details }, user);
      throw code === 'oidc-account-unknown'
        ? new ProblemException(
            code,
            text(
              'Ihr Konto beim Identitätsanbieter ist keinem Ratsweg-Konto zugeordnet. Bitte wenden Sie sich an die Verwaltung.',
              'Your account at the identity provider belongs to no Ratsweg account. Please contact your administration.',
            ),
          )
        : new ProblemException(code, text('Bitte die Anmeldung erneut beginnen.', 'Please start the sign-in again.'));
    };

    const state = params.get('state');
    // The state must come back to the browser that started the sign-in (login CSRF).
    if (!state || !cookieState || !constantTimeEqual(state, cookieState)) return refuse('oidc-login-failed', 'state-mismatch');
    const login = await this.repository.takeOidcLogin(this.auth.tenant, tokenHash(state));
    if (!login) return refuse('oidc-login-failed', 'state-unknown-or-expired');

    const configuration = await this.configuration();
    const callbackUrl = new URL(this.config.OIDC_REDIRECT_URI as string);
    for (const [name, value] of params) callbackUrl.searchParams.append(name, value);
    let identity: Identity;
    try {
      const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: login.codeVerifier,
        expectedNonce: login.nonce,
        expectedState: state,
        idTokenExpected: true,
      });
      identity = await this.identity(configuration, tokens);
    } catch (error) {
      if (error instanceof ProblemException) throw error;
      if (unreachable(error)) {
        await audit('login.failed', 'oidc', { reason: 'provider-unreachable' });
        throw providerUnavailable(error, this.logger);
      }
      const reason =
        error instanceof oidc.AuthorizationResponseError ? 'provider-refused' : error instanceof oidc.ResponseBodyError ? 'code-exchange-refused' : 'response-invalid';
      const providerError = error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ResponseBodyError ? error.error : undefined;
      this.logger.warn(`OpenID Connect sign-in failed (${reason}): ${error instanceof Error ? error.message : String(error)}`);
      return refuse('oidc-login-failed', reason, 'oidc', providerError ? { providerError } : {});
    }

    const subjectId = identity.verifiedEmail ?? `oidc:${identity.subject}`;
    const details = { oidcSubject: identity.subject };
    let user = await this.repository.findUserByOidcSubject(this.auth.tenant, identity.subject);
    let linked = false;
    if (!user && identity.verifiedEmail) {
      const byEmail = await this.repository.findUserByEmail(this.auth.tenant, identity.verifiedEmail);
      if (byEmail?.oidcSubject) {
        // The account belongs to another subject at the provider: a new provider account with the same address does not take it over.
        return refuse('oidc-account-unknown', 'account-linked-to-other-subject', subjectId, details, byEmail);
      }
      if (byEmail && !byEmail.disabled) {
        linked = await this.repository.transaction(async (manager) => {
          const done = await this.repository.linkOidcSubject(manager, this.auth.tenant, byEmail.id, identity.subject);
          if (done) {
            await this.securityAudit.recordIn(manager, {
              action: 'user.oidc-linked',
              actor: `user:${byEmail.id}`,
              subjectType: 'user',
              subjectId: byEmail.id,
              details: { ...details, ip },
            });
          }
          return done;
        });
        if (!linked) return refuse('oidc-account-unknown', 'account-linked-to-other-subject', subjectId, details, byEmail);
        user = { ...byEmail, oidcSubject: identity.subject };
      } else {
        user = byEmail;
      }
    }
    if (!user) return refuse('oidc-account-unknown', identity.verifiedEmail ? 'unknown-account' : 'unknown-subject-without-verified-email', subjectId, details);
    if (user.disabled) return refuse('oidc-account-unknown', 'disabled', subjectId, details, user);

    // The provider is responsible for strong authentication of its users (its own second factor,
    // smart cards, ...): Ratsweg does not ask for its TOTP on top, so the session is not MFA-pending.
    const issued = await this.auth.issueSession(user, 'oidc', false);
    await audit('login.succeeded', user.email, { ...details, sessionId: issued.session.id, mfaPending: false, ...(linked ? { linkedByEmail: true } : {}) }, user);
    return issued;
  }

  /** Subject from the validated ID token; the e-mail address from it or, if absent there, from the UserInfo endpoint (same subject). */
  private async identity(configuration: oidc.Configuration, tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): Promise<Identity> {
    const claims = tokens.claims();
    if (!claims) throw new oidc.ClientError('the token response has no ID token');
    let email: unknown = claims.email;
    let verified: unknown = claims.email_verified;
    if (email === undefined && tokens.access_token) {
      const info = await oidc.fetchUserInfo(configuration, tokens.access_token, claims.sub);
      email = info.email;
      verified = info.email_verified;
    }
    return { subject: claims.sub, verifiedEmail: typeof email === 'string' && verified === true ? email.trim().toLowerCase() : null };
  }

  private configuration(): Promise<oidc.Configuration> {
    this.discovered ??= oidc
      .discovery(
        new URL(this.config.OIDC_ISSUER as string),
        this.config.OIDC_CLIENT_ID as string,
        this.config.OIDC_CLIENT_SECRET as string,
        // The default of OpenID Connect (and what every provider supports).
        oidc.ClientSecretBasic(this.config.OIDC_CLIENT_SECRET as string),
        { timeout: 10 },
      )
      .catch((error: unknown) => {
        // Not cached: the next sign-in tries again.
        this.discovered = undefined;
        throw providerUnavailable(error, this.logger);
      });
    return this.discovered;
  }
}

/** Network failures and time-outs talking to the provider (not answers it gave). */
function unreachable(error: unknown): boolean {
  if (error instanceof oidc.ClientError) return error.code === 'OAUTH_TIMEOUT' || error.code === 'OAUTH_ABORT' || error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM';
  return error instanceof TypeError && !(error as { code?: unknown }).code;
}

function providerUnavailable(error: unknown, logger: Logger): ProblemException {
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  logger.error(`identity provider not reachable: ${error instanceof Error ? error.message : String(error)}${cause}`);
  return new ProblemException(
    'identity-provider-unavailable',
    text('Bitte später erneut versuchen oder mit Passwort anmelden.', 'Please try again later or sign in with a password.'),
  );
}
