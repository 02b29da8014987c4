import type { ReactNode } from 'react';
import { Navigate, type RouteObject } from 'react-router';
import { RequireStaff } from '../components/common';
import { DirectoryBodiesPage, DirectoryBodyNewPage, DirectoryBodyPage } from './directory-bodies';
import { DirectoryMeetingNewPage, DirectoryMeetingPage, DirectoryMeetingsPage } from './directory-meetings';
import { DirectoryMembershipNewPage, DirectoryMembershipPage, DirectoryMembershipsPage } from './directory-memberships';
import { DirectoryPersonNewPage, DirectoryPersonPage, DirectoryPersonsPage } from './directory-persons';
import { SecretaryInboxPage } from './secretary-inbox';
import { TemplateListPage, TemplatePage, TemplateUploadPage } from './template-pages';

const staff = (element: ReactNode) => <RequireStaff>{element}</RequireStaff>;

/** The directory (/verzeichnis), the process templates (/vorlagen) and the secretary's inbox (/schriftfuehrung). */
export const DIRECTORY_ROUTES: RouteObject[] = [
  { path: '/verzeichnis', element: <Navigate to="/verzeichnis/gremien" replace /> },
  { path: '/verzeichnis/gremien', element: staff(<DirectoryBodiesPage />) },
  { path: '/verzeichnis/gremien/neu', element: staff(<DirectoryBodyNewPage />) },
  { path: '/verzeichnis/gremien/:id', element: staff(<DirectoryBodyPage />) },
  { path: '/verzeichnis/personen', element: staff(<DirectoryPersonsPage />) },
  { path: '/verzeichnis/personen/neu', element: staff(<DirectoryPersonNewPage />) },
  { path: '/verzeichnis/personen/:id', element: staff(<DirectoryPersonPage />) },
  { path: '/verzeichnis/mitgliedschaften', element: staff(<DirectoryMembershipsPage />) },
  { path: '/verzeichnis/mitgliedschaften/neu', element: staff(<DirectoryMembershipNewPage />) },
  { path: '/verzeichnis/mitgliedschaften/:id', element: staff(<DirectoryMembershipPage />) },
  { path: '/verzeichnis/sitzungen', element: staff(<DirectoryMeetingsPage />) },
  { path: '/verzeichnis/sitzungen/neu', element: staff(<DirectoryMeetingNewPage />) },
  { path: '/verzeichnis/sitzungen/:id', element: staff(<DirectoryMeetingPage />) },
  { path: '/vorlagen', element: staff(<TemplateListPage />) },
  { path: '/vorlagen/neu', element: staff(<TemplateUploadPage />) },
  { path: '/vorlagen/:key', element: staff(<TemplatePage />) },
  { path: '/schriftfuehrung', element: staff(<SecretaryInboxPage />) },
];
