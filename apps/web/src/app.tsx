import { useEffect } from 'react';
import { createBrowserRouter, Link, Navigate, RouterProvider } from 'react-router';
import { ErrorNotice, Loading, RequireStaff } from './components/common';
import { Layout, PageTitle } from './components/layout';
import { I18nProvider, useI18n } from './i18n';
import { AdminOnly, StartRoundWizard } from './pages/admin-wizard';
import { ConsultationPage } from './pages/consultation';
import { DashboardPage } from './pages/dashboard';
import { DIRECTORY_ROUTES } from './pages/directory-routes';
import { MyAreaPage } from './pages/my-area';
import { MyNotificationsPage } from './pages/my-notifications';
import { MySettingsPage } from './pages/my-settings';
import { RoundPage } from './pages/round';
import { SignInPage } from './pages/sign-in';
import { SecondFactorPage } from './pages/second-factor';
import { isStaff, landingPath, SessionProvider, useSession } from './session';

/** `/`: the overview for signed-in staff, the sign-in page for everybody else. */
function Home() {
  const { me, refresh } = useSession();
  useEffect(() => {
    if (me === undefined) refresh().catch(() => undefined);
  }, [me, refresh]);
  if (me === undefined) return <Loading />;
  return <Navigate to={me && (isStaff(me) || me.mfaEnrollmentRequired) ? landingPath(me) : '/anmelden'} replace />;
}

function NotFound() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle>{t('notFound.title')}</PageTitle>
      <p>{t('notFound.text')}</p>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </>
  );
}

function RouteError() {
  return (
    <main id="inhalt">
      <ErrorNotice error={new Error('Unexpected error')} onRetry={() => window.location.reload()} />
    </main>
  );
}

/** Client-side routes; the API answers every one of these paths with index.html. */
const router = createBrowserRouter([
  {
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      { path: '/', element: <Home /> },
      { path: '/anmelden', element: <SignInPage /> },
      { path: '/konto/zweiter-faktor', element: <SecondFactorPage /> },
      {
        path: '/runden',
        element: (
          <RequireStaff>
            <DashboardPage />
          </RequireStaff>
        ),
      },
      {
        path: '/runden/neu',
        element: (
          <RequireStaff>
            <AdminOnly>
              <StartRoundWizard />
            </AdminOnly>
          </RequireStaff>
        ),
      },
      {
        path: '/runden/:id',
        element: (
          <RequireStaff>
            <RoundPage />
          </RequireStaff>
        ),
      },
      { path: '/beteiligung/:roundId', element: <ConsultationPage /> },
      ...DIRECTORY_ROUTES,
      { path: '/mein-bereich', element: <MyAreaPage /> },
      { path: '/mein-bereich/benachrichtigungen', element: <MyNotificationsPage /> },
      { path: '/mein-bereich/einstellungen', element: <MySettingsPage /> },
      { path: '*', element: <NotFound /> },
    ],
  },
]);

export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <RouterProvider router={router} />
      </SessionProvider>
    </I18nProvider>
  );
}
