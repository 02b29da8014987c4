import type { ApiKeyRow, UserRow } from '@ratsweg/persistence';
import type { Principal } from './principal.js';

export interface MeResponse {
  id: string;
  email: string | null;
  displayName: string | null;
  roles: string[];
  personId: string | null;
  secretaryOf: string[];
  mfaEnabled: boolean;
  /** The role requires a second factor that is not set up yet: only enrolment is open until then. */
  mfaEnrollmentRequired: boolean;
}

export function presentMe(principal: Principal, mfaEnabled: boolean): MeResponse {
  return {
    id: principal.id,
    email: principal.email ?? null,
    displayName: principal.displayName ?? null,
    roles: [...principal.roles].sort(),
    personId: principal.personId,
    secretaryOf: [...principal.secretaryOf].sort(),
    mfaEnabled,
    mfaEnrollmentRequired: principal.mfaPending,
  };
}

export interface UserResponse {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
  personId: string | null;
  mfaEnabled: boolean;
  oidcLinked: boolean;
  passwordSet: boolean;
  disabled: boolean;
  createdAt: string;
  modifiedAt: string;
}

/** Never the password hash, TOTP secret or OIDC subject. */
export function presentUser(user: UserRow): UserResponse {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    roles: [...user.roles],
    personId: user.personId,
    mfaEnabled: user.totpEnabled,
    oidcLinked: user.oidcSubject !== null,
    passwordSet: user.passwordHash !== null,
    disabled: user.disabled,
    createdAt: user.createdAt.toISOString(),
    modifiedAt: user.modifiedAt.toISOString(),
  };
}

export interface ApiKeyResponse {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export function presentApiKey(key: ApiKeyRow): ApiKeyResponse {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: [...key.scopes],
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}
