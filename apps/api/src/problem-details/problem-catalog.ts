import type { Locale } from '../i18n/locale.util.js';

interface ProblemKind {
  status: number;
  title: Record<Locale, string>;
}

/** Every kind of problem the API reports, with its status and a title in German and English. */
export const PROBLEM_CATALOG = {
  'validation-failed': {
    status: 400,
    title: { de: 'Die Anfrage ist ungültig', en: 'The request is invalid' },
  },
  'malformed-body': {
    status: 400,
    title: { de: 'Der Anfragetext ist kein gültiges JSON', en: 'The request body is not valid JSON' },
  },
  'not-found': {
    status: 404,
    title: { de: 'Nicht gefunden', en: 'Not found' },
  },
  'round-not-found': {
    status: 404,
    title: { de: 'Beteiligungsrunde nicht gefunden', en: 'Participation round not found' },
  },
  'stage-not-found': {
    status: 404,
    title: { de: 'Phase nicht gefunden', en: 'Stage not found' },
  },
  'method-not-allowed': {
    status: 405,
    title: { de: 'Methode nicht erlaubt', en: 'Method not allowed' },
  },
  'stage-not-open': {
    status: 409,
    title: { de: 'Die Phase ist nicht offen', en: 'The stage is not open' },
  },
  'round-not-running': {
    status: 409,
    title: { de: 'Die Beteiligungsrunde läuft nicht mehr', en: 'The participation round is no longer running' },
  },
  'template-version-exists': {
    status: 409,
    title: { de: 'Diese Version der Verfahrensvorlage gibt es schon', en: 'This version of the process template exists already' },
  },
  'no-deadline': {
    status: 409,
    title: { de: 'Die Phase hat keine Frist', en: 'The stage has no deadline' },
  },
  'template-invalid': {
    status: 422,
    title: { de: 'Die Verfahrensvorlage ist ungültig', en: 'The process template is invalid' },
  },
  'template-not-found': {
    status: 404,
    title: { de: 'Verfahrensvorlage nicht gefunden', en: 'Process template not found' },
  },
  'payload-too-large': {
    status: 413,
    title: { de: 'Der Anfragetext ist zu groß', en: 'The request body is too large' },
  },
  'unsupported-media-type': {
    status: 415,
    title: { de: 'Nicht unterstützter Medientyp', en: 'Unsupported media type' },
  },
  unauthorized: {
    status: 401,
    title: { de: 'Anmeldung erforderlich', en: 'Authentication required' },
  },
  'invalid-credentials': {
    status: 401,
    title: { de: 'E-Mail-Adresse oder Passwort ist falsch', en: 'E-mail address or password is wrong' },
  },
  'mfa-required': {
    status: 401,
    title: { de: 'Der Code des zweiten Faktors fehlt oder ist falsch', en: 'The second-factor code is missing or wrong' },
  },
  forbidden: {
    status: 403,
    title: { de: 'Keine Berechtigung', en: 'Not permitted' },
  },
  'mfa-enrollment-required': {
    status: 403,
    title: { de: 'Bitte zuerst einen zweiten Faktor einrichten', en: 'Please set up a second factor first' },
  },
  conflict: {
    status: 409,
    title: { de: 'Konflikt mit dem aktuellen Zustand', en: 'Conflict with the current state' },
  },
  'account-locked': {
    status: 429,
    title: { de: 'Zu viele fehlgeschlagene Anmeldungen; bitte später erneut versuchen', en: 'Too many failed sign-ins; please try again later' },
  },
  'rate-limited': {
    status: 429,
    title: { de: 'Zu viele Anfragen; bitte später erneut versuchen', en: 'Too many requests; please try again later' },
  },
  'not-acceptable': {
    status: 406,
    title: { de: 'Das gewünschte Format wird nicht angeboten', en: 'The requested format is not available' },
  },
  // public comments
  'consultation-not-open': {
    status: 409,
    title: { de: 'Die öffentliche Beteiligung ist nicht geöffnet', en: 'The public consultation is not open' },
  },
  'comment-not-found': {
    status: 404,
    title: { de: 'Stellungnahme nicht gefunden', en: 'Comment not found' },
  },
  'comment-already-hidden': {
    status: 409,
    title: { de: 'Die Stellungnahme ist bereits ausgeblendet', en: 'The comment is already hidden' },
  },
  // OpenID Connect sign-in
  'oidc-login-failed': {
    status: 400,
    title: { de: 'Die Anmeldung beim Identitätsanbieter konnte nicht abgeschlossen werden', en: 'The sign-in with the identity provider could not be completed' },
  },
  'oidc-account-unknown': {
    status: 403,
    title: { de: 'Für diese Anmeldung gibt es kein Konto in Ratsweg', en: 'There is no Ratsweg account for this sign-in' },
  },
  'identity-provider-unavailable': {
    status: 502,
    title: { de: 'Der Identitätsanbieter ist nicht erreichbar', en: 'The identity provider cannot be reached' },
  },
  'internal-error': {
    status: 500,
    title: { de: 'Interner Fehler', en: 'Internal error' },
  },
  'service-unavailable': {
    status: 503,
    title: { de: 'Dienst vorübergehend nicht verfügbar', en: 'Service temporarily unavailable' },
  },
  // idempotency keys and inbound events
  'idempotency-key-invalid': {
    status: 400,
    title: { de: 'Der Idempotency-Key ist ungültig', en: 'The Idempotency-Key is invalid' },
  },
  'idempotency-key-reused': {
    status: 422,
    title: { de: 'Der Idempotency-Key wurde schon für eine andere Anfrage verwendet', en: 'The Idempotency-Key was used for another request' },
  },
  'idempotency-key-in-progress': {
    status: 409,
    title: { de: 'Eine Anfrage mit diesem Idempotency-Key läuft noch', en: 'A request with this Idempotency-Key is still running' },
  },
  'event-type-unsupported': {
    status: 422,
    title: { de: 'Dieser Ereignistyp wird nicht unterstützt', en: 'This event type is not supported' },
  },
  'event-id-reused': {
    status: 422,
    title: { de: 'Unter dieser Quelle und Id kam schon ein anderes Ereignis', en: 'Another event came with this source and id' },
  },
  'event-in-progress': {
    status: 409,
    title: { de: 'Dieses Ereignis wird gerade verarbeitet', en: 'This event is being processed' },
  },
} as const satisfies Record<string, ProblemKind>;

export type ProblemCode = keyof typeof PROBLEM_CATALOG;

export function problemCodeForStatus(status: number): ProblemCode {
  switch (status) {
    case 400:
      return 'validation-failed';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 406:
      return 'not-acceptable';
    case 409:
      return 'conflict';
    case 429:
      return 'rate-limited';
    case 405:
      return 'method-not-allowed';
    case 413:
      return 'payload-too-large';
    case 415:
      return 'unsupported-media-type';
    case 422:
      return 'template-invalid';
    case 503:
      return 'service-unavailable';
    default:
      return 'internal-error';
  }
}
