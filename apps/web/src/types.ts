// What the public HTTP API answers, as far as the pages use it. Types only from the shared
// libraries: their values (zod, Temporal) stay out of the browser bundle.
import type { DecisionRecord, DeciderRole, Outcome, RoundStatus, StageStatus, StageType } from '@ratsweg/domain';

export type { DecisionRecord, Outcome, RoundStatus, StageStatus, StageType };
export type { CreateCommentRequest, DecisionRequest, LoginRequest } from '@ratsweg/contracts';

/** GET /api/v1/me */
export interface Me {
  id: string;
  email: string | null;
  displayName: string | null;
  roles: string[];
  personId: string | null;
  secretaryOf: string[];
  mfaEnabled: boolean;
  /** The role requires a second factor that is not set up yet: only enrolment is open until then. */
  mfaEnrollmentRequired?: boolean;
}

/** GET /api/v1/auth/options: the ways of signing in this installation offers. */
export interface AuthOptions {
  password: boolean;
  oidc: boolean;
}

/** POST /api/v1/me/mfa/totp */
export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
}

/** A stage file in GET /api/v1/rounds/{id}/files (staff) */
export interface StageFile {
  id: string;
  roundId: string;
  stageKey: string;
  name: string;
  mediaType: string;
  size: number;
  sha512: string;
  createdAt: string;
  published: boolean;
  publishedAt?: string;
  downloadUrl: string;
}

/** A file published for the public consultation (the draft) */
export interface PublishedFile {
  id: string;
  stageKey: string;
  name: string;
  mediaType: string;
  size: number;
  publishedAt: string;
  downloadUrl: string;
}

/** POST /api/v1/auth/login */
export interface LoginResponse {
  expiresAt: string;
  mfaEnrollmentRequired: boolean;
  user: Me;
}

/** One round in GET /api/v1/rounds */
export interface RoundSummary {
  id: string;
  title: string;
  templateKey: string;
  templateVersion: number;
  status: RoundStatus;
  result?: Outcome;
  openStages: { key: string; title: string; body?: string; deadline?: string; overdue: boolean }[];
  nextDeadlineAt?: string;
  overdue: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  data: T[];
  next?: string;
}

/** A stage in GET /api/v1/rounds/{id} */
export interface Stage {
  key: string;
  type: StageType;
  title: string;
  status: StageStatus;
  body?: string;
  decidedBy: DeciderRole;
  openedAt?: string;
  closedAt?: string;
  deadline?: string;
  deadlineRule?: string;
  meeting?: { key: string; start: string };
  overdue: boolean;
  escalated: boolean;
  outcome?: Outcome;
  decisions: DecisionRecord[];
  /** The plan from the round's start: when the stage was planned to open and close, its planned deadline. */
  planned?: { opens: string; closes?: string; deadline?: string };
}

/** GET /api/v1/rounds/{id} */
export interface Round {
  id: string;
  title: string;
  templateKey: string;
  templateVersion: number;
  status: RoundStatus;
  result?: Outcome;
  cancelReason?: string;
  createdAt: string;
  updatedAt: string;
  nextDeadlineAt?: string;
  stages: Stage[];
}

/** The parts of GET /api/v1/templates/{key} the decision form needs: which outcomes each stage allows. */
export interface TemplateDefinition {
  version: number;
  stages: { key: string; outcomes: Partial<Record<Outcome, unknown>> }[];
}

export interface TemplateResponse {
  key: string;
  latestVersion: number;
  versions: { version: number; definition: TemplateDefinition }[];
  definition: TemplateDefinition;
}

/** GET /api/v1/rounds/{id}/consultation: what the public may know about a round. */
export interface Consultation {
  roundId: string;
  title: string;
  roundStatus: RoundStatus;
  stage: {
    key: string;
    title: string;
    /** `open` only while comments are taken (open and before the deadline). */
    state: 'upcoming' | 'open' | 'closed';
    openedAt?: string;
    closedAt?: string;
    deadline?: string;
  } | null;
  /** Comments received, hidden ones included (the closed notice says how many came in). */
  commentCount: number;
  /** Comments the public sees. */
  visibleCommentCount: number;
  /** Files staff published for the consultation (the draft). */
  documents: PublishedFile[];
}

/** A public comment */
export interface PublicComment {
  id: string;
  text: string;
  name: string | null;
  createdAt: string;
}

export interface CreatedComment extends PublicComment {
  privacyNotice: string;
}

/** GET /api/v1/privacy-notice */
export interface PrivacyNotice {
  language: string;
  title: string;
  version: string;
  controller: { name: string; website: string | null } | null;
  sections: { heading: string; text: string }[];
}
