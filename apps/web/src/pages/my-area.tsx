import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import { api } from '../api';
import { ErrorNotice, Loading, OverdueBadge, useLoad } from '../components/common';
import { PageTitle } from '../components/layout';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import type { Me, Page } from '../types';
import './my-area.css';

/** GET /api/v1/me/deadlines */
interface MyDeadline {
  roundId: string;
  roundTitle: string;
  stageKey: string;
  stageTitle: string;
  body: string;
  deadlineAt: string;
  overdue: boolean;
  role: string;
}

interface Membership {
  bodyId: string;
}

interface Body {
  id: string;
  name: string;
}

interface Meeting {
  id: string;
  bodyId: string;
  name: string;
  start: string;
  location: string | null;
  roundId: string | null;
}

const PAGE_SIZE = 20;

/** The politicians' pages: any signed-in user; those without a directory person get a notice instead. */
export function RequirePerson({ children }: { children: (me: Me & { personId: string }) => ReactNode }) {
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
  if (!me.personId) {
    return (
      <>
        <PageTitle>{t('my.noPerson.title')}</PageTitle>
        <p>{t('my.noPerson.text')}</p>
      </>
    );
  }
  return <>{children({ ...me, personId: me.personId })}</>;
}

/** Mein Bereich: the open deadlines in the person's bodies and their coming meetings. */
export function MyAreaPage() {
  return <RequirePerson>{(me) => <MyArea personId={me.personId} />}</RequirePerson>;
}

function MyArea({ personId }: { personId: string }) {
  const { t } = useI18n();
  return (
    <>
      <PageTitle>{t('my.title')}</PageTitle>
      <p>{t('my.intro')}</p>
      <MyDeadlines />
      <MyMeetings personId={personId} />
    </>
  );
}

function deadlinesPath(overdue: boolean, cursor?: string): string {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (overdue) query.set('overdue', 'true');
  if (cursor) query.set('cursor', cursor);
  return `/api/v1/me/deadlines?${query.toString()}`;
}

