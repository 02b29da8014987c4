import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api';
import { ErrorNotice, Loading, OverdueBadge, RoundStatusBadge, useLoad } from '../components/common';
import { PageTitle } from '../components/layout';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { LiveNote, useLiveUpdates } from '../live';
import type { Page, RoundStatus, RoundSummary } from '../types';

const PAGE_SIZE = 20;
const STATUSES: readonly RoundStatus[] = ['running', 'completed', 'cancelled', 'failed'];

function roundsPath(params: URLSearchParams, cursor?: string): string {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  const status = params.get('status');
  if (status && (STATUSES as readonly string[]).includes(status)) query.set('status', status);
  if (params.get('overdue') === 'true') query.set('overdue', 'true');
  const q = params.get('q')?.trim();
  if (q) query.set('q', q);
  if (cursor) query.set('cursor', cursor);
  return `/api/v1/rounds?${query.toString()}`;
}

/** The administrators' overview: every round with its status, current stage and next deadline; overdue ones marked. */
export function DashboardPage() {
  const { t, dateTime } = useI18n();
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const filterKey = params.toString();
  const first = useLoad((signal) => api<Page<RoundSummary>>(roundsPath(params), { signal }), [filterKey]);
  // Live: any round changed — load the first page again.
  const liveAt = useLiveUpdates('/api/v1/rounds/events', first.reload);
  const [rounds, setRounds] = useState<RoundSummary[]>([]);
  const [next, setNext] = useState<string | undefined>(undefined);
  const [moreError, setMoreError] = useState<unknown>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  useEffect(() => {
    if (first.data) {
      setRounds(first.data.data);
      setNext(first.data.next);
    }
  }, [first.data]);

  const loadMore = async () => {
    if (!next) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await api<Page<RoundSummary>>(roundsPath(params, next));
      setRounds((current) => [...current, ...page.data]);
      setNext(page.next);
    } catch (error) {
      setMoreError(error);
    } finally {
      setLoadingMore(false);
    }
  };

  const applyFilters = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const nextParams = new URLSearchParams();
    const status = String(form.get('status') ?? '');
    if (status) nextParams.set('status', status);
    if (form.get('overdue') === 'true') nextParams.set('overdue', 'true');
    const q = String(form.get('q') ?? '').trim();
    if (q) nextParams.set('q', q);
    setParams(nextParams);
  };

  return (
    <>
      <PageTitle>{t('dashboard.title')}</PageTitle>
      {me?.roles.includes('admin') ? (
        <p>
          <Link className="button button--primary" to="/runden/neu">
            {t('admin.newRound')}
          </Link>
        </p>
      ) : null}
      <LiveNote updatedAt={liveAt} />
      <form className="filters" onSubmit={applyFilters} role="search" aria-labelledby="filters-heading" key={filterKey}>
        <h2 id="filters-heading" className="filters__title">
          {t('dashboard.filters')}
        </h2>
        <div className="field">
          <label htmlFor="filter-status">{t('dashboard.status')}</label>
          <select id="filter-status" name="status" defaultValue={params.get('status') ?? ''}>
            <option value="">{t('dashboard.statusAll')}</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {t(`status.${status}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-q">{t('dashboard.search')}</label>
          <input id="filter-q" name="q" type="search" maxLength={200} defaultValue={params.get('q') ?? ''} />
        </div>
        <div className="field field--check">
          <input id="filter-overdue" name="overdue" type="checkbox" value="true" defaultChecked={params.get('overdue') === 'true'} />
          <label htmlFor="filter-overdue">{t('dashboard.overdueOnly')}</label>
        </div>
        <div className="filters__actions">
          <button type="submit" className="button button--primary">
            {t('dashboard.apply')}
          </button>
          <button type="button" className="button" onClick={() => setParams(new URLSearchParams())}>
            {t('dashboard.reset')}
          </button>
        </div>
      </form>

      {first.error ? <ErrorNotice error={first.error} onRetry={first.reload} /> : null}
      {!first.data && !first.error ? <Loading /> : null}
      {first.data ? (
        rounds.length === 0 ? (
          <p className="empty">{t('dashboard.empty')}</p>
        ) : (
          <>
            <p className="count" role="status">
              {t('dashboard.count', { count: rounds.length })}
            </p>
            <table className="rounds">
              <caption className="visually-hidden">{t('dashboard.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('dashboard.colTitle')}</th>
                  <th scope="col">{t('dashboard.colStatus')}</th>
                  <th scope="col">{t('dashboard.colStage')}</th>
                  <th scope="col">{t('dashboard.colDeadline')}</th>
                  <th scope="col">{t('dashboard.colTemplate')}</th>
                </tr>
              </thead>
              <tbody>
                {rounds.map((round) => (
                  <tr key={round.id} className={round.overdue ? 'is-overdue' : undefined} data-round-id={round.id}>
                    <th scope="row" data-label={t('dashboard.colTitle')}>
                      <Link to={`/runden/${round.id}`}>{round.title}</Link>
                    </th>
                    <td data-label={t('dashboard.colStatus')}>
                      <RoundStatusBadge status={round.status} />
                    </td>
                    <td data-label={t('dashboard.colStage')}>
                      {round.openStages.length > 0 ? round.openStages.map((stage) => stage.title).join(', ') : t('dashboard.noStage')}
                    </td>
                    <td data-label={t('dashboard.colDeadline')}>
                      {round.nextDeadlineAt ? <time dateTime={round.nextDeadlineAt}>{dateTime(round.nextDeadlineAt)}</time> : t('dashboard.noDeadline')}
                      {round.overdue ? (
                        <>
                          {' '}
                          <OverdueBadge />
                        </>
                      ) : null}
                    </td>
                    <td data-label={t('dashboard.colTemplate')}>
                      {round.templateKey} v{round.templateVersion}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {moreError ? <ErrorNotice error={moreError} /> : null}
            {next ? (
              <button type="button" className="button" onClick={() => void loadMore()} disabled={loadingMore} aria-busy={loadingMore}>
                {loadingMore ? t('loading') : t('dashboard.more')}
              </button>
            ) : null}
          </>
        )
      ) : null}
    </>
  );
}
