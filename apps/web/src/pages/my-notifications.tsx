import { useEffect, useRef, useState } from 'react';
import { api, newIdempotencyKey } from '../api';
import { ErrorNotice, Loading, useLoad } from '../components/common';
import { PageTitle } from '../components/layout';
import { useI18n } from '../i18n';
import type { Page } from '../types';
import { RequirePerson } from './my-area';

/** GET /api/v1/me/notifications */
interface MyNotification {
  id: string;
  inbox: 'person' | 'user' | 'administrators';
  subject: string;
  text: string;
  createdAt: string;
  readAt: string | null;
}

const PAGE_SIZE = 20;

function notificationsPath(unreadOnly: boolean, cursor?: string): string {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (unreadOnly) query.set('unread', 'true');
  if (cursor) query.set('cursor', cursor);
  return `/api/v1/me/notifications?${query.toString()}`;
}

/** The person's inbox, newest first; each notification can be marked read. */
export function MyNotificationsPage() {
  return <RequirePerson>{() => <MyNotifications />}</RequirePerson>;
}

function MyNotifications() {
  const { t, dateTime } = useI18n();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const first = useLoad((signal) => api<Page<MyNotification>>(notificationsPath(unreadOnly), { signal }), [unreadOnly]);
  const [items, setItems] = useState<MyNotification[]>([]);
  const [next, setNext] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [marked, setMarked] = useState<{ id: string; subject: string } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const markedHeading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (first.data) {
      setItems(first.data.data);
      setNext(first.data.next);
    }
  }, [first.data]);

  // The button is gone once read: the focus goes to the notification's heading, not to the page's start.
  useEffect(() => {
    if (marked) markedHeading.current?.focus();
  }, [marked]);

  const markRead = async (item: MyNotification) => {
    setBusy(item.id);
    setActionError(null);
    try {
      const after = await api<MyNotification>(`/api/v1/me/notifications/${encodeURIComponent(item.id)}/read`, { method: 'POST', idempotencyKey: newIdempotencyKey() });
      setItems((current) => current.map((entry) => (entry.id === item.id ? { ...entry, readAt: after.readAt ?? new Date().toISOString() } : entry)));
      setMarked({ id: item.id, subject: item.subject });
    } catch (error) {
      setActionError(error);
    } finally {
      setBusy(null);
    }
  };

  const loadMore = async () => {
    if (!next) return;
    setLoadingMore(true);
    setActionError(null);
    try {
      const page = await api<Page<MyNotification>>(notificationsPath(unreadOnly, next));
      setItems((current) => [...current, ...page.data]);
      setNext(page.next);
    } catch (error) {
      setActionError(error);
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <>
      <PageTitle>{t('notifications.title')}</PageTitle>
      <div className="field field--check">
        <input id="notifications-unread" type="checkbox" checked={unreadOnly} onChange={(event) => setUnreadOnly(event.currentTarget.checked)} />
        <label htmlFor="notifications-unread">{t('notifications.unreadOnly')}</label>
      </div>
      <div role="status" className="my-status">
        {marked ? <p>{t('notifications.marked', { subject: marked.subject })}</p> : null}
      </div>
      {actionError ? <ErrorNotice error={actionError} /> : null}
      {first.error ? <ErrorNotice error={first.error} onRetry={first.reload} /> : null}
      {!first.data && !first.error ? <Loading /> : null}
      {first.data ? (
        items.length === 0 ? (
          <p className="empty">{t('notifications.empty')}</p>
        ) : (
          <>
            <ul className="my-list my-notifications" aria-busy={busy !== null}>
              {items.map((item) => (
                <li key={item.id} className={item.readAt ? 'is-read' : 'is-unread'} data-notification={item.id}>
                  <h2 tabIndex={-1} ref={marked?.id === item.id ? markedHeading : undefined}>
                    {item.subject}
                  </h2>
                  <p className="my-meta">
                    <time dateTime={item.createdAt}>{dateTime(item.createdAt)}</time>
                    {' · '}
                    {item.readAt ? t('notifications.readAt', { date: dateTime(item.readAt) }) : <span className="badge badge--running">{t('notifications.unread')}</span>}
                  </p>
                  <p className="my-text">{item.text}</p>
                  {item.readAt ? null : (
                    <button
                      type="button"
                      className="button"
                      onClick={() => void markRead(item)}
                      disabled={busy === item.id}
                      aria-busy={busy === item.id}
                      aria-label={t('notifications.markReadLabel', { subject: item.subject })}
                    >
                      {busy === item.id ? <span className="spinner" aria-hidden="true" /> : null}
                      {t('notifications.markRead')}
                    </button>
                  )}
                </li>
              ))}
            </ul>
            {next ? (
              <button type="button" className="button" onClick={() => void loadMore()} disabled={loadingMore} aria-busy={loadingMore}>
                {loadingMore ? <span className="spinner" aria-hidden="true" /> : null}
                {loadingMore ? t('loading') : t('my.more')}
              </button>
            ) : null}
          </>
        )
      ) : null}
    </>
  );
}
