import { useEffect, useRef, useState } from 'react';
import { useI18n } from './i18n';

/**
 * Live updates from the API's server-sent events (`/api/v1/rounds/events`, `/api/v1/rounds/{id}/events`):
 * calls `onChange` on each event and returns when the last one came. EventSource reconnects by
 * itself when the server ends a stream; a refusal (404, 429) simply leaves the page without live updates.
 */
export function useLiveUpdates(path: string | undefined, onChange: () => void): Date | undefined {
  const [updatedAt, setUpdatedAt] = useState<Date | undefined>(undefined);
  const callback = useRef(onChange);
  callback.current = onChange;
  useEffect(() => {
    if (!path || typeof EventSource === 'undefined') return undefined;
    const source = new EventSource(path, { withCredentials: true });
    const onEvent = () => {
      setUpdatedAt(new Date());
      callback.current();
    };
    source.addEventListener('change', onEvent);
    return () => {
      source.removeEventListener('change', onEvent);
      source.close();
    };
  }, [path]);
  return updatedAt;
}

/** A polite note for screen readers and sighted users alike that the page just reloaded by itself. */
export function LiveNote({ updatedAt }: { updatedAt: Date | undefined }) {
  const { t, locale } = useI18n();
  const time = updatedAt?.toLocaleTimeString(locale === 'de' ? 'de-DE' : 'en-GB', { timeZone: 'Europe/Berlin' });
  return (
    <p className="live-note" role="status" aria-live="polite" aria-label={t('live.label')}>
      {time ? t('live.updated', { time }) : ''}
    </p>
  );
}
