import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, ApiError, newIdempotencyKey } from '../api';
import { ErrorNotice, Loading, useLoad } from '../components/common';
import { PageTitle } from '../components/layout';
import { useI18n } from '../i18n';
import type { MessageKey } from '../messages';
import { useSession } from '../session';
import type { Page, Round } from '../types';
import './admin.css';

/** One template in GET /api/v1/templates */
interface TemplateSummary {
  key: string;
  title: string;
  version: number;
}

interface WizardStage {
  key: string;
  title: { de: string; en: string };
  deadline?: { at: string } | { offset: string } | { meeting: string; urgent?: boolean };
}

/** GET /api/v1/templates/{key}: every version with its definition. */
interface TemplateDetail {
  key: string;
  title: string;
  description?: string;
  latestVersion: number;
  versions: { version: number; title: string; definition: { version: number; stages: WizardStage[]; parameters?: Record<string, unknown> } }[];
}

interface Dated {
  at: string;
  rule: string;
}

/** POST /api/v1/templates/{key}/preview */
export interface Schedule {
  templateKey: string;
  templateVersion: number;
  start: string;
  stages: {
    key: string;
    title: string;
    body?: string;
    opens: string;
    closes?: string;
    deadline?: Dated;
    invitationDeadline?: Dated;
    meeting?: { key: string; start?: string };
    reminders: { before: string; at: string }[];
  }[];
}

type Step = 1 | 2 | 3 | 4;
const STEP_NAMES: Record<Step, MessageKey> = { 1: 'wizard.step1', 2: 'wizard.step2', 3: 'wizard.step3', 4: 'wizard.step4' };

/** The meetings a template's deadlines depend on, with the stages that use each. */
function meetingsOf(stages: WizardStage[], locale: 'de' | 'en'): { key: string; stages: string[] }[] {
  const found = new Map<string, string[]>();
  for (const stage of stages) {
    if (stage.deadline && 'meeting' in stage.deadline) {
      const list = found.get(stage.deadline.meeting) ?? [];
      list.push(stage.title[locale]);
      found.set(stage.deadline.meeting, list);
    }
  }
  return [...found].map(([key, titles]) => ({ key, stages: titles }));
}

