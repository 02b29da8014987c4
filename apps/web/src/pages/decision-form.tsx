import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { api, newIdempotencyKey } from '../api';
import { ErrorNotice } from '../components/common';
import { useI18n } from '../i18n';
import type { DecisionRequest, Outcome, Round, Stage } from '../types';

interface Draft {
  outcome: Outcome | '';
  resolutionText: string;
  yes: string;
  no: string;
  abstain: string;
  nextMeetingStart: string;
}

const EMPTY: Draft = { outcome: '', resolutionText: '', yes: '', no: '', abstain: '', nextMeetingStart: '' };
const COUNT = /^\d{1,5}$/;

/** The request from the form, or the message that says what is missing. */
function requestOf(draft: Draft): { request?: DecisionRequest; problem?: 'decision.pickOutcome' | 'decision.votesInvalid' } {
  if (!draft.outcome) return { problem: 'decision.pickOutcome' };
  const votes = [draft.yes, draft.no, draft.abstain].map((value) => value.trim());
  const anyVotes = votes.some((value) => value !== '');
  if (anyVotes && !votes.every((value) => COUNT.test(value))) return { problem: 'decision.votesInvalid' };
  const [yes = '0', no = '0', abstain = '0'] = votes;
  const resolutionText = draft.resolutionText.trim();
  return {
    request: {
      outcome: draft.outcome,
      ...(resolutionText ? { resolutionText } : {}),
      ...(anyVotes ? { votes: { yes: Number(yes), no: Number(no), abstain: Number(abstain) } } : {}),
      ...(draft.outcome === 'postponed' && draft.nextMeetingStart ? { nextMeetingStart: new Date(draft.nextMeetingStart).toISOString() } : {}),
    },
  };
}

/**
 * The secretary's decision on an open stage: outcome, resolution text and votes, then a
 * confirmation step; sent once with an Idempotency-Key (a repeated click records nothing twice).
 */
