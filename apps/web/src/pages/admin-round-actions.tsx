import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { api, newIdempotencyKey } from '../api';
import { ErrorNotice, Loading, useLoad } from '../components/common';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import type { Page, Round } from '../types';
import './admin.css';

/** One entry of GET /api/v1/rounds/{id}/audit */
interface AuditEntry {
  position: number;
  action: string;
  actor: string;
  stageKey?: string;
  occurredAt: string;
  hash: string;
}

/** GET /api/v1/rounds/{id}/audit/verify */
interface AuditVerification {
  valid: boolean;
  entries: number;
  firstBroken?: { position: number; id: string | null; reason: string };
}

/** A comment in GET /api/v1/rounds/{id}/comments?include=hidden */
interface ModeratedComment {
  id: string;
  stageKey: string;
  text: string;
  name: string | null;
  createdAt: string;
  hidden: boolean;
  hiddenReason: string | null;
}

/** The part of GET /api/v1/templates/{key} that names the meetings. */
interface TemplateMeetings {
  versions: { version: number; definition: { stages: { key: string; deadline?: { meeting: string } | { offset: string } | { at: string } }[] } }[];
}

/** `datetime-local` value (the browser's zone) to an instant. */
function instantOf(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * What staff other than the deciders see below a round: actions for administrators (extend a
 * deadline, move a meeting, cancel with a reason), the audit trail with its verification
 * (administrators and auditors), and the comments with moderation (administrators, secretaries, auditors).
 */
export function AdminRoundPanel({ round, onChanged }: { round: Round; onChanged: (round: Round) => void }) {
  const { me } = useSession();
  const roles = me?.roles ?? [];
  const isAdmin = roles.includes('admin');
  const mayAudit = isAdmin || roles.includes('auditor');
  const mayModerate = isAdmin || (me?.secretaryOf.length ?? 0) > 0 || roles.includes('auditor');
  const hasConsultation = round.stages.some((stage) => stage.type === 'public_consultation');
  if (!isAdmin && !mayAudit && !mayModerate) return null;
  return (
    <div className="admin-panel">
      {isAdmin && round.status === 'running' ? <RoundActions round={round} onChanged={onChanged} /> : null}
      {hasConsultation && mayModerate ? <Moderation round={round} mayHide={isAdmin || (me?.secretaryOf.length ?? 0) > 0} /> : null}
      {mayAudit ? <AuditTrail round={round} /> : null}
    </div>
  );
}

function RoundActions({ round, onChanged }: { round: Round; onChanged: (round: Round) => void }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="admin-actions-heading">
      <h2 id="admin-actions-heading">{t('actions.title')}</h2>
      <div className="admin-actions">
        <ExtendDeadline round={round} onChanged={onChanged} />
        <MoveMeeting round={round} onChanged={onChanged} />
        <CancelRound round={round} onChanged={onChanged} />
      </div>
    </section>
  );
}

/** A success message that takes the focus, so it is read out and the place is kept. */
function Saved({ message }: { message: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), [message]);
  return (
    <div className="notice notice--success" role="status" tabIndex={-1} ref={ref}>
      <p>{message}</p>
    </div>
  );
}

/** Busy state, error and success message of one action form; `run` sends and returns the message to show. */
function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState('');
  const run = async (send: () => Promise<string>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      setSaved(await send());
      return true;
    } catch (caught) {
      setError(caught);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, saved, run };
}

/** The one shape of the administrators' action forms: heading, fields, the API's error, the success message, the button. */
function ActionForm({
  id,
  title,
  submitLabel,
  state,
  onSubmit,
  children,
  primary = true,
}: {
  id: string;
  title: string;
  submitLabel: string;
  state: { busy: boolean; error: unknown; saved: string };
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  children: ReactNode;
  primary?: boolean;
}) {
  const { t } = useI18n();
  return (
    <form className="form" onSubmit={onSubmit} aria-labelledby={`${id}-h`} noValidate>
      <h3 id={`${id}-h`}>{title}</h3>
      {children}
      {state.error ? <ErrorNotice error={state.error} /> : null}
      {state.saved ? <Saved message={state.saved} /> : null}
      <div className="actions">
        <button type="submit" className={primary ? 'button button--primary' : 'button'} disabled={state.busy} aria-busy={state.busy}>
          {state.busy ? t('actions.saving') : submitLabel}
        </button>
      </div>
    </form>
  );
}

