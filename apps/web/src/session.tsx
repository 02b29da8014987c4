import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError } from './api';
import type { Me } from './types';

export interface Session {
  /**
   * undefined until a page that needs it has asked (public pages never ask: no anonymous
   * GET /api/v1/me lands in the security audit trail); null when nobody is signed in.
   */
  me: Me | null | undefined;
  /** Takes the user from a sign-in answer. */
  signedIn(me: Me): void;
  /** Asks the API who is signed in (after a sign-in, or when a call answered 401). */
  refresh(): Promise<Me | null>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/** Who is signed in, from GET /api/v1/me; the session itself is the HttpOnly cookie the API set. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);

  const refresh = useCallback(async (): Promise<Me | null> => {
    try {
      const current = await api<Me>('/api/v1/me');
      setMe(current);
      return current;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        setMe(null);
        return null;
      }
      throw error;
    }
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api<void>('/api/v1/auth/logout', { method: 'POST' });
    } catch (error) {
      // Already signed out (expired session): nothing left to end.
      if (!(error instanceof ApiError && error.status === 401)) throw error;
    }
    setMe(null);
  }, []);

  const value = useMemo<Session>(() => ({ me, refresh, signOut, signedIn: setMe }), [me, refresh, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

export const STAFF_ROLES = ['admin', 'secretary', 'member', 'auditor'] as const;

export function isStaff(me: Me | null | undefined): boolean {
  return !!me && me.roles.some((role) => (STAFF_ROLES as readonly string[]).includes(role));
}

/**
 * Where a person lands after signing in: administrators and auditors on the dashboard of rounds,
 * secretaries in their inbox, politicians (members linked to a directory person) in Mein Bereich.
 */
export function landingPath(me: Me): string {
  if (me.mfaEnrollmentRequired) return '/konto/zweiter-faktor';
  if (me.roles.includes('admin')) return '/runden';
  if (me.roles.includes('secretary')) return '/schriftfuehrung';
  if (me.roles.includes('member') && me.personId) return '/mein-bereich';
  return '/runden';
}

/** Only paths of this application after sign-in, never another site or the API; else `fallback`. */
export function safeTarget(value: string | null, fallback: string): string {
  return value && /^\/(?!\/)/.test(value) && !value.startsWith('/api/') && !value.includes('\\') ? value : fallback;
}