export function DecisionForm({ round, stage, outcomes, onDecided }: { round: Round; stage: Stage; outcomes: Outcome[]; onDecided: (round: Round, message: string) => void }) {
  const { t, dateTime } = useI18n();
  const id = useId();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [step, setStep] = useState<'edit' | 'confirm'>('edit');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  /** One key per confirmed decision: a retry after a lost answer is answered from the API's record. */
  const idempotencyKey = useRef<string>('');
  const confirmHeading = useRef<HTMLHeadingElement>(null);
  const editHeading = useRef<HTMLHeadingElement>(null);
  const problemNotice = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (step === 'confirm') confirmHeading.current?.focus();
  }, [step]);
  useEffect(() => {
    if (problem) problemNotice.current?.focus();
  }, [problem]);

  const set = (field: keyof Draft) => (event: { target: { value: string } }) => setDraft((current) => ({ ...current, [field]: event.target.value }));
  const built = requestOf(draft);

  const review = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (built.problem) {
      setProblem(t(built.problem));
      return;
    }
    setProblem(null);
    setError(null);
    idempotencyKey.current = newIdempotencyKey();
    setStep('confirm');
  };

  const confirm = async () => {
    if (!built.request) return;
    setBusy(true);
    setError(null);
    try {
      const after = await api<Round>(`/api/v1/rounds/${encodeURIComponent(round.id)}/stages/${encodeURIComponent(stage.key)}/decision`, {
        method: 'POST',
        body: built.request,
        idempotencyKey: idempotencyKey.current,
      });
      // The round page shows the confirmation: this form goes once the stage is decided.
      onDecided(after, t('decision.saved', { outcome: t(`outcome.${built.request.outcome}`), stage: stage.title }));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const backToEdit = () => {
    setStep('edit');
    // The form comes back; its heading takes the focus again.
    setTimeout(() => editHeading.current?.focus(), 0);
  };

  const headingId = `${id}-heading`;
  if (step === 'confirm' && built.request) {
    const request = built.request;
    return (
      <section className="decision decision--confirm" aria-labelledby={`${id}-confirm`}>
        <h4 id={`${id}-confirm`} tabIndex={-1} ref={confirmHeading}>
          {t('decision.confirmTitle')}
        </h4>
        <p>{t('decision.confirmText')}</p>
        <dl className="facts">
          <div>
            <dt>{t('decision.outcome')}</dt>
            <dd>{t(`outcome.${request.outcome}`)}</dd>
          </div>
          <div>
            <dt>{t('decision.resolution')}</dt>
            <dd>{request.resolutionText ?? t('decision.none')}</dd>
          </div>
          <div>
            <dt>{t('decision.votes')}</dt>
            <dd>{request.votes ? t('round.votes', { ...request.votes }) : t('decision.none')}</dd>
          </div>
          {request.nextMeetingStart ? (
            <div>
              <dt>{t('decision.nextMeeting')}</dt>
              <dd>{dateTime(request.nextMeetingStart)}</dd>
            </div>
          ) : null}
        </dl>
        {error ? <ErrorNotice error={error} /> : null}
        <div className="actions">
          <button type="button" className="button button--primary" onClick={() => void confirm()} disabled={busy} aria-busy={busy}>
            {busy ? t('decision.saving') : t('decision.confirm')}
          </button>
          <button type="button" className="button" onClick={backToEdit} disabled={busy}>
            {t('decision.back')}
          </button>
        </div>
      </section>
    );
  }

  return (
    <form className="decision form" onSubmit={review} aria-labelledby={headingId} noValidate>
      <h4 id={headingId} tabIndex={-1} ref={editHeading}>
        {t('decision.title', { stage: stage.title })}
      </h4>
      {problem ? (
        <div className="notice notice--error" role="alert" tabIndex={-1} ref={problemNotice}>
          <p>{problem}</p>
        </div>
      ) : null}
      <fieldset className="field">
        <legend>{t('decision.outcome')}</legend>
        <div className="choices">
          {outcomes.map((outcome) => (
            <div className="choice" key={outcome}>
              <input
                type="radio"
                id={`${id}-outcome-${outcome}`}
                name={`${id}-outcome`}
                value={outcome}
                checked={draft.outcome === outcome}
                onChange={() => setDraft((current) => ({ ...current, outcome }))}
              />
              <label htmlFor={`${id}-outcome-${outcome}`}>{t(`outcome.${outcome}`)}</label>
            </div>
          ))}
        </div>
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-resolution`}>{t('decision.resolution')}</label>
        <textarea id={`${id}-resolution`} rows={4} maxLength={20000} aria-describedby={`${id}-resolution-hint`} value={draft.resolutionText} onChange={set('resolutionText')} />
        <p id={`${id}-resolution-hint`} className="hint">
          {t('decision.resolutionHint')}
        </p>
      </div>
      <fieldset className="field votes">
        <legend>{t('decision.votes')}</legend>
        {(['yes', 'no', 'abstain'] as const).map((field) => (
          <div className="field field--inline" key={field}>
            <label htmlFor={`${id}-${field}`}>{t(`decision.${field}`)}</label>
            <input id={`${id}-${field}`} type="number" inputMode="numeric" min={0} max={10000} step={1} value={draft[field]} onChange={set(field)} />
          </div>
        ))}
      </fieldset>
      {draft.outcome === 'postponed' ? (
        <div className="field">
          <label htmlFor={`${id}-next-meeting`}>{t('decision.nextMeeting')}</label>
          <input id={`${id}-next-meeting`} type="datetime-local" aria-describedby={`${id}-next-meeting-hint`} value={draft.nextMeetingStart} onChange={set('nextMeetingStart')} />
          <p id={`${id}-next-meeting-hint`} className="hint">
            {t('decision.nextMeetingHint')}
          </p>
        </div>
      ) : null}
      <button type="submit" className="button button--primary">
        {t('decision.review')}
      </button>
    </form>
  );
}
