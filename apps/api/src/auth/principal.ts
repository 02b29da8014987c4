/** Who is calling, resolved once per request by the auth guard. */
export interface Principal {
  kind: 'user' | 'api-key';
  /** User or API key id. */
  id: string;
  tenant: string;
  /** What the audit trail records: `user:<id>` or `api-key:<id>`; never a name, password or token. */
  actor: string;
  /** Effective roles: granted ones plus those that follow from the directory. */
  roles: ReadonlySet<Role>;
  /** The directory person the account belongs to, if linked. */
  personId: string | null;
  /** Keys of the bodies whose secretary the person is today. */
  secretaryOf: ReadonlySet<string>;
  /** The session (users only); revoked on logout. */
  sessionId?: string;
  /** Signed in, but must set up a second factor before doing anything else. */
  mfaPending: boolean;
  email?: string;
  displayName?: string;
}

export const ROLES = ['admin', 'secretary', 'member', 'auditor', 'integration', 'monitoring'] as const;
export type Role = (typeof ROLES)[number];

/** Fastify request decorated by the auth guard. */
export interface AuthenticatedRequest {
  principal?: Principal;
}
