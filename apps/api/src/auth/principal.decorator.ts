import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ProblemException } from '../problem-details/problem.exception.js';
import type { AuthenticatedRequest, Principal } from './principal.js';

/** The caller, as the auth guard resolved it; routes that use it are never public. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new ProblemException('unauthorized');
  return principal;
});

/** The caller if signed in (on public routes), else undefined. */
export const OptionalPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal | undefined => context.switchToHttp().getRequest<AuthenticatedRequest>().principal,
);
