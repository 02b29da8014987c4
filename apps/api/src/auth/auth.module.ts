import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { AuthOptionsController, OidcController } from './oidc.controller.js';
import { OidcService } from './oidc.service.js';
import { SecurityAuditService } from './security-audit.service.js';
import { ApiKeyController, UserController } from './user.controller.js';
import { UserService } from './user.service.js';

/** Sign-in (password, OpenID Connect), accounts, API keys and the guard in front of every route. */
@Module({
  controllers: [AuthController, OidcController, AuthOptionsController, UserController, ApiKeyController],
  providers: [AuthService, OidcService, SecurityAuditService, UserService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, SecurityAuditService],
})
export class AuthModule {}
