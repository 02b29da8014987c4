import type { Role } from './principal.js';

/**
 * Who may call a route:
 * - `public`: everyone, without an account;
 * - `authenticated`: every signed-in user (not API keys);
 * - `staff`: admin, secretary, member and auditor;
 * - a role; roles of API keys are `integration` (scope `events`) and `monitoring` (scope `metrics`);
 * - `self`: a signed-in user whose directory person is the route's `:id`.
 */
export type Audience = Role | 'public' | 'authenticated' | 'staff' | 'self';

const STAFF: readonly Audience[] = ['staff'];
const ADMIN: readonly Audience[] = ['admin'];

/**
 * The one table of access rules, keyed by `METHOD /route/:param` as the router knows the route.
 * The auth guard enforces it (a route missing here is refused for everyone), and the matrix test
 * checks every route of the OpenAPI document against it for every role.
 * Finer rules live next to the data: a secretary decides and uploads only for stages of bodies
 * they serve (RoundService, StageFileController).
 */
export const ACCESS_POLICY: Readonly<Record<string, readonly Audience[]>> = {
  'GET /health/live': ['public'],
  'GET /health/ready': ['public'],

  // sign-in and the signed-in user
  'POST /api/v1/auth/login': ['public'],
  // which ways of signing in this installation offers (the sign-in page shows only those)
  'GET /api/v1/auth/options': ['public'],
  'POST /api/v1/auth/logout': ['authenticated'],
  'GET /api/v1/me': ['authenticated'],
  'PUT /api/v1/me/password': ['authenticated'],
  'POST /api/v1/me/mfa/totp': ['authenticated'],
  'POST /api/v1/me/mfa/totp/confirm': ['authenticated'],
  // sign-in through the municipality's identity provider (OpenID Connect); 404 unless configured
  'GET /api/v1/auth/oidc/login': ['public'],
  'GET /api/v1/auth/oidc/callback': ['public'],

  // accounts and API keys
  'GET /api/v1/users': ADMIN,
  'POST /api/v1/users': ADMIN,
  'GET /api/v1/users/:id': ADMIN,
  'PATCH /api/v1/users/:id': ADMIN,
  'GET /api/v1/api-keys': ADMIN,
  'POST /api/v1/api-keys': ADMIN,
  'DELETE /api/v1/api-keys/:id': ADMIN,

  // process templates
  'GET /api/v1/templates': STAFF,
  'GET /api/v1/templates/:key': STAFF,
  'POST /api/v1/templates': ADMIN,
  'POST /api/v1/templates/:key/preview': ['admin', 'secretary'],

  // rounds
  'GET /api/v1/rounds': STAFF,
  'POST /api/v1/rounds': ADMIN,
  'GET /api/v1/rounds/:id': STAFF,
  'POST /api/v1/rounds/:id/stages/:stageKey/decision': ['admin', 'secretary'],
  'POST /api/v1/rounds/:id/stages/:stageKey/deadline': ADMIN,
  'POST /api/v1/rounds/:id/cancel': ADMIN,
  'PUT /api/v1/rounds/:id/meetings/:meetingKey': ADMIN,
  'GET /api/v1/rounds/:id/audit': ['admin', 'auditor'],
  'GET /api/v1/rounds/:id/audit/verify': ['admin', 'auditor'],
  'GET /api/v1/rounds/:id/audit/protocol': ['admin', 'auditor'],

  // stage files
  'POST /api/v1/rounds/:id/stages/:stageKey/files': ['admin', 'secretary'],
  'GET /api/v1/rounds/:id/files': STAFF,
  'GET /api/v1/files/:fileId/content': STAFF,
  'PUT /api/v1/files/:fileId/publication': ['admin', 'secretary'],

  // directory
  'GET /api/v1/tenant': STAFF,
  'PUT /api/v1/tenant': ADMIN,
  'GET /api/v1/legislative-terms': STAFF,
  'GET /api/v1/legislative-terms/:id': STAFF,
  'POST /api/v1/legislative-terms': ADMIN,
  'GET /api/v1/bodies': STAFF,
  'GET /api/v1/bodies/:id': STAFF,
  'POST /api/v1/bodies': ADMIN,
  'PATCH /api/v1/bodies/:id': ADMIN,
  'POST /api/v1/bodies/:id/end': ADMIN,
  'GET /api/v1/persons': STAFF,
  'GET /api/v1/persons/:id': STAFF,
  'POST /api/v1/persons': ADMIN,
  'PATCH /api/v1/persons/:id': ADMIN,
  'GET /api/v1/memberships': STAFF,
  'GET /api/v1/memberships/:id': STAFF,
  'POST /api/v1/memberships': ADMIN,
  'PATCH /api/v1/memberships/:id': ADMIN,
  'POST /api/v1/memberships/:id/end': ADMIN,
  'GET /api/v1/meetings': STAFF,
  'GET /api/v1/meetings/:id': STAFF,
  'POST /api/v1/meetings': ADMIN,
  'PATCH /api/v1/meetings/:id': ADMIN,

  // notifications
  'GET /api/v1/persons/:id/notifications': ['admin', 'self'],
  'POST /api/v1/persons/:id/notifications/:deliveryId/read': ['admin', 'self'],
  'GET /api/v1/notifications/administrators': ADMIN,
  'GET /api/v1/persons/:id/notification-preferences': ['admin', 'self'],
  'PUT /api/v1/persons/:id/notification-preferences': ['admin', 'self'],
  'POST /api/v1/persons/:id/calendar-token': ['admin', 'self'],
  // the feed's secret token is in the file name: calendar apps cannot sign in
  'GET /api/v1/calendar/:file': ['public'],
  'GET /api/v1/mailbox': ADMIN,
  'GET /api/v1/mailbox/:id': ADMIN,

  // webhooks
  'GET /api/v1/webhooks': ADMIN,
  'GET /api/v1/webhooks/:id': ADMIN,
  'POST /api/v1/webhooks': ADMIN,
  'PATCH /api/v1/webhooks/:id': ADMIN,
  'DELETE /api/v1/webhooks/:id': ADMIN,

  // the signed-in user's own deadlines and inbox; operations
  'GET /api/v1/me/deadlines': ['authenticated'],
  'GET /api/v1/me/notifications': ['authenticated'],
  'POST /api/v1/me/notifications/:deliveryId/read': ['authenticated'],
  'GET /metrics': ['admin', 'monitoring'],
  // public comments: anyone comments and reads the visible ones; staff moderate, export and erase on request
  'POST /api/v1/rounds/:id/comments': ['public'],
  'GET /api/v1/rounds/:id/comments': ['public'],
  'POST /api/v1/rounds/:id/comments/:commentId/hide': ['admin', 'secretary'],
  'GET /api/v1/rounds/:id/comments.csv': ['admin', 'secretary', 'auditor'],
  'POST /api/v1/comments/erasure': ADMIN,
  'GET /api/v1/privacy-notice': ['public'],
  // the web application's public consultation page: the round's public facts only
  'GET /api/v1/rounds/:id/consultation': ['public'],
  // files staff published for the consultation (the draft); every other file is 404 here
  'GET /api/v1/rounds/:id/consultation/files/:fileId': ['public'],
  // inbound events: CloudEvents from integrations (API keys with scope events)
  'POST /api/v1/events': ['integration'],
  // live updates for the web application (server-sent events), as readable as the rounds themselves
  'GET /api/v1/rounds/events': STAFF,
  'GET /api/v1/rounds/:id/events': STAFF,

  // OParl 1.1 is a public interface by design
  'GET /oparl/v1/system': ['public'],
  'GET /oparl/v1/bodies': ['public'],
  'GET /oparl/v1/bodies/:key': ['public'],
  'GET /oparl/v1/bodies/:key/:list': ['public'],
  'GET /oparl/v1/:list/:id': ['public'],
};

/** The rule for a route; undefined when the route is missing from the table (then nobody may call it). */
export function accessRule(method: string, routePath: string): readonly Audience[] | undefined {
  return ACCESS_POLICY[`${method === 'HEAD' ? 'GET' : method} ${routePath}`];
}
