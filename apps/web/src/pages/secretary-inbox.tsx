import { Link } from 'react-router';
import { api } from '../api';
import { ErrorNotice, Loading, OverdueBadge, useLoad } from '../components/common';
import { PageTitle } from '../components/layout';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import type { Page, RoundSummary } from '../types';

interface InboxEntry {
  roundId: string;
  roundTitle: string;
  stageKey: string;
  stageTitle: string;
  body: string;
  deadline?: string;
  overdue: boolean;
}

/** Every running round with an open stage of `body`, all pages. */
async function awaiting(body: string, signal: AbortSignal): Promise<InboxEntry[]> {
  const entries: InboxEntry[] = [];
  let cursor: string | undefined;
  do {
    const search = new URLSearchParams({ body, status: 'running', sort: 'nextDeadlineAt', limit: '200' });
    if (cursor) search.set('cursor', cursor);
    const page: Page<RoundSummary> = await api<Page<RoundSummary>>(`/api/v1/rounds?${search.toString()}`, { signal });
    for (const round of page.data) {
      for (const stage of round.openStages) {
        if (stage.body !== body) continue;
        entries.push({ roundId: round.id, roundTitle: round.title, stageKey: stage.key, stageTitle: stage.title, body, ...(stage.deadline ? { deadline: stage.deadline } : {}), overdue: stage.overdue });
      }
    }
    cursor = page.next;
  } while (cursor && entries.length < 1000);
  return entries;
}

/** Earliest deadline first; stages without a deadline after those with one. */
export function byDeadline(a: InboxEntry, b: InboxEntry): number {
  if (a.deadline && b.deadline) return Date.parse(a.deadline) - Date.parse(b.deadline);
  if (a.deadline) return -1;
  if (b.deadline) return 1;
  return a.roundTitle.localeCompare(b.roundTitle);
}

/**
 * The committee secretary's inbox: the open stages of the bodies the signed-in person keeps the
 * minutes of (`secretaryOf`), sorted by deadline; each links to the round page with the decision form.
 */
export function SecretaryInboxPage() {
  const { t, dateTime } = useI18n();
  const { me } = useSession();
  const bodies = me?.secretaryOf ?? [];
  const inbox = useLoad(async (signal) => (await Promise.all(bodies.map((body) => awaiting(body, signal)))).flat().sort(byDeadline), [bodies.join(',')]);

  return (
    <>
      <PageTitle>{t('inbox.title')}</PageTitle>
      {bodies.length === 0 ? (
        <p className="notice">{t('inbox.noBodies')}</p>
      ) : (
        <>
          <p>{t('inbox.intro', { bodies: bodies.join(', ') })}</p>
          {inbox.error ? <ErrorNotice error={inbox.error} onRetry={inbox.reload} /> : null}
          {!inbox.data && !inbox.error ? <Loading /> : null}
          {inbox.data ? (
            inbox.data.length === 0 ? (
              <p>{t('inbox.empty')}</p>
            ) : (
              <>
                <p className="count" role="status">
                  {t('inbox.count', { count: inbox.data.length })}
                </p>
                <ol className="inbox">
                  {inbox.data.map((entry) => (
                    <li key={`${entry.roundId}-${entry.stageKey}`} className={`inbox__entry${entry.overdue ? ' is-overdue' : ''}`} data-round-id={entry.roundId} data-stage={entry.stageKey}>
                      <h2 className="inbox__title">
                        <Link to={`/runden/${entry.roundId}`}>{entry.roundTitle}</Link>
                      </h2>
                      <p>
                        {t('inbox.stage', { stage: entry.stageTitle, body: entry.body })}
                      </p>
                      <p>
                        {entry.deadline ? (
                          <>
                            {t('round.deadline')}: <time dateTime={entry.deadline}>{dateTime(entry.deadline)}</time>
                          </>
                        ) : (
                          t('inbox.noDeadline')
                        )}
                        {entry.overdue ? (
                          <>
                            {' '}
                            <OverdueBadge />
                          </>
                        ) : null}
                      </p>
                      <p>
                        <Link to={`/runden/${entry.roundId}`}>
                          {t('inbox.decide')}
                          <span className="visually-hidden">{t('inbox.decideSuffix', { stage: entry.stageTitle, round: entry.roundTitle })}</span>
                        </Link>
                      </p>
                    </li>
                  ))}
                </ol>
              </>
            )
          ) : null}
        </>
      )}
    </>
  );
}
