export const STAGE_TYPES = [
  'forum',
  'workshops',
  'drafting',
  'public_consultation',
  'briefing',
  'committee_consultation',
  'council_decision',
  'implementation',
] as const;
export type StageType = (typeof STAGE_TYPES)[number];

export const OUTCOMES = ['approved', 'rejected', 'returned', 'postponed', 'acknowledged', 'completed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Which outcomes a stage of a given type can be decided with. */
export const OUTCOMES_BY_STAGE_TYPE: Readonly<Record<StageType, readonly Outcome[]>> = {
  forum: ['completed', 'postponed'],
  workshops: ['completed'],
  drafting: ['completed', 'returned'],
  public_consultation: ['completed'],
  briefing: ['acknowledged'],
  committee_consultation: ['approved', 'rejected', 'returned', 'postponed'],
  council_decision: ['approved', 'rejected', 'returned', 'postponed'],
  implementation: ['completed'],
};

export const DECIDER_ROLES = ['administrator', 'secretary', 'chair'] as const;
/** Who may decide a stage: the round's administrators, or a role in the stage's responsible body. */
export type DeciderRole = (typeof DECIDER_ROLES)[number];

export const DEFAULT_DECIDER_BY_STAGE_TYPE: Readonly<Record<StageType, DeciderRole>> = {
  forum: 'administrator',
  workshops: 'administrator',
  drafting: 'administrator',
  public_consultation: 'administrator',
  briefing: 'secretary',
  committee_consultation: 'secretary',
  council_decision: 'secretary',
  implementation: 'administrator',
};

export interface LocalizedText {
  de: string;
  en: string;
}

/**
 * Who is told: `administrator` (the round's administrators), `responsible-body` /
 * `responsible-secretary` (of the stage's body), or `body:<key>`, `secretary:<key>`, `chair:<key>`.
 */
export type Audience = string;
export const AUDIENCE_PATTERN = /^(administrator|responsible-body|responsible-secretary|(body|secretary|chair):[a-z0-9][a-z0-9-]{0,62})$/;

/** What follows an outcome: the next stage in the template, a named (earlier or same) stage, or the end. */
export type Transition = { to: 'next' } | { to: 'stage'; stage: string } | { to: 'end' };

/**
 * When a stage is due: at a fixed instant, an ISO 8601 duration after it opens, or at a meeting
 * of its body — then the invitation is due by the notice period (Ladungsfrist) of the standing orders.
 */
export type DeadlineRule = { at: string } | { offset: string } | { meeting: string; urgent?: boolean };

export interface ReminderPolicy {
  /** ISO 8601 durations before the deadline, e.g. `["P7D", "P1D"]`. */
  before: string[];
  audiences: Audience[];
}

export interface EscalationPolicy {
  /** How long after the deadline the escalation goes out (default: at the deadline). */
  after?: string;
  audiences: Audience[];
}

export interface StageNotifications {
  onOpen?: Audience[];
  onClose?: Audience[];
}

/** Recurring status reports of an implementation stage (e.g. quarterly, for years). */
export interface StatusReportPolicy {
  every: string;
  audiences: Audience[];
  /** After this many reports the stage completes by itself; without it an administrator completes it. */
  count?: number;
}

export interface StageDefinition {
  key: string;
  type: StageType;
  title: LocalizedText;
  /** Key of the responsible body (Gremium) in the directory. */
  body?: string;
  decidedBy?: DeciderRole;
  /** Consecutive stages with the same group open together; the round moves on when all are closed. */
  group?: string;
  deadline?: DeadlineRule;
  reminders?: ReminderPolicy;
  escalation?: EscalationPolicy;
  notify?: StageNotifications;
  statusReports?: StatusReportPolicy;
  /** Outcomes the stage accepts and what follows each; absent outcomes are refused. */
  outcomes: Partial<Record<Outcome, Transition>>;
}

export interface ProcessTemplate {
  key: string;
  version: number;
  title: LocalizedText;
  description?: LocalizedText;
  stages: StageDefinition[];
}

export interface TemplateSummary {
  key: string;
  version: number;
  title: LocalizedText;
}
