import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, ApiError } from '../api';
import { errorMessage, useLoad } from '../components/common';
import { PageTitle } from '../components/layout';
import { useI18n } from '../i18n';
import { landingPath, safeTarget, useSession } from '../session';
import type { AuthOptions, LoginRequest, LoginResponse } from '../types';

/** E-mail address and password; the second-factor code field appears when the API asks for it. */
export function SignInPage() {
  const { t } = useI18n();
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [otp, setOtp] = useState('');
  const [needsOtp, setNeedsOtp] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const otpInput = useRef<HTMLInputElement>(null);
  // The identity provider's button only where it is configured (the route is 404 otherwise).
  const options = useLoad((signal) => api<AuthOptions>('/api/v1/auth/options', { signal }), []);

  useEffect(() => {
    if (needsOtp) otpInput.current?.focus();
  }, [needsOtp]);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body: LoginRequest = { email, password, ...(needsOtp && otp ? { otp: otp.trim() } : {}) };
      const answer = await api<LoginResponse>('/api/v1/auth/login', { method: 'POST', body });
      const user = { ...answer.user, mfaEnrollmentRequired: answer.mfaEnrollmentRequired };
      signedIn(user);
      // Where the person goes once signed in (after setting up the second factor, if that comes first).
      const target = safeTarget(params.get('weiter'), landingPath({ ...answer.user, mfaEnrollmentRequired: false }));
      if (answer.mfaEnrollmentRequired) {
        // Only the set-up of the second factor is open until it is done; then on to where the person was going.
        await navigate(`/konto/zweiter-faktor?weiter=${encodeURIComponent(target)}`, { replace: true });
        return;
      }
      await navigate(target, { replace: true });
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'mfa-required') {
        if (needsOtp) setError(caught.problem.detail ?? t('signIn.otpNeeded'));
        setNeedsOtp(true);
      } else if (caught instanceof ApiError && caught.status === 401) {
        setError(caught.problem.detail ?? t('signIn.failed'));
      } else {
        setError(errorMessage(caught, t('error.network')));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="narrow">
      <PageTitle>{t('signIn.title')}</PageTitle>
      <p>{t('signIn.intro')}</p>
      {error ? (
        <div className="notice notice--error" role="alert">
          <p>{error}</p>
        </div>
      ) : null}
      <form className="form" onSubmit={(event) => void submit(event)} noValidate={false}>
        <div className="field">
          <label htmlFor="email">{t('signIn.email')}</label>
          <input id="email" name="email" type="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="password">{t('signIn.password')}</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
        </div>
        {needsOtp ? (
          <div className="field">
            <p className="notice" role="status">
              {t('signIn.otpNeeded')}
            </p>
            <label htmlFor="otp">{t('signIn.otp')}</label>
            <input
              id="otp"
              name="otp"
              ref={otpInput}
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6}"
              maxLength={6}
              required
              aria-describedby="otp-hint"
              value={otp}
              onChange={(event) => setOtp(event.target.value)}
            />
            <p id="otp-hint" className="hint">
              {t('signIn.otpHint')}
            </p>
          </div>
        ) : null}
        <button type="submit" className="button button--primary" disabled={busy} aria-busy={busy}>
          {busy ? t('signIn.submitting') : t('signIn.submit')}
        </button>
      </form>
      {options.data?.oidc ? (
        <>
          <p className="separator">{t('signIn.or')}</p>
          <p>
            {/* A full page load: the API redirects to the municipality's identity provider. */}
            <a className="button" href="/api/v1/auth/oidc/login">
              {t('signIn.oidc')}
            </a>
          </p>
        </>
      ) : null}
    </div>
  );
}
