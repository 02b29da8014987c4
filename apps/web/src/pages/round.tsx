import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api';
import { ErrorNotice, Loading, OverdueBadge, RoundStatusBadge, StageStatusBadge, useLoad } from '../components/common';
import { PageTitle } from '../components/layout';
import { useI18n } from '../i18n';
import { LiveNote, useLiveUpdates } from '../live';
import { useSession } from '../session';
import type { Me, Outcome, Round, Stage, TemplateResponse } from '../types';
import { AdminRoundPanel } from './admin-round-actions';
import { DecisionForm } from './decision-form';
import { RoundFiles } from './round-files';

/** Who may record a decision on an open stage: administrators, and the secretary of the stage's body (as the API checks). */
export function mayDecide(me: Me | null | undefined, stage: Stage): boolean {
  if (!me || stage.status !== 'open') return false;
  if (me.roles.includes('admin')) return true;
  return stage.body !== undefined && me.secretaryOf.includes(stage.body);
}

/** The later of two states of a round (by updatedAt); the loaded one when both are as new. */
function newerRound(kept: Round | undefined, loaded: Round | undefined): Round | undefined {
  if (!kept) return loaded;
  if (!loaded || loaded.id !== kept.id) return kept;
  return Date.parse(loaded.updatedAt) >= Date.parse(kept.updatedAt) ? loaded : kept;
}

