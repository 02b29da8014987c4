import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ApiError } from '../api';
import { useI18n } from '../i18n';
import type { MessageKey } from '../messages';
import { isStaff, useSession } from '../session';
import type { RoundStatus, StageStatus } from '../types';

/** Progress for anything that waits on the server; announced politely to screen readers. */
export function Loading() {
  const { t } = useI18n();
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {t('loading')}
    </p>
  );
}

/** An error from the API in the person's language (the API's own detail when it gave one). */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const message = errorMessage(error, t('error.network'));
  return (
    <div className="notice notice--error" role="alert">
      <p className="notice__title">{t('error.title')}</p>
      <p>{message}</p>
      {error instanceof ApiError && error.problem.errors ? (
        <ul>
          {error.problem.errors.map((field) => (
            <li key={field.field}>
              <code>{field.field}</code>: {field.message}
            </li>
          ))}
        </ul>
      ) : null}
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          {t('error.retry')}
        </button>
      ) : null}
    </div>
  );
}

export function errorMessage(error: unknown, networkText: string): string {
  if (error instanceof ApiError) return error.status === 0 ? networkText : (error.problem.detail ?? error.problem.title);
  return error instanceof Error ? error.message : String(error);
}

const ROUND_STATUS_KEYS: Record<RoundStatus, MessageKey> = {
  running: 'status.running',
  completed: 'status.completed',
  cancelled: 'status.cancelled',
  failed: 'status.failed',
};

const STAGE_STATUS_KEYS: Record<StageStatus, MessageKey> = {
  pending: 'stageStatus.pending',
  open: 'stageStatus.open',
  completed: 'stageStatus.completed',
  skipped: 'stageStatus.skipped',
};

/** A status as text (colour only adds to it). */
export function RoundStatusBadge({ status }: { status: RoundStatus }) {
  const { t } = useI18n();
  return <span className={`badge badge--${status}`}>{t(ROUND_STATUS_KEYS[status])}</span>;
}

export function StageStatusBadge({ status }: { status: StageStatus }) {
  const { t } = useI18n();
  return <span className={`badge badge--stage-${status}`}>{t(STAGE_STATUS_KEYS[status])}</span>;
}

export function OverdueBadge() {
  const { t } = useI18n();
  return <span className="badge badge--overdue">{t('overdue')}</span>;
}

/** Pages for staff only: asks who is signed in, sends everyone else to the sign-in page. */
export function RequireStaff({ children }: { children: ReactNode }) {
  const { me, refresh } = useSession();
  const location = useLocation();
  const { t } = useI18n();
  const [error, setError] = useState<unknown>(null);

  const lookUp = useCallback(() => {
    setError(null);
    refresh().catch(setError);
  }, [refresh]);

  useEffect(() => {
    if (me === undefined) lookUp();
  }, [me, lookUp]);

  if (error) return <ErrorNotice error={error} onRetry={lookUp} />;
  if (me === undefined) return <Loading />;
  if (me === null) return <Navigate to={`/anmelden?weiter=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  // The role requires a second factor that is not set up yet: the API refuses everything else until it is.
  if (me.mfaEnrollmentRequired) return <Navigate to={`/konto/zweiter-faktor?weiter=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (!isStaff(me)) {
    return (
      <>
        <h1>{t('forbidden.title')}</h1>
        <p>{t('forbidden.text')}</p>
      </>
    );
  }
  return <>{children}</>;
}

/** Loads data for a page and reloads it on demand; the last answer wins. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): { data: T | undefined; error: unknown; reload: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  // The loader as last rendered: it may close over anything, but only `deps` decide when to load again.
  const latestLoad = useRef(load);
  useLayoutEffect(() => {
    latestLoad.current = load;
  });
  // The caller's dependencies as one value (they are strings, numbers, booleans and undefined).
  const depsKey = JSON.stringify(deps);
  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    latestLoad.current(controller.signal).then(
      (value) => {
        if (!controller.signal.aborted) setData(value);
      },
      (reason: unknown) => {
        if (!controller.signal.aborted) setError(reason);
      },
    );
    return () => controller.abort();
  }, [depsKey, attempt]);
  return { data, error, reload: () => setAttempt((value) => value + 1) };
}