/** `datetime-local` value (the browser's zone) to an instant; empty stays empty. */
function instantOf(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Field errors of a Problem Details answer by field name (`title`, `start`, `meetings.rat`, …). */
function fieldErrors(error: unknown): Record<string, string> | null {
  if (!(error instanceof ApiError) || !error.problem.errors?.length) return null;
  const byField: Record<string, string> = {};
  for (const entry of error.problem.errors) byField[entry.field] = byField[entry.field] ? `${byField[entry.field]}; ${entry.message}` : entry.message;
  return byField;
}

/** Administrators only; everybody else is told so. */
export function AdminOnly({ children }: { children: ReactNode }) {
  const { me } = useSession();
  const { t } = useI18n();
  if (!me?.roles.includes('admin')) {
    return (
      <>
        <PageTitle>{t('forbidden.title')}</PageTitle>
        <p>{t('forbidden.text')}</p>
      </>
    );
  }
  return <>{children}</>;
}

/**
 * `/runden/neu`: the start-round wizard. 1 template and version, 2 title, start and meetings,
 * 3 the computed schedule (picture and table), 4 start (with an Idempotency-Key) → the round page.
 */
export function StartRoundWizard() {
  const { t, locale, dateTime } = useI18n();
  const navigate = useNavigate();
  const id = useId();
  const [step, setStep] = useState<Step>(1);
  const [templateKey, setTemplateKey] = useState('');
  const [version, setVersion] = useState<number | undefined>(undefined);
  const [title, setTitle] = useState('');
  const [start, setStart] = useState('');
  const [meetings, setMeetings] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [schedule, setSchedule] = useState<Schedule | null>(null);
  const idempotencyKey = useRef('');
  const stepHeading = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);

  const templates = useLoad((signal) => api<Page<TemplateSummary>>('/api/v1/templates?limit=200', { signal }), []);
  const detail = useLoad(
    (signal) => (templateKey ? api<TemplateDetail>(`/api/v1/templates/${encodeURIComponent(templateKey)}`, { signal }) : Promise.resolve(undefined)),
    [templateKey],
  );
  const current = detail.data?.key === templateKey ? detail.data : undefined;
  const chosen = current?.versions.find((candidate) => candidate.version === version) ?? current?.versions.at(-1);
  const meetingList = chosen ? meetingsOf(chosen.definition.stages, locale) : [];

  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    stepHeading.current?.focus();
  }, [step]);

  const body = () => {
    const picked: Record<string, string> = {};
    for (const meeting of meetingList) {
      const at = instantOf(meetings[meeting.key] ?? '');
      if (at) picked[meeting.key] = at;
    }
    const startAt = instantOf(start);
    return {
      ...(chosen ? { templateVersion: chosen.version } : {}),
      ...(startAt ? { start: startAt } : {}),
      ...(Object.keys(picked).length > 0 ? { meetings: picked } : {}),
    };
  };

  const failed = (error: unknown) => {
    const byField = fieldErrors(error);
    if (byField) {
      setErrors(byField);
      setProblem(null);
      setStep(2);
    } else setProblem(error);
  };

  const toStep2 = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!templateKey || !chosen) {
      setErrors({ template: t('wizard.pickTemplate') });
      return;
    }
    setErrors({});
    setStep(2);
  };

  const toStep3 = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!title.trim()) {
      setErrors({ title: t('wizard.titleMissing') });
      return;
    }
    setErrors({});
    setProblem(null);
    setBusy(true);
    try {
      const planned = await api<Schedule>(`/api/v1/templates/${encodeURIComponent(templateKey)}/preview`, { method: 'POST', body: body() });
      setSchedule(planned);
      setStep(3);
    } catch (error) {
      failed(error);
    } finally {
      setBusy(false);
    }
  };

  const toStep4 = () => {
    idempotencyKey.current = newIdempotencyKey();
    setProblem(null);
    setStep(4);
  };

  const startRound = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const round = await api<Round>('/api/v1/rounds', {
        method: 'POST',
        body: { templateKey, title: title.trim(), ...body() },
        idempotencyKey: idempotencyKey.current,
      });
      await navigate(`/runden/${round.id}`);
    } catch (error) {
      failed(error);
    } finally {
      setBusy(false);
    }
  };

  const errorOf = (field: string) =>
    errors[field] ? (
      <p className="field-error" id={`${id}-${field}-error`}>
        {errors[field]}
      </p>
    ) : null;
  const describedBy = (field: string, hint = false) => [hint ? `${id}-${field}-hint` : '', errors[field] ? `${id}-${field}-error` : ''].filter(Boolean).join(' ') || undefined;
  const hasErrors = Object.keys(errors).length > 0;

  return (
    <>
      <p className="back">
        <Link to="/runden">{t('round.back')}</Link>
      </p>
      <PageTitle>{t('wizard.title')}</PageTitle>
      <nav aria-label={t('wizard.steps')}>
        <ol className="wizard-steps">
          {([1, 2, 3, 4] as const).map((n) => (
            <li key={n} className={n === step ? 'is-current' : n < step ? 'is-done' : undefined} aria-current={n === step ? 'step' : undefined}>
              <span className="wizard-steps__n" aria-hidden="true">
                {n}
              </span>{' '}
              {t(STEP_NAMES[n])}
              {n < step ? <span className="visually-hidden"> {t('wizard.done')}</span> : null}
            </li>
          ))}
        </ol>
      </nav>
      <h2 ref={stepHeading} tabIndex={-1} className="wizard-heading">
        {t('wizard.progress', { n: step, total: 4, name: t(STEP_NAMES[step]) })}
      </h2>
      {problem ? <ErrorNotice error={problem} /> : null}
      {hasErrors && step === 2 ? (
        <div className="notice notice--error" role="alert">
          <p>{t('wizard.fixErrors')}</p>
        </div>
      ) : null}

      {step === 1 ? (
        templates.error ? (
          <ErrorNotice error={templates.error} onRetry={templates.reload} />
        ) : !templates.data ? (
          <Loading />
        ) : (
          <form className="form wizard-form" onSubmit={toStep2} noValidate aria-labelledby={`${id}-s1`}>
            <h3 id={`${id}-s1`} className="visually-hidden">
              {t('wizard.step1')}
            </h3>
            <div className="field">
              <label htmlFor={`${id}-template`}>{t('wizard.template')}</label>
              <select
                id={`${id}-template`}
                value={templateKey}
                aria-describedby={describedBy('template', true)}
                aria-invalid={errors.template ? true : undefined}
                onChange={(event) => {
                  setTemplateKey(event.target.value);
                  setVersion(undefined);
                  setMeetings({});
                  setErrors({});
                }}
              >
                <option value="">–</option>
                {templates.data.data.map((template) => (
                  <option key={template.key} value={template.key}>
                    {template.title} ({template.key})
                  </option>
                ))}
              </select>
              <p className="hint" id={`${id}-template-hint`}>
                {t('wizard.templateHint')}
              </p>
              {errorOf('template')}
            </div>
            {templateKey && detail.error ? <ErrorNotice error={detail.error} onRetry={detail.reload} /> : null}
            {templateKey && !current && !detail.error ? <Loading /> : null}
            {current && chosen ? (
              <>
                {current.description ? <p>{current.description}</p> : null}
                <div className="field">
                  <label htmlFor={`${id}-version`}>{t('wizard.version')}</label>
                  <select id={`${id}-version`} value={chosen.version} onChange={(event) => setVersion(Number(event.target.value))}>
                    {[...current.versions].reverse().map((candidate) => (
                      <option key={candidate.version} value={candidate.version}>
                        {candidate.version === current.latestVersion ? t('wizard.versionLatest', { version: candidate.version }) : t('wizard.versionN', { version: candidate.version })}
                      </option>
                    ))}
                  </select>
                </div>
                <p className="hint">{t('wizard.stagesOf', { stages: chosen.definition.stages.map((stage) => stage.title[locale]).join(' → ') })}</p>
              </>
            ) : null}
            <div className="actions">
              <button type="submit" className="button button--primary">
                {t('wizard.next')}
              </button>
            </div>
          </form>
        )
      ) : null}

      {step === 2 ? (
        <form className="form wizard-form" onSubmit={(event) => void toStep3(event)} noValidate aria-labelledby={`${id}-s2`}>
          <h3 id={`${id}-s2`} className="visually-hidden">
            {t('wizard.step2')}
          </h3>
          <div className="field">
            <label htmlFor={`${id}-title`}>{t('wizard.roundTitle')}</label>
            <input
              id={`${id}-title`}
              type="text"
              maxLength={300}
              value={title}
              aria-invalid={errors.title ? true : undefined}
              aria-describedby={describedBy('title', true)}
              onChange={(event) => setTitle(event.target.value)}
            />
            <p className="hint" id={`${id}-title-hint`}>
              {t('wizard.roundTitleHint')}
            </p>
            {errorOf('title')}
          </div>
          <div className="field">
            <label htmlFor={`${id}-start`}>{t('wizard.start')}</label>
            <input
              id={`${id}-start`}
              type="datetime-local"
              value={start}
              aria-invalid={errors.start ? true : undefined}
              aria-describedby={describedBy('start', true)}
              onChange={(event) => setStart(event.target.value)}
            />
            <p className="hint" id={`${id}-start-hint`}>
              {t('wizard.startHint')}
            </p>
            {errorOf('start')}
          </div>
          <fieldset className="field">
            <legend>{t('wizard.meetings')}</legend>
            {meetingList.length === 0 ? (
              <p className="hint">{t('wizard.noMeetings')}</p>
            ) : (
              <>
                <p className="hint">{t('wizard.meetingsHint')}</p>
                {meetingList.map((meeting) => {
                  const field = `meetings.${meeting.key}`;
                  return (
                    <div className="field" key={meeting.key}>
                      <label htmlFor={`${id}-meeting-${meeting.key}`}>{t('wizard.meeting', { key: meeting.key, stages: meeting.stages.join(', ') })}</label>
                      <input
                        id={`${id}-meeting-${meeting.key}`}
                        type="datetime-local"
                        value={meetings[meeting.key] ?? ''}
                        aria-invalid={errors[field] ? true : undefined}
                        aria-describedby={describedBy(field)}
                        onChange={(event) => setMeetings((now) => ({ ...now, [meeting.key]: event.target.value }))}
                      />
                      {errorOf(field)}
                    </div>
                  );
                })}
              </>
            )}
            {errorOf('meetings')}
          </fieldset>
          {Object.entries(errors)
            .filter(([field]) => field !== 'title' && field !== 'start' && field !== 'meetings' && !field.startsWith('meetings.'))
            .map(([field, message]) => (
              <p className="field-error" key={field}>
                <code>{field}</code>: {message}
              </p>
            ))}
          <div className="actions">
            <button type="submit" className="button button--primary" disabled={busy} aria-busy={busy}>
              {busy ? t('wizard.computing') : t('wizard.next')}
            </button>
            <button type="button" className="button" onClick={() => setStep(1)} disabled={busy}>
              {t('wizard.back')}
            </button>
          </div>
        </form>
      ) : null}

      {step === 3 && schedule ? (
        <>
          <p>{t('wizard.scheduleIntro')}</p>
          <SchedulePicture schedule={schedule} />
          <ScheduleTable schedule={schedule} />
          <div className="actions">
            <button type="button" className="button button--primary" onClick={toStep4}>
              {t('wizard.next')}
            </button>
            <button type="button" className="button" onClick={() => setStep(2)}>
              {t('wizard.back')}
            </button>
          </div>
        </>
      ) : null}

      {step === 4 && chosen ? (
        <section className="decision" aria-labelledby={`${id}-s4`}>
          <h3 id={`${id}-s4`}>{t('wizard.confirmTitle')}</h3>
          <p>{t('wizard.confirmText')}</p>
          <dl className="facts">
            <div>
              <dt>{t('wizard.roundTitle')}</dt>
              <dd>{title.trim()}</dd>
            </div>
            <div>
              <dt>{t('wizard.template')}</dt>
              <dd>
                {chosen.title} ({templateKey} v{chosen.version})
              </dd>
            </div>
            <div>
              <dt>{t('wizard.start')}</dt>
              <dd>{instantOf(start) ? dateTime(instantOf(start) as string) : t('wizard.now')}</dd>
            </div>
            {meetingList.map((meeting) => (
              <div key={meeting.key}>
                <dt>{t('wizard.meeting', { key: meeting.key, stages: meeting.stages.join(', ') })}</dt>
                <dd>{instantOf(meetings[meeting.key] ?? '') ? dateTime(instantOf(meetings[meeting.key] ?? '') as string) : t('wizard.none')}</dd>
              </div>
            ))}
          </dl>
          <div className="actions">
            <button type="button" className="button button--primary" onClick={() => void startRound()} disabled={busy} aria-busy={busy}>
              {busy ? t('wizard.starting') : t('wizard.submit')}
            </button>
            <button type="button" className="button" onClick={() => setStep(3)} disabled={busy}>
              {t('wizard.back')}
            </button>
          </div>
        </section>
      ) : null}
    </>
  );
}

