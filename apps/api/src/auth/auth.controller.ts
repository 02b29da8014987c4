import { Body, Controller, Get, HttpCode, Inject, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import {
  changePasswordRequestSchema,
  confirmTotpRequestSchema,
  loginRequestSchema,
  type ChangePasswordRequest,
  type ConfirmTotpRequest,
  type LoginRequest,
} from '@ratsweg/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { jsonSchema } from '../directory/directory-api.util.js';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';
import { ZodBodyPipe } from '../validation/zod-body.pipe.js';
import { AuthService, SESSION_COOKIE, type IssuedSession } from './auth.service.js';
import { CurrentPrincipal } from './principal.decorator.js';
import type { Principal } from './principal.js';
import { presentMe, type MeResponse } from './user.presenter.js';

export interface LoginResponse {
  accessToken: string;
  tokenType: 'Bearer';
  expiresAt: string;
  /** True when the role requires a second factor that is not set up yet: only enrolment is open until then. */
  mfaEnrollmentRequired: boolean;
  user: MeResponse;
}

@ApiTags('auth')
@Controller('api/v1')
export class AuthController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
  ) {}

  @Post('auth/login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with e-mail and password (and `otp` once a second factor is set up); returns a bearer token and sets the session cookie' })
  @ApiBody({ schema: jsonSchema(loginRequestSchema) })
  @ApiResponse({ status: 200, description: '`{ accessToken, tokenType, expiresAt, mfaEnrollmentRequired, user }`' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 401, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 429, ...PROBLEM_RESPONSE })
  async login(
    @Body(new ZodBodyPipe(loginRequestSchema)) body: LoginRequest,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LoginResponse> {
    const issued = await this.auth.login({ email: body.email, password: body.password, ...(body.otp ? { otp: body.otp } : {}), ip: request.ip });
    return respondWithSession(this.auth, issued, reply, this.config.AUTH_COOKIE_SECURE);
  }

  @Post('auth/logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End this session: the token and cookie stop working at once' })
  @ApiResponse({ status: 204, description: 'Signed out' })
  @ApiResponse({ status: 401, ...PROBLEM_RESPONSE })
  async logout(@CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.auth.logout(principal);
    clearSessionCookie(reply, this.config.AUTH_COOKIE_SECURE);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The signed-in user: roles, linked person, bodies served as secretary, second factor' })
  @ApiResponse({ status: 200, description: 'The user' })
  @ApiResponse({ status: 401, ...PROBLEM_RESPONSE })
  async me(@CurrentPrincipal() principal: Principal): Promise<MeResponse> {
    return presentMe(principal, await this.auth.hasTotp(principal));
  }

  @Put('me/password')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change the own password; other sessions end' })
  @ApiBody({ schema: jsonSchema(changePasswordRequestSchema) })
  @ApiResponse({ status: 204, description: 'Changed' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  async changePassword(@CurrentPrincipal() principal: Principal, @Body(new ZodBodyPipe(changePasswordRequestSchema)) body: ChangePasswordRequest): Promise<void> {
    await this.auth.changePassword(principal, body.currentPassword, body.newPassword);
  }

  @Post('me/mfa/totp')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Start setting up a TOTP second factor: returns the secret and an otpauth:// URI for the authenticator app' })
  @ApiResponse({ status: 201, description: '`{ secret, otpauthUri }`' })
  @ApiResponse({ status: 409, ...PROBLEM_RESPONSE })
  async startTotp(@CurrentPrincipal() principal: Principal): Promise<{ secret: string; otpauthUri: string }> {
    return this.auth.startTotp(principal);
  }

  @Post('me/mfa/totp/confirm')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Finish setting up TOTP with a current code; from now on sign-in asks for a code' })
  @ApiBody({ schema: jsonSchema(confirmTotpRequestSchema) })
  @ApiResponse({ status: 204, description: 'Second factor active' })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 409, ...PROBLEM_RESPONSE })
  async confirmTotp(@CurrentPrincipal() principal: Principal, @Body(new ZodBodyPipe(confirmTotpRequestSchema)) body: ConfirmTotpRequest): Promise<void> {
    await this.auth.confirmTotp(principal, body.otp);
  }
}

/** Sets the session cookie and returns the answer of a sign-in; also used by the OpenID Connect callback. */
export async function respondWithSession(auth: AuthService, issued: IssuedSession, reply: FastifyReply, secureCookie: boolean): Promise<LoginResponse> {
  setSessionCookie(reply, issued.token, issued.session.expiresAt, secureCookie);
  const principal = await auth.principalFor(issued.user, issued.session);
  return {
    accessToken: issued.token,
    tokenType: 'Bearer',
    expiresAt: issued.session.expiresAt.toISOString(),
    mfaEnrollmentRequired: issued.session.mfaPending,
    user: presentMe(principal, issued.user.totpEnabled),
  };
}

export function setSessionCookie(reply: FastifyReply, token: string, expires: Date, secure: boolean): void {
  void reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, secure, sameSite: 'strict', path: '/', expires });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  void reply.clearCookie(SESSION_COOKIE, { httpOnly: true, secure, sameSite: 'strict', path: '/' });
}
