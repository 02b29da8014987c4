import { useEffect, useRef, type ReactNode } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useI18n } from '../i18n';
import type { MessageKey } from '../messages';
import { landingPath, useSession } from '../session';
import type { Me } from '../types';

interface NavItem {
  to: string;
  label: MessageKey;
  /** Who sees the item: any of these roles. */
  roles: readonly string[];
  /** A page of the API, not of this application. */
  external?: boolean;
  /** For anyone whose account is linked to a directory person (whatever the roles). */
  person?: boolean;
  /** For every signed-in person. */
  everyone?: boolean;
}

/** The navigation by role: only what the signed-in person may open. */
const NAV_ITEMS: readonly NavItem[] = [
  { to: '/runden', label: 'nav.rounds', roles: ['admin', 'secretary', 'member', 'auditor'] },
  { to: '/schriftfuehrung', label: 'nav.inbox', roles: ['secretary'] },
  { to: '/verzeichnis', label: 'nav.directory', roles: ['admin', 'secretary', 'member', 'auditor'] },
  { to: '/vorlagen', label: 'nav.templates', roles: ['admin', 'secretary', 'member', 'auditor'] },
  { to: '/api/docs', label: 'nav.apiDocs', roles: ['admin'], external: true },
  { to: '/mein-bereich', label: 'nav.myArea', roles: [], person: true },
  { to: '/mein-bereich/benachrichtigungen', label: 'nav.myNotifications', roles: [], person: true },
  { to: '/mein-bereich/einstellungen', label: 'nav.mySettings', roles: [], person: true },
  { to: '/konto/zweiter-faktor', label: 'nav.secondFactor', roles: [], everyone: true },
];

export function navigationFor(me: Me | null | undefined): readonly NavItem[] {
  if (!me) return [];
  // Until the required second factor is set up, the API opens nothing else.
  if (me.mfaEnrollmentRequired) return NAV_ITEMS.filter((item) => item.everyone);
  return NAV_ITEMS.filter((item) => (item.everyone ? true : item.person ? !!me.personId : item.roles.some((role) => me.roles.includes(role))));
}

/** Skip link, header with navigation and language switch, the main landmark, footer. */
export function Layout() {
  const { t, locale, setLocale } = useI18n();
  const { me, signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const items = navigationFor(me);

  // After a client-side navigation, the page's heading takes the focus (as a page load would reset it).
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const heading = main.current?.querySelector<HTMLElement>('h1');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    }
  }, [location.pathname]);

  const onSignOut = async () => {
    await signOut();
    await navigate('/anmelden');
  };

  return (
    <>
      <a className="skip-link" href="#inhalt">
        {t('skip.toMain')}
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <p className="brand">
            <Link to={me ? landingPath(me) : '/'}>{t('app.name')}</Link>
            <span className="brand__tagline">{t('app.tagline')}</span>
          </p>
          <div className="header-tools">
            <button type="button" className="button button--quiet" lang={locale === 'de' ? 'en' : 'de'} aria-label={t('lang.switchLabel')} onClick={() => setLocale(locale === 'de' ? 'en' : 'de')}>
              {t('lang.switch')}
            </button>
            {me ? (
              <>
                <span className="signed-in">{t('nav.signedInAs', { name: me.displayName ?? me.email ?? me.id })}</span>
                <button type="button" className="button button--quiet" onClick={() => void onSignOut()}>
                  {t('nav.signOut')}
                </button>
              </>
            ) : null}
          </div>
        </div>
        {items.length > 0 ? (
          <nav aria-label={t('nav.label')} className="site-nav">
            <ul>
              {items.map((item) => (
                <li key={item.to}>
                  {item.external ? <a href={item.to}>{t(item.label)}</a> : <NavLink to={item.to} end={item.to === '/mein-bereich'}>{t(item.label)}</NavLink>}
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
      </header>
      <main id="inhalt" ref={main} tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="site-footer">
        <p>{t('footer.text')}</p>
      </footer>
    </>
  );
}

/** A page's top: its heading (one h1 per page). */
export function PageTitle({ children }: { children: ReactNode }) {
  useDocumentTitle(typeof children === 'string' ? children : undefined);
  return <h1>{children}</h1>;
}

export function useDocumentTitle(title: string | undefined) {
  const { t } = useI18n();
  useEffect(() => {
    document.title = title ? `${title} – ${t('app.name')}` : t('app.name');
  }, [title, t]);
}
