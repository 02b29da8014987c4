import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, newIdempotencyKey } from '../api';
import { ErrorNotice, Loading, useLoad } from '../components/common';
import { PageTitle } from '../components/layout';
import { useI18n, type Locale } from '../i18n';
import type { MessageKey } from '../messages';
import { RequirePerson } from './my-area';

/** GET/PUT /api/v1/persons/{id}/notification-preferences */
interface Preferences {
  deliveryMode: 'immediate' | 'digest';
  optedOutKinds: string[];
  calendarFeed: boolean;
  /** The language of the person's e-mails and inbox entries. */
  locale: Locale;
}

/** The kinds of notification (as the API names them); invitations to meetings are required by law. */
const KINDS = [
  'round.started',
  'stage.opened',
  'stage.decided',
  'stage.closed',
  'stage.deadline_extended',
  'stage.meeting_moved',
  'stage.overdue',
  'stage.escalated',
  'meeting.invitation',
  'reminder.due',
  'implementation.status_due',
  'round.completed',
  'round.cancelled',
] as const;
const MANDATORY: readonly string[] = ['meeting.invitation'];

/** Einstellungen: the calendar subscription, e-mail preferences and the interface language. */
export function MySettingsPage() {
  return <RequirePerson>{(me) => <MySettings personId={me.personId} />}</RequirePerson>;
}

function MySettings({ personId }: { personId: string }) {
  const { t } = useI18n();
  const path = `/api/v1/persons/${encodeURIComponent(personId)}/notification-preferences`;
  const preferences = useLoad((signal) => api<Preferences>(path, { signal }), [path]);
  return (
    <>
      <PageTitle>{t('settings.title')}</PageTitle>
      {preferences.error ? <ErrorNotice error={preferences.error} onRetry={preferences.reload} /> : null}
      {!preferences.data && !preferences.error ? <Loading /> : null}
      {preferences.data ? (
        <>
          <CalendarFeed personId={personId} exists={preferences.data.calendarFeed} />
          <PreferencesForm path={path} initial={preferences.data} />
        </>
      ) : null}
      <LanguageChoice />
    </>
  );
}