/** A choice (stage, meeting) and a new date and time for it: extending a deadline, moving a meeting. */
function ChoiceAndInstant({
  id,
  choiceLabel,
  choices,
  chosen,
  onChoose,
  instantLabel,
  instantName,
  value,
  onValue,
  missing,
}: {
  id: string;
  choiceLabel: string;
  choices: { value: string; label: string }[];
  chosen: string;
  onChoose: (value: string) => void;
  instantLabel: string;
  /** The id suffix of the date field (`until`, `start`). */
  instantName: string;
  value: string;
  onValue: (value: string) => void;
  missing: boolean;
}) {
  const { t } = useI18n();
  const choiceId = `${id}-${instantName === 'until' ? 'stage' : 'meeting'}`;
  const fieldId = `${id}-${instantName}`;
  return (
    <>
      <div className="field">
        <label htmlFor={choiceId}>{choiceLabel}</label>
        <select id={choiceId} value={chosen} onChange={(event) => onChoose(event.target.value)}>
          {choices.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={fieldId}>{instantLabel}</label>
        <input
          id={fieldId}
          type="datetime-local"
          value={value}
          aria-invalid={missing ? true : undefined}
          aria-describedby={missing ? `${fieldId}-error` : undefined}
          onChange={(event) => onValue(event.target.value)}
        />
        {missing ? (
          <p className="field-error" id={`${fieldId}-error`}>
            {t('actions.required')}
          </p>
        ) : null}
      </div>
    </>
  );
}

function ExtendDeadline({ round, onChanged }: { round: Round; onChanged: (round: Round) => void }) {
  const { t, dateTime } = useI18n();
  const id = useId();
  const open = round.stages.filter((stage) => stage.status === 'open' && stage.deadline);
  const [stageKey, setStageKey] = useState('');
  const [until, setUntil] = useState('');
  const [missing, setMissing] = useState(false);
  const action = useAction();
  const chosen = open.find((stage) => stage.key === stageKey) ?? open[0];

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const at = instantOf(until);
    setMissing(!chosen || !at);
    if (!chosen || !at) return;
    const done = await action.run(async () => {
      const after = await api<Round>(`/api/v1/rounds/${encodeURIComponent(round.id)}/stages/${encodeURIComponent(chosen.key)}/deadline`, {
        method: 'POST',
        body: { until: at },
        idempotencyKey: newIdempotencyKey(),
      });
      onChanged(after);
      return t('actions.extended', { stage: chosen.title, date: dateTime(at) });
    });
    if (done) setUntil('');
  };

  if (open.length === 0) {
    return (
      <form className="form" aria-labelledby={`${id}-h`} noValidate onSubmit={(event) => event.preventDefault()}>
        <h3 id={`${id}-h`}>{t('actions.extend')}</h3>
        <p>{t('actions.noOpenStage')}</p>
      </form>
    );
  }
  return (
    <ActionForm id={id} title={t('actions.extend')} submitLabel={t('actions.extendSubmit')} state={action} onSubmit={(event) => void submit(event)}>
      <ChoiceAndInstant
        id={id}
        choiceLabel={t('actions.extendStage')}
        choices={open.map((stage) => ({ value: stage.key, label: `${stage.title} (${t('round.deadline')}: ${dateTime(stage.deadline as string)})` }))}
        chosen={chosen?.key ?? ''}
        onChoose={setStageKey}
        instantLabel={t('actions.extendUntil')}
        instantName="until"
        value={until}
        onValue={setUntil}
        missing={missing}
      />
    </ActionForm>
  );
}