/** A round: summary, the stages as a timeline (status, window, deadline with its rule, decisions), and the decision form where the person may decide. */
export function RoundPage() {
  const { id = '' } = useParams();
  const { t, dateTime } = useI18n();
  const { me } = useSession();
  const round = useLoad((signal) => api<Round>(`/api/v1/rounds/${encodeURIComponent(id)}`, { signal }), [id]);
  const [latest, setLatest] = useState<Round | undefined>(undefined);
  /** The decision just recorded here, confirmed where its form was. */
  const [saved, setSaved] = useState<{ stageKey: string; message: string } | null>(null);
  const savedNotice = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (saved) savedNotice.current?.focus();
  }, [saved]);
  // Live: another person's decision (or the workflow) changed the round — load it again. What this
  // page already shows stays until the reload brings something at least as new: clearing it first
  // would show the state of the first load again for a moment (a cancelled round as running).
  const liveAt = useLiveUpdates(`/api/v1/rounds/${encodeURIComponent(id)}/events`, () => round.reload());
  const current = newerRound(latest && latest.id === id ? latest : undefined, round.data);
  const decidable = current?.stages.filter((stage) => mayDecide(me, stage)) ?? [];
  const template = useLoad(
    (signal) => (current && decidable.length > 0 ? api<TemplateResponse>(`/api/v1/templates/${encodeURIComponent(current.templateKey)}`, { signal }) : Promise.resolve(undefined)),
    [current?.templateKey, decidable.length > 0],
  );

  if (round.error) return <ErrorNotice error={round.error} onRetry={round.reload} />;
  if (!current) return <Loading />;

  const definition = template.data?.versions.find((version) => version.version === current.templateVersion)?.definition ?? template.data?.definition;
  const hasConsultation = current.stages.some((stage) => stage.type === 'public_consultation');

  return (
    <>
      <p className="back">
        <Link to="/runden">{t('round.back')}</Link>
      </p>
      <PageTitle>{current.title}</PageTitle>
      <LiveNote updatedAt={liveAt} />
      <section aria-labelledby="summary-heading">
        <h2 id="summary-heading">{t('round.summary')}</h2>
        <dl className="facts">
          <div>
            <dt>{t('round.status')}</dt>
            <dd>
              <RoundStatusBadge status={current.status} />
            </dd>
          </div>
          {current.result ? (
            <div>
              <dt>{t('round.result')}</dt>
              <dd>{t(`outcome.${current.result}`)}</dd>
            </div>
          ) : null}
          {current.cancelReason ? (
            <div>
              <dt>{t('round.cancelReason')}</dt>
              <dd>{current.cancelReason}</dd>
            </div>
          ) : null}
          <div>
            <dt>{t('round.template')}</dt>
            <dd>
              {current.templateKey} v{current.templateVersion}
            </dd>
          </div>
          <div>
            <dt>{t('round.created')}</dt>
            <dd>
              <time dateTime={current.createdAt}>{dateTime(current.createdAt)}</time>
            </dd>
          </div>
          {current.nextDeadlineAt ? (
            <div>
              <dt>{t('round.nextDeadline')}</dt>
              <dd>
                <time dateTime={current.nextDeadlineAt}>{dateTime(current.nextDeadlineAt)}</time>
              </dd>
            </div>
          ) : null}
        </dl>
        {hasConsultation ? (
          <p>
            <Link to={`/beteiligung/${current.id}`}>{t('round.publicPage')}</Link>
          </p>
        ) : null}
      </section>

      <section aria-labelledby="stages-heading">
        <h2 id="stages-heading">{t('round.stages')}</h2>
        <ol className="timeline">
          {current.stages.map((stage, index) => (
            <li key={stage.key} className={`timeline__stage timeline__stage--${stage.status}${stage.overdue ? ' is-overdue' : ''}`} data-stage={stage.key}>
              <h3>
                <span className="visually-hidden">{t('round.stageOf', { n: index + 1, total: current.stages.length })}: </span>
                {stage.title}
              </h3>
              <p className="timeline__status">
                <StageStatusBadge status={stage.status} />
                {stage.outcome ? <span className="timeline__outcome">{t(`outcome.${stage.outcome}`)}</span> : null}
                {stage.overdue ? <OverdueBadge /> : null}
                {stage.escalated ? <span className="badge badge--overdue">{t('escalated')}</span> : null}
              </p>
              <dl className="facts facts--compact">
                {stage.body ? (
                  <div>
                    <dt>{t('round.stageBody')}</dt>
                    <dd>{stage.body}</dd>
                  </div>
                ) : null}
                {stage.meeting ? (
                  <div>
                    <dt>{t('round.meeting')}</dt>
                    <dd>
                      <time dateTime={stage.meeting.start}>{dateTime(stage.meeting.start)}</time>
                    </dd>
                  </div>
                ) : null}
              </dl>
              <PlanVersusActual stage={stage} />
              {stage.decisions.length > 0 ? (
                <>
                  <h4>{t('round.decisions')}</h4>
                  <ul className="decisions">
                    {stage.decisions.map((decision) => (
                      <li key={`${decision.decidedAt}-${decision.outcome}`}>
                        <strong>{t(`outcome.${decision.outcome}`)}</strong> – {t('round.decidedAt', { date: dateTime(decision.decidedAt) })}
                        {decision.votes ? <p>{t('round.votes', { ...decision.votes })}</p> : null}
                        {decision.resolutionText ? (
                          <blockquote>
                            <p>{decision.resolutionText}</p>
                          </blockquote>
                        ) : null}
                        {decision.nextMeetingStart ? (
                          <p>
                            {t('round.nextMeeting')}: <time dateTime={decision.nextMeetingStart}>{dateTime(decision.nextMeetingStart)}</time>
                          </p>
                        ) : null}
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
              {saved?.stageKey === stage.key ? (
                <div className="notice notice--success" role="status" tabIndex={-1} ref={savedNotice}>
                  <p>{saved.message}</p>
                </div>
              ) : null}
              {mayDecide(me, stage) ? (
                template.error ? (
                  <ErrorNotice error={template.error} onRetry={template.reload} />
                ) : definition ? (
                  <DecisionForm
                    round={current}
                    stage={stage}
                    outcomes={Object.keys(definition.stages.find((candidate) => candidate.key === stage.key)?.outcomes ?? {}) as Outcome[]}
                    onDecided={(after, message) => {
                      setLatest(after);
                      setSaved({ stageKey: stage.key, message });
                    }}
                  />
                ) : (
                  <Loading />
                )
              ) : null}
            </li>
          ))}
        </ol>
      </section>
      <RoundFiles round={current} />
      <AdminRoundPanel round={current} onChanged={setLatest} />
    </>
  );
}

/** Days between plan and reality, rounded; only when they differ by at least an hour. */
function deviationDays(planned: string | undefined, actual: string | undefined): number | undefined {
  if (!planned || !actual) return undefined;
  const difference = Date.parse(actual) - Date.parse(planned);
  if (Math.abs(difference) < 3_600_000) return undefined;
  return Math.round(difference / 86_400_000);
}

/**
 * The stage's planned start, end and deadline (from the template's schedule at the round's start)
 * beside the actual ones: a small table with row and column headers, readable at any width.
 */
function PlanVersusActual({ stage }: { stage: Stage }) {
  const { t, dateTime } = useI18n();
  const rows: { key: string; label: string; planned?: string; actual?: string; pending: string; rule?: string }[] = [
    { key: 'opens', label: t('timeline.opens'), planned: stage.planned?.opens, actual: stage.openedAt, pending: t('timeline.notYetOpened') },
    { key: 'closes', label: t('timeline.closes'), planned: stage.planned?.closes, actual: stage.closedAt, pending: stage.status === 'skipped' ? t('timeline.skipped') : t('timeline.notYetClosed') },
    {
      key: 'deadline',
      label: t('round.deadline'),
      planned: stage.planned?.deadline,
      actual: stage.deadline,
      pending: stage.status === 'pending' ? t('timeline.setWhenOpened') : t('timeline.none'),
      ...(stage.deadlineRule ? { rule: stage.deadlineRule } : {}),
    },
  ];
  const shown = rows.filter((row) => row.planned || row.actual || row.key !== 'deadline');
  const cell = (instant: string | undefined, fallback: string) => (instant ? <time dateTime={instant}>{dateTime(instant)}</time> : <span className="hint">{fallback}</span>);
  return (
    <table className="plan-table" data-plan={stage.key}>
      <caption>{t('timeline.caption', { stage: stage.title })}</caption>
      <thead>
        <tr>
          <td />
          <th scope="col">{t('timeline.planned')}</th>
          <th scope="col">{t('timeline.actual')}</th>
        </tr>
      </thead>
      <tbody>
        {shown.map((row) => {
          const days = deviationDays(row.planned, row.actual);
          return (
            <tr key={row.key} data-row={row.key}>
              <th scope="row">{row.label}</th>
              <td>{cell(row.planned, t('timeline.notPlanned'))}</td>
              <td>
                {cell(row.actual, row.pending)}
                {row.rule && row.actual ? <span className="rule"> ({row.rule})</span> : null}
                {days !== undefined && days !== 0 ? (
                  <span className={`deviation ${days > 0 ? 'deviation--late' : 'deviation--early'}`}>
                    {' '}
                    {days > 0 ? t('timeline.later', { days }) : t('timeline.earlier', { days: -days })}
                  </span>
                ) : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