/** Where an instant falls between the schedule's first and last instant, in per cent. */
function scale(schedule: Schedule): (iso: string) => number {
  const instants = schedule.stages.flatMap((stage) => [stage.opens, stage.closes, stage.deadline?.at, stage.meeting?.start, ...stage.reminders.map((reminder) => reminder.at)]);
  const times = [schedule.start, ...instants].filter((value): value is string => !!value).map((value) => Date.parse(value));
  const min = Math.min(...times);
  const max = Math.max(...times);
  const span = Math.max(1, max - min);
  return (iso) => Math.min(100, Math.max(0, ((Date.parse(iso) - min) / span) * 100));
}

/**
 * The schedule as a picture: one row per stage, its planned window as a bar, the deadline as a
 * diamond and reminders as ticks, with every date and rule also written out next to it.
 */
export function SchedulePicture({ schedule }: { schedule: Schedule }) {
  const { t, dateTime } = useI18n();
  const id = useId();
  const at = scale(schedule);
  return (
    <figure className="plan" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>
        <strong>{t('wizard.picture')}</strong>
        <span className="hint"> {t('wizard.pictureDesc')}</span>
      </figcaption>
      <ol className="plan__stages">
        {schedule.stages.map((stage) => {
          const from = at(stage.opens);
          const end = stage.deadline?.at ?? stage.closes;
          const to = end ? at(end) : 100;
          return (
            <li key={stage.key} className="plan__stage" data-stage={stage.key}>
              <p className="plan__title">{stage.title}</p>
              <div className="plan__track" aria-hidden="true">
                <span className={`plan__bar${end ? '' : ' plan__bar--open-ended'}`} style={{ left: `${from}%`, width: `${Math.max(0.8, to - from)}%` }} />
                {stage.reminders.map((reminder) => (
                  <span key={`${reminder.before}-${reminder.at}`} className="plan__reminder" style={{ left: `${at(reminder.at)}%` }} />
                ))}
                {stage.deadline ? <span className="plan__deadline" style={{ left: `${at(stage.deadline.at)}%` }} /> : null}
              </div>
              <p className="plan__text">
                <span>{t('wizard.opens', { date: dateTime(stage.opens) })}</span>
                {' · '}
                <span>{stage.deadline ? t('wizard.deadlineAt', { date: dateTime(stage.deadline.at) }) : t('wizard.noDeadline')}</span>
                {stage.deadline ? (
                  <>
                    {' · '}
                    <span className="rule">{t('wizard.rule', { rule: stage.deadline.rule })}</span>
                  </>
                ) : null}
                {stage.invitationDeadline ? (
                  <>
                    {' · '}
                    <span>{t('wizard.invitation', { date: dateTime(stage.invitationDeadline.at), rule: stage.invitationDeadline.rule })}</span>
                  </>
                ) : null}
                {stage.reminders.map((reminder) => (
                  <span key={`${reminder.before}-${reminder.at}`}>
                    {' · '}
                    {t('wizard.reminder', { date: dateTime(reminder.at) })}
                  </span>
                ))}
              </p>
            </li>
          );
        })}
      </ol>
    </figure>
  );
}