function MoveMeeting({ round, onChanged }: { round: Round; onChanged: (round: Round) => void }) {
  const { t, dateTime } = useI18n();
  const id = useId();
  // Every meeting the round's template version depends on; its date where the round knows it already.
  const template = useLoad((signal) => api<TemplateMeetings>(`/api/v1/templates/${encodeURIComponent(round.templateKey)}`, { signal }), [round.templateKey]);
  const definition = template.data?.versions.find((candidate) => candidate.version === round.templateVersion)?.definition;
  const known = new Map(round.stages.flatMap((stage) => (stage.meeting ? [[stage.meeting.key, stage.meeting.start] as const] : [])));
  const keys = new Set([...(definition?.stages.flatMap((stage) => (stage.deadline && 'meeting' in stage.deadline ? [stage.deadline.meeting] : [])) ?? []), ...known.keys()]);
  const meetings = [...keys].map((key) => [key, known.get(key)] as const);
  const [meetingKey, setMeetingKey] = useState('');
  const [start, setStart] = useState('');
  const [missing, setMissing] = useState(false);
  const action = useAction();
  const chosen = meetings.find(([key]) => key === meetingKey)?.[0] ?? meetings[0]?.[0];
  if (meetings.length === 0) return null;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const at = instantOf(start);
    setMissing(!chosen || !at);
    if (!chosen || !at) return;
    const done = await action.run(async () => {
      await api(`/api/v1/rounds/${encodeURIComponent(round.id)}/meetings/${encodeURIComponent(chosen)}`, { method: 'PUT', body: { start: at } });
      // The round applies the move shortly (by signal); show it when it has.
      onChanged(await api<Round>(`/api/v1/rounds/${encodeURIComponent(round.id)}`));
      return t('actions.moved', { meeting: chosen, date: dateTime(at) });
    });
    if (done) setStart('');
  };

  return (
    <ActionForm id={id} title={t('actions.move')} submitLabel={t('actions.moveSubmit')} state={action} onSubmit={(event) => void submit(event)}>
      <ChoiceAndInstant
        id={id}
        choiceLabel={t('actions.moveMeeting')}
        choices={meetings.map(([key, at]) => ({ value: key, label: at ? `${key}: ${dateTime(at)}` : key }))}
        chosen={chosen ?? ''}
        onChoose={setMeetingKey}
        instantLabel={t('actions.moveStart')}
        instantName="start"
        value={start}
        onValue={setStart}
        missing={missing}
      />
    </ActionForm>
  );
}

function CancelRound({ round, onChanged }: { round: Round; onChanged: (round: Round) => void }) {
  const { t } = useI18n();
  const id = useId();
  const [reason, setReason] = useState('');
  const [step, setStep] = useState<'edit' | 'confirm'>('edit');
  const [problem, setProblem] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef('');
  const confirmHeading = useRef<HTMLHeadingElement>(null);
  const reasonField = useRef<HTMLTextAreaElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    if (step === 'confirm') confirmHeading.current?.focus();
    else reasonField.current?.focus();
  }, [step]);

  const review = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (reason.trim().length < 3) {
      setProblem(true);
      reasonField.current?.focus();
      return;
    }
    setProblem(false);
    setError(null);
    key.current = newIdempotencyKey();
    setStep('confirm');
  };

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      const after = await api<Round>(`/api/v1/rounds/${encodeURIComponent(round.id)}/cancel`, { method: 'POST', body: { reason: reason.trim() }, idempotencyKey: key.current });
      onChanged(after);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  if (step === 'confirm') {
    return (
      <section className="form cancel-confirm" aria-labelledby={`${id}-confirm`}>
        <h3 id={`${id}-confirm`} tabIndex={-1} ref={confirmHeading}>
          {t('actions.cancelConfirmTitle')}
        </h3>
        <p>{t('actions.cancelConfirmText')}</p>
        <blockquote>
          <p>{reason.trim()}</p>
        </blockquote>
        {error ? <ErrorNotice error={error} /> : null}
        <div className="actions">
          <button type="button" className="button button--primary" onClick={() => void confirm()} disabled={busy} aria-busy={busy}>
            {busy ? t('actions.saving') : t('actions.cancelConfirm')}
          </button>
          <button type="button" className="button" onClick={() => setStep('edit')} disabled={busy}>
            {t('actions.cancelBack')}
          </button>
        </div>
      </section>
    );
  }

  return (
    <ActionForm id={id} title={t('actions.cancel')} submitLabel={t('actions.cancelReview')} state={{ busy: false, error: null, saved: '' }} onSubmit={review} primary={false}>
      <div className="field">
        <label htmlFor={`${id}-reason`}>{t('actions.cancelReason')}</label>
        <textarea
          id={`${id}-reason`}
          ref={reasonField}
          rows={3}
          maxLength={2000}
          value={reason}
          aria-invalid={problem ? true : undefined}
          aria-describedby={`${id}-reason-hint${problem ? ` ${id}-reason-error` : ''}`}
          onChange={(event) => setReason(event.target.value)}
        />
        <p className="hint" id={`${id}-reason-hint`}>
          {t('actions.cancelHint')}
        </p>
        {problem ? (
          <p className="field-error" id={`${id}-reason-error`}>
            {t('actions.reasonShort')}
          </p>
        ) : null}
      </div>
    </ActionForm>
  );
}

