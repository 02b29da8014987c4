import QRCode from 'qrcode';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router';
import { api, ApiError, newIdempotencyKey } from '../api';
import { errorMessage, ErrorNotice, Loading } from '../components/common';
import { PageTitle } from '../components/layout';
import { useI18n } from '../i18n';
import { landingPath, safeTarget, useSession } from '../session';
import type { TotpEnrolment } from '../types';

/** The secret in groups of four, as authenticator apps show it when typed in by hand. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * Setting up the second factor (TOTP): the otpauth URI as a QR code for the authenticator app,
 * the secret as text for typing it in, then a current code to confirm. Every signed-in user may
 * set it up; those whose role requires it are sent here after signing in.
 */
export function SecondFactorPage() {
  const { t } = useI18n();
  const { me, refresh } = useSession();
  const [params] = useSearchParams();
  const [lookUpError, setLookUpError] = useState<unknown>(null);
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const codeInput = useRef<HTMLInputElement>(null);
  const doneNotice = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (me === undefined) refresh().catch(setLookUpError);
  }, [me, refresh]);

  useEffect(() => {
    if (!enrolment) return;
    let current = true;
    QRCode.toString(enrolment.otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }).then(
      (svg) => {
        if (current) setQr(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
      },
      () => {
        if (current) setQr(null);
      },
    );
    codeInput.current?.focus();
    return () => {
      current = false;
    };
  }, [enrolment]);

  useEffect(() => {
    if (done) doneNotice.current?.focus();
  }, [done]);

  if (lookUpError) return <ErrorNotice error={lookUpError} />;
  if (me === undefined) return <Loading />;
  if (me === null) return <Navigate to={`/anmelden?weiter=${encodeURIComponent('/konto/zweiter-faktor')}`} />;

  const next = safeTarget(params.get('weiter'), landingPath(me));

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      setEnrolment(await api<TotpEnrolment>('/api/v1/me/mfa/totp', { method: 'POST', idempotencyKey: newIdempotencyKey() }));
    } catch (caught) {
      setError(errorMessage(caught, t('error.network')));
    } finally {
      setBusy(false);
    }
  };

  const confirm = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!/^\d{6}$/.test(code.trim())) {
      setError(t('mfa.codeInvalid'));
      codeInput.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api<void>('/api/v1/me/mfa/totp/confirm', { method: 'POST', body: { otp: code.trim() }, idempotencyKey: newIdempotencyKey() });
      await refresh();
      setDone(true);
    } catch (caught) {
      setError(caught instanceof ApiError && caught.status === 400 ? t('mfa.codeWrong') : errorMessage(caught, t('error.network')));
      codeInput.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  if (done || (me.mfaEnabled && !enrolment)) {
    return (
      <div className="narrow">
        <PageTitle>{t('mfa.title')}</PageTitle>
        <div className="notice notice--success" role="status" tabIndex={-1} ref={doneNotice}>
          <p>{done ? t('mfa.done') : t('mfa.active')}</p>
        </div>
        <p>
          <Link className="button button--primary" to={next}>
            {t('mfa.continue')}
          </Link>
        </p>
      </div>
    );
  }

  return (
    <div className="narrow">
      <PageTitle>{t('mfa.title')}</PageTitle>
      {me.mfaEnrollmentRequired ? (
        <div className="notice" role="status">
          <p>{t('mfa.required')}</p>
        </div>
      ) : null}
      <p>{t('mfa.intro')}</p>
      {error ? (
        <div className="notice notice--error" role="alert">
          <p>{error}</p>
        </div>
      ) : null}
      {!enrolment ? (
        <button type="button" className="button button--primary" disabled={busy} aria-busy={busy} onClick={() => void start()}>
          {t('mfa.start')}
        </button>
      ) : (
        <>
          <ol className="steps">
            <li>
              <p>{t('mfa.stepScan')}</p>
              {qr ? <img className="qr" src={qr} width={240} height={240} alt={t('mfa.qrAlt')} /> : <Loading />}
            </li>
            <li>
              <p id="secret-label">{t('mfa.stepSecret')}</p>
              <p>
                <code className="secret" aria-labelledby="secret-label" data-secret={enrolment.secret}>
                  {grouped(enrolment.secret)}
                </code>
              </p>
            </li>
            <li>
              <form className="form" onSubmit={(event) => void confirm(event)} noValidate>
                <div className="field">
                  <label htmlFor="totp-code">{t('mfa.code')}</label>
                  <input
                    id="totp-code"
                    ref={codeInput}
                    inputMode="numeric"
                    autoComplete="one-time-code"
                    pattern="[0-9]{6}"
                    maxLength={6}
                    required
                    aria-describedby="totp-code-hint"
                    value={code}
                    onChange={(event) => setCode(event.target.value)}
                  />
                  <p id="totp-code-hint" className="hint">
                    {t('mfa.codeHint')}
                  </p>
                </div>
                <button type="submit" className="button button--primary" disabled={busy} aria-busy={busy}>
                  {t('mfa.confirm')}
                </button>
              </form>
            </li>
          </ol>
        </>
      )}
    </div>
  );
}