/** The same schedule as a table (for screen readers and for printing). */
export function ScheduleTable({ schedule }: { schedule: Schedule }) {
  const { t, dateTime } = useI18n();
  return (
    <div className="table-scroll">
      <table className="plan-table">
        <caption>{t('wizard.table')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('wizard.colStage')}</th>
            <th scope="col">{t('wizard.colOpens')}</th>
            <th scope="col">{t('wizard.colDeadline')}</th>
            <th scope="col">{t('wizard.colRule')}</th>
            <th scope="col">{t('wizard.colReminders')}</th>
          </tr>
        </thead>
        <tbody>
          {schedule.stages.map((stage) => (
            <tr key={stage.key}>
              <th scope="row" data-label={t('wizard.colStage')}>
                {stage.title}
              </th>
              <td data-label={t('wizard.colOpens')}>{dateTime(stage.opens)}</td>
              <td data-label={t('wizard.colDeadline')}>{stage.deadline ? dateTime(stage.deadline.at) : t('wizard.noDeadline')}</td>
              <td data-label={t('wizard.colRule')}>{stage.deadline?.rule ?? '–'}</td>
              <td data-label={t('wizard.colReminders')}>{stage.reminders.length > 0 ? stage.reminders.map((reminder) => dateTime(reminder.at)).join('; ') : t('wizard.noReminders')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