/** A paged list from the API that grows with "load more". */
function usePaged<T>(path: string, deps: readonly unknown[]) {
  const first = useLoad((signal) => api<Page<T>>(path, { signal }), [path, ...deps]);
  const [items, setItems] = useState<T[]>([]);
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
      const page = await api<Page<T>>(`${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(next)}`);
      setItems((current) => [...current, ...page.data]);
      setNext(page.next);
    } catch (error) {
      setMoreError(error);
    } finally {
      setLoadingMore(false);
    }
  };
  return { first, items, next, moreError, loadingMore, loadMore };
}

function AuditTrail({ round }: { round: Round }) {
  const { t, dateTime } = useI18n();
  const base = `/api/v1/rounds/${encodeURIComponent(round.id)}/audit`;
  const verification = useLoad((signal) => api<AuditVerification>(`${base}/verify`, { signal }), [round.id, round.updatedAt, round.status]);
  const entries = usePaged<AuditEntry>(`${base}?limit=50`, [round.updatedAt, round.status]);
  const verdict = verification.data;
  return (
    <section aria-labelledby="audit-heading">
      <h2 id="audit-heading">{t('audit.title')}</h2>
      {verification.error ? <ErrorNotice error={verification.error} onRetry={verification.reload} /> : null}
      {verdict ? (
        <div className={`notice ${verdict.valid ? 'notice--success' : 'notice--error'} verification`} data-valid={verdict.valid}>
          <p>
            {verdict.valid
              ? t('audit.valid', { count: verdict.entries })
              : t('audit.broken', { position: verdict.firstBroken?.position ?? '?', reason: verdict.firstBroken?.reason ?? '' })}
          </p>
        </div>
      ) : !verification.error ? (
        <Loading />
      ) : null}
      <p>
        <a href={`${base}/protocol`}>{t('audit.protocol')}</a>
      </p>
      {entries.first.error ? <ErrorNotice error={entries.first.error} onRetry={entries.first.reload} /> : null}
      {entries.first.data ? (
        entries.items.length === 0 ? (
          <p>{t('audit.empty')}</p>
        ) : (
          <div className="table-scroll">
            <table className="audit-table">
              <caption>{t('audit.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('audit.colNo')}</th>
                  <th scope="col">{t('audit.colTime')}</th>
                  <th scope="col">{t('audit.colAction')}</th>
                  <th scope="col">{t('audit.colStage')}</th>
                  <th scope="col">{t('audit.colActor')}</th>
                  <th scope="col">{t('audit.colHash')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.items.map((entry) => (
                  <tr key={entry.position} className={verdict?.firstBroken?.position === entry.position ? 'is-broken' : undefined}>
                    <th scope="row" data-label={t('audit.colNo')}>
                      {entry.position}
                    </th>
                    <td data-label={t('audit.colTime')}>
                      <time dateTime={entry.occurredAt}>{dateTime(entry.occurredAt)}</time>
                    </td>
                    <td data-label={t('audit.colAction')}>
                      <code>{entry.action}</code>
                    </td>
                    <td data-label={t('audit.colStage')}>{entry.stageKey ?? '–'}</td>
                    <td data-label={t('audit.colActor')}>{entry.actor}</td>
                    <td data-label={t('audit.colHash')}>
                      <code title={entry.hash}>{entry.hash.slice(0, 12)}…</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : !entries.first.error ? (
        <Loading />
      ) : null}
      {entries.moreError ? <ErrorNotice error={entries.moreError} /> : null}
      {entries.next ? (
        <button type="button" className="button" onClick={() => void entries.loadMore()} disabled={entries.loadingMore} aria-busy={entries.loadingMore}>
          {entries.loadingMore ? t('loading') : t('audit.more')}
        </button>
      ) : null}
    </section>
  );
}

function Moderation({ round, mayHide }: { round: Round; mayHide: boolean }) {
  const { t } = useI18n();
  const base = `/api/v1/rounds/${encodeURIComponent(round.id)}/comments`;
  const [version, setVersion] = useState(0);
  const [saved, setSaved] = useState('');
  const comments = usePaged<ModeratedComment>(`${base}?include=hidden&limit=50`, [version]);
  const hidden = comments.items.filter((comment) => comment.hidden).length;
  return (
    <section aria-labelledby="moderation-heading">
      <h2 id="moderation-heading">{t('moderation.title')}</h2>
      <p>
        <a href={`${base}.csv`}>{t('moderation.csv')}</a>
      </p>
      {saved ? <Saved message={saved} /> : null}
      {comments.first.error ? <ErrorNotice error={comments.first.error} onRetry={comments.first.reload} /> : null}
      {comments.first.data ? (
        comments.items.length === 0 ? (
          <p>{t('moderation.empty')}</p>
        ) : (
          <>
            <p className="count">{t('moderation.count', { count: comments.items.length, hidden })}</p>
            <ul className="comments">
              {comments.items.map((comment) => (
                <ModeratedItem
                  key={comment.id}
                  roundId={round.id}
                  comment={comment}
                  mayHide={mayHide}
                  onHidden={() => {
                    setSaved(t('moderation.hiddenNow'));
                    setVersion((value) => value + 1);
                  }}
                />
              ))}
            </ul>
          </>
        )
      ) : !comments.first.error ? (
        <Loading />
      ) : null}
      {comments.moreError ? <ErrorNotice error={comments.moreError} /> : null}
      {comments.next ? (
        <button type="button" className="button" onClick={() => void comments.loadMore()} disabled={comments.loadingMore} aria-busy={comments.loadingMore}>
          {comments.loadingMore ? t('loading') : t('moderation.more')}
        </button>
      ) : null}
    </section>
  );
}

function ModeratedItem({ roundId, comment, mayHide, onHidden }: { roundId: string; comment: ModeratedComment; mayHide: boolean; onHidden: () => void }) {
  const { t, dateTime } = useI18n();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const reasonField = useRef<HTMLTextAreaElement>(null);
  const hideButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) reasonField.current?.focus();
  }, [open]);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!reason.trim()) {
      setMissing(true);
      reasonField.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api(`/api/v1/rounds/${encodeURIComponent(roundId)}/comments/${encodeURIComponent(comment.id)}/hide`, {
        method: 'POST',
        body: { reason: reason.trim() },
        idempotencyKey: newIdempotencyKey(),
      });
      setOpen(false);
      onHidden();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className={`comment${comment.hidden ? ' comment--hidden' : ''}`} data-comment-id={comment.id}>
      <p className="comment__meta">
        {comment.hidden ? <span className="badge badge--hidden">{t('moderation.hidden')}</span> : null}
        {comment.name ?? t('moderation.anonymous')} · <time dateTime={comment.createdAt}>{dateTime(comment.createdAt)}</time> · {comment.stageKey}
      </p>
      <p className="comment__text">{comment.text}</p>
      {comment.hidden && comment.hiddenReason ? <p className="hint">{t('moderation.hiddenReason', { reason: comment.hiddenReason })}</p> : null}
      {mayHide && !comment.hidden ? (
        open ? (
          <form className="form" onSubmit={(event) => void submit(event)} noValidate aria-label={t('moderation.hideSubmit')}>
            <div className="field">
              <label htmlFor={`${id}-reason`}>{t('moderation.hideReason')}</label>
              <textarea
                id={`${id}-reason`}
                ref={reasonField}
                rows={2}
                maxLength={1000}
                value={reason}
                aria-invalid={missing ? true : undefined}
                aria-describedby={missing ? `${id}-reason-error` : undefined}
                onChange={(event) => setReason(event.target.value)}
              />
              {missing ? (
                <p className="field-error" id={`${id}-reason-error`}>
                  {t('actions.required')}
                </p>
              ) : null}
            </div>
            {error ? <ErrorNotice error={error} /> : null}
            <div className="actions">
              <button type="submit" className="button button--primary" disabled={busy} aria-busy={busy}>
                {busy ? t('actions.saving') : t('moderation.hideSubmit')}
              </button>
              <button
                type="button"
                className="button"
                onClick={() => {
                  setOpen(false);
                  setTimeout(() => hideButton.current?.focus(), 0);
                }}
              >
                {t('moderation.hideCancel')}
              </button>
            </div>
          </form>
        ) : (
          <button type="button" className="button" ref={hideButton} onClick={() => setOpen(true)}>
            {t('moderation.hide')}
            <span className="visually-hidden">: {comment.text.slice(0, 60)}</span>
          </button>
        )
      ) : null}
    </li>
  );
}