function MyDeadlines() {
  const { t, dateTime } = useI18n();
  const [overdueOnly, setOverdueOnly] = useState(false);
  const first = useLoad((signal) => api<Page<MyDeadline>>(deadlinesPath(overdueOnly), { signal }), [overdueOnly]);
  const [items, setItems] = useState<MyDeadline[]>([]);
  const [next, setNext] = useState<string | undefined>(undefined);
  const [moreError, setMoreError] = useState<unknown>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  useEffect(() => {
    if (first.data) {
      setItems(first.data.data);
      setNext(first.data.next);
    }
  }, [first.data]);

  const loadMore = async () => {
    if (!next) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await api<Page<MyDeadline>>(deadlinesPath(overdueOnly, next));
      setItems((current) => [...current, ...page.data]);
      setNext(page.next);
    } catch (error) {
      setMoreError(error);
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <section aria-labelledby="my-deadlines-heading" aria-busy={!first.data && !first.error}>
      <h2 id="my-deadlines-heading">{t('my.deadlines')}</h2>
      <div className="field field--check">
        <input id="my-overdue" type="checkbox" checked={overdueOnly} onChange={(event) => setOverdueOnly(event.currentTarget.checked)} />
        <label htmlFor="my-overdue">{t('my.deadlinesOverdueOnly')}</label>
      </div>
      {first.error ? <ErrorNotice error={first.error} onRetry={first.reload} /> : null}
      {!first.data && !first.error ? <Loading /> : null}
      {first.data ? (
        items.length === 0 ? (
          <p className="empty">{t('my.deadlinesEmpty')}</p>
        ) : (
          <>
            <table className="rounds my-deadlines">
              <caption className="visually-hidden">{t('my.deadlinesCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('my.colRound')}</th>
                  <th scope="col">{t('my.colStage')}</th>
                  <th scope="col">{t('my.colBody')}</th>
                  <th scope="col">{t('my.colDeadline')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => (
                  <tr key={`${item.roundId}-${item.stageKey}`} className={item.overdue ? 'is-overdue' : undefined} data-deadline={`${item.roundId}/${item.stageKey}`}>
                    <th scope="row" data-label={t('my.colRound')}>
                      <Link to={`/runden/${item.roundId}`}>{item.roundTitle}</Link>
                    </th>
                    <td data-label={t('my.colStage')}>{item.stageTitle}</td>
                    <td data-label={t('my.colBody')}>{item.body}</td>
                    <td data-label={t('my.colDeadline')}>
                      <time dateTime={item.deadlineAt}>{dateTime(item.deadlineAt)}</time>
                      {item.overdue ? (
                        <>
                          {' '}
                          <OverdueBadge />
                        </>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {moreError ? <ErrorNotice error={moreError} /> : null}
            {next ? (
              <button type="button" className="button" onClick={() => void loadMore()} disabled={loadingMore} aria-busy={loadingMore}>
                {loadingMore ? <span className="spinner" aria-hidden="true" /> : null}
                {loadingMore ? t('loading') : t('my.more')}
              </button>
            ) : null}
          </>
        )
      ) : null}
    </section>
  );
}

/** The coming meetings of every body the person is a member of today (GET /api/v1/meetings?body=… per body). */
async function loadMeetings(personId: string, signal: AbortSignal): Promise<{ meetings: Meeting[]; bodies: Map<string, string> }> {
  const today = new Date().toISOString().slice(0, 10);
  const memberships = await api<Page<Membership>>(`/api/v1/memberships?${new URLSearchParams({ person: personId, on: today, limit: '200' }).toString()}`, { signal });
  const bodyIds = [...new Set(memberships.data.map((membership) => membership.bodyId))];
  const from = new Date().toISOString();
  const perBody = await Promise.all(
    bodyIds.map(async (bodyId) => {
      const [body, meetings] = await Promise.all([
        api<Body>(`/api/v1/bodies/${encodeURIComponent(bodyId)}`, { signal }),
        api<Page<Meeting>>(`/api/v1/meetings?${new URLSearchParams({ body: bodyId, from, limit: String(PAGE_SIZE) }).toString()}`, { signal }),
      ]);
      return { body, meetings: meetings.data };
    }),
  );
  const meetings = perBody.flatMap((entry) => entry.meetings).sort((a, b) => a.start.localeCompare(b.start)).slice(0, PAGE_SIZE);
  return { meetings, bodies: new Map(perBody.map((entry) => [entry.body.id, entry.body.name])) };
}

function MyMeetings({ personId }: { personId: string }) {
  const { t, dateTime } = useI18n();
  const result = useLoad((signal) => loadMeetings(personId, signal), [personId]);
  return (
    <section aria-labelledby="my-meetings-heading" aria-busy={!result.data && !result.error}>
      <h2 id="my-meetings-heading">{t('my.meetings')}</h2>
      {result.error ? <ErrorNotice error={result.error} onRetry={result.reload} /> : null}
      {!result.data && !result.error ? <Loading /> : null}
      {result.data ? (
        result.data.meetings.length === 0 ? (
          <p className="empty">{t('my.meetingsEmpty')}</p>
        ) : (
          <ul className="my-list">
            {result.data.meetings.map((meeting) => (
              <li key={meeting.id} data-meeting={meeting.id}>
                <h3>{meeting.name}</h3>
                <p>
                  <time dateTime={meeting.start}>{dateTime(meeting.start)}</time> – {result.data?.bodies.get(meeting.bodyId) ?? ''}
                  {meeting.location ? `, ${meeting.location}` : ''}
                </p>
                {meeting.roundId ? (
                  <p>
                    <Link to={`/runden/${meeting.roundId}`}>{t('my.meetingRound')}</Link>
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
        )
      ) : null}
    </section>
  );
}
