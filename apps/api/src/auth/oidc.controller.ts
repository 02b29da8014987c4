import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';
import { respondWithSession, setSessionCookie } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { OIDC_LOGIN_TTL_SECONDS, OidcService } from './oidc.service.js';

/**
 * Holds the `state` of a sign-in under way, from our redirect to the provider's callback.
 * SameSite=Lax (not Strict): the callback is a top-level navigation coming from the provider's
 * site, and a Strict cookie would not be sent with it. Only sent to the OpenID Connect routes.
 */
export const OIDC_STATE_COOKIE = 'ratsweg_oidc_state';
const OIDC_COOKIE_PATH = '/api/v1/auth/oidc';

@ApiTags('auth')
@Controller('api/v1/auth/oidc')
export class OidcController {
  constructor(
    @Inject(OidcService) private readonly oidc: OidcService,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
  ) {}

  @Get('login')
  @ApiOperation({ summary: "Sign in through the municipality's identity provider (OpenID Connect): redirects there" })
  @ApiResponse({ status: 302, description: "To the provider's authorization endpoint (code flow, PKCE S256, state, nonce)" })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE, description: 'OpenID Connect is not set up' })
  @ApiResponse({ status: 502, ...PROBLEM_RESPONSE })
  async login(@Res() reply: FastifyReply): Promise<void> {
    const { url, state } = await this.oidc.start();
    void reply.setCookie(OIDC_STATE_COOKIE, state, {
      httpOnly: true,
      secure: this.config.AUTH_COOKIE_SECURE,
      sameSite: 'lax',
      path: OIDC_COOKIE_PATH,
      maxAge: OIDC_LOGIN_TTL_SECONDS,
    });
    void reply.redirect(url, 302);
  }

  @Get('callback')
  @ApiOperation({
    summary: 'Where the identity provider sends the browser back: signs in an existing account and redirects to the application (or answers like POST /auth/login for `Accept: application/json`)',
  })
  @ApiProduces('application/json')
  @ApiResponse({ status: 200, description: 'With `Accept: application/json`: `{ accessToken, tokenType, expiresAt, mfaEnrollmentRequired, user }`' })
  @ApiResponse({ status: 302, description: 'Signed in (session cookie set); to OIDC_POST_LOGIN_REDIRECT' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE, description: 'State missing, foreign or expired; the provider refused; invalid tokens' })
  @ApiResponse({ status: 403, ...PROBLEM_RESPONSE, description: 'No Ratsweg account for this person (accounts are not created by signing in)' })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE, description: 'OpenID Connect is not set up' })
  async callback(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    this.oidc.assertEnabled();
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    const cookieState = (request.cookies as Record<string, string | undefined> | undefined)?.[OIDC_STATE_COOKIE];
    // The state is good once, whatever happens next.
    void reply.clearCookie(OIDC_STATE_COOKIE, { httpOnly: true, secure: this.config.AUTH_COOKIE_SECURE, sameSite: 'lax', path: OIDC_COOKIE_PATH });
    const issued = await this.oidc.finish(new URLSearchParams(query), cookieState, request.ip);
    if (/\bapplication\/json\b/i.test(request.headers.accept ?? '')) {
      const body = await respondWithSession(this.auth, issued, reply, this.config.AUTH_COOKIE_SECURE);
      void reply.status(200).send(body);
      return;
    }
    setSessionCookie(reply, issued.token, issued.session.expiresAt, this.config.AUTH_COOKIE_SECURE);
    void reply.redirect(this.config.OIDC_POST_LOGIN_REDIRECT, 302);
  }
}

/** What the sign-in page may offer: the password always, the identity provider only when it is configured. */
export interface AuthOptionsResponse {
  password: true;
  oidc: boolean;
}

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthOptionsController {
  constructor(@Inject(OidcService) private readonly oidc: OidcService) {}

  @Get('options')
  @ApiOperation({ summary: 'The ways of signing in this installation offers (no account needed): `{ password: true, oidc }`' })
  @ApiResponse({
    status: 200,
    schema: {
      type: 'object',
      required: ['password', 'oidc'],
      properties: { password: { type: 'boolean', enum: [true] }, oidc: { type: 'boolean', description: 'OpenID Connect is configured (GET /api/v1/auth/oidc/login works)' } },
    },
  })
  options(): AuthOptionsResponse {
    return { password: true, oidc: this.oidc.enabled };
  }
}