function CalendarFeed({ personId, exists }: { personId: string; exists: boolean }) {
  const { t } = useI18n();
  const [feedUrl, setFeedUrl] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (feedUrl) field.current?.focus();
  }, [feedUrl]);

  const create = async () => {
    setBusy(true);
    setError(null);
    setCopied(null);
    try {
      const answer = await api<{ feedUrl: string }>(`/api/v1/persons/${encodeURIComponent(personId)}/calendar-token`, { method: 'POST', idempotencyKey: newIdempotencyKey() });
      setFeedUrl(new URL(answer.feedUrl, window.location.origin).toString());
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (!feedUrl) return;
    try {
      await navigator.clipboard.writeText(feedUrl);
      setCopied('yes');
    } catch {
      field.current?.select();
      setCopied('no');
    }
  };

  const webcal = feedUrl ? feedUrl.replace(/^https?:\/\//, 'webcal://') : null;
  return (
    <section aria-labelledby="calendar-heading" className="my-card">
      <h2 id="calendar-heading">{t('settings.calendar')}</h2>
      <p>{t('settings.calendarText')}</p>
      {exists && !feedUrl ? <p className="hint">{t('settings.calendarExists')}</p> : null}
      {error ? <ErrorNotice error={error} /> : null}
      {feedUrl && webcal ? (
        <div className="my-feed">
          <label htmlFor="calendar-url">{t('settings.calendarUrl')}</label>
          <input id="calendar-url" ref={field} type="text" readOnly value={feedUrl} aria-describedby="calendar-once" onFocus={(event) => event.currentTarget.select()} />
          <p id="calendar-once" className="hint">
            {t('settings.calendarShownOnce')}
          </p>
          <div className="actions">
            <button type="button" className="button" onClick={() => void copy()}>
              {t('settings.calendarCopy')}
            </button>
            <a className="button button--primary" href={webcal}>
              {t('settings.calendarWebcal')}
            </a>
          </div>
        </div>
      ) : null}
      <div role="status" className="my-status">
        {copied ? <p>{t(copied === 'yes' ? 'settings.calendarCopied' : 'settings.calendarCopyFailed')}</p> : null}
      </div>
      <button type="button" className={feedUrl || exists ? 'button' : 'button button--primary'} onClick={() => void create()} disabled={busy} aria-busy={busy}>
        {busy ? <span className="spinner" aria-hidden="true" /> : null}
        {t(feedUrl || exists ? 'settings.calendarRotate' : 'settings.calendarCreate')}
      </button>
    </section>
  );
}

function PreferencesForm({ path, initial }: { path: string; initial: Preferences }) {
  const { t } = useI18n();
  const [mode, setMode] = useState(initial.deliveryMode);
  const [optedOut, setOptedOut] = useState<string[]>(initial.optedOutKinds);
  const [mailLocale, setMailLocale] = useState<Locale>(initial.locale ?? 'de');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const answer = await api<Preferences>(path, { method: 'PUT', body: { deliveryMode: mode, optedOutKinds: optedOut, locale: mailLocale } });
      setMode(answer.deliveryMode);
      setOptedOut(answer.optedOutKinds);
      setMailLocale(answer.locale);
      setSaved(true);
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  const toggle = (kind: string, wanted: boolean) => {
    setSaved(false);
    setOptedOut((current) => (wanted ? current.filter((other) => other !== kind) : [...current.filter((other) => other !== kind), kind]));
  };

  return (
    <section aria-labelledby="preferences-heading" className="my-card">
      <h2 id="preferences-heading">{t('settings.notifications')}</h2>
      <form className="form" onSubmit={(event) => void submit(event)} aria-busy={busy}>
        <fieldset className="choices">
          <legend>{t('settings.deliveryMode')}</legend>
          {(['immediate', 'digest'] as const).map((value) => (
            <div className="choice" key={value}>
              <input
                id={`mode-${value}`}
                type="radio"
                name="deliveryMode"
                value={value}
                checked={mode === value}
                onChange={() => {
                  setSaved(false);
                  setMode(value);
                }}
              />
              <label htmlFor={`mode-${value}`}>{t(value === 'immediate' ? 'settings.immediate' : 'settings.digest')}</label>
            </div>
          ))}
        </fieldset>
        <fieldset className="choices" aria-describedby="mail-language-hint">
          <legend>{t('settings.mailLanguage')}</legend>
          <p id="mail-language-hint" className="hint">
            {t('settings.mailLanguageHint')}
          </p>
          {(['de', 'en'] as const).map((value) => (
            <div className="choice" key={value}>
              <input
                id={`mail-language-${value}`}
                type="radio"
                name="mailLanguage"
                value={value}
                checked={mailLocale === value}
                onChange={() => {
                  setSaved(false);
                  setMailLocale(value);
                }}
              />
              <label htmlFor={`mail-language-${value}`} lang={value}>
                {t(value === 'de' ? 'settings.german' : 'settings.english')}
              </label>
            </div>
          ))}
        </fieldset>
        <fieldset className="choices" aria-describedby="kinds-hint">
          <legend>{t('settings.kinds')}</legend>
          <p id="kinds-hint" className="hint">
            {t('settings.kindsHint')}
          </p>
          {KINDS.map((kind) => {
            const mandatory = MANDATORY.includes(kind);
            const id = `kind-${kind.replace(/\W/g, '-')}`;
            return (
              <div className="choice" key={kind}>
                <input id={id} type="checkbox" checked={mandatory || !optedOut.includes(kind)} disabled={mandatory} onChange={(event) => toggle(kind, event.currentTarget.checked)} />
                <label htmlFor={id}>
                  {t(`kind.${kind}` as MessageKey)}
                  {mandatory ? ` ${t('settings.mandatory')}` : ''}
                </label>
              </div>
            );
          })}
        </fieldset>
        {error ? <ErrorNotice error={error} /> : null}
        <div role="status" className="my-status">
          {saved ? <p className="notice notice--success">{t('settings.saved')}</p> : null}
        </div>
        <button type="submit" className="button button--primary" disabled={busy} aria-busy={busy}>
          {busy ? <span className="spinner" aria-hidden="true" /> : null}
          {busy ? t('settings.saving') : t('settings.save')}
        </button>
      </form>
    </section>
  );
}

function LanguageChoice() {
  const { t, locale, setLocale } = useI18n();
  const options: { value: Locale; label: MessageKey; lang: string }[] = [
    { value: 'de', label: 'settings.german', lang: 'de' },
    { value: 'en', label: 'settings.english', lang: 'en' },
  ];
  return (
    <section aria-labelledby="language-heading" className="my-card">
      <h2 id="language-heading">{t('settings.language')}</h2>
      <fieldset className="choices" aria-describedby="language-hint">
        <legend className="visually-hidden">{t('settings.language')}</legend>
        <p id="language-hint" className="hint">
          {t('settings.languageHint')}
        </p>
        {options.map((option) => (
          <div className="choice" key={option.value}>
            <input id={`language-${option.value}`} type="radio" name="language" value={option.value} checked={locale === option.value} onChange={() => setLocale(option.value)} />
            <label htmlFor={`language-${option.value}`} lang={option.lang}>
              {t(option.label)}
            </label>
          </div>
        ))}
      </fieldset>
    </section>
  );
}
