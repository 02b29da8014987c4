import type { StandingOrders } from '../calendar/standing-orders.type.js';
import type { Audience, DeciderRole, LocalizedText, Outcome, StageType } from '../template/process-template.type.js';

export const ROUND_STATUSES = ['running', 'completed', 'cancelled', 'failed'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

export const STAGE_STATUSES = ['pending', 'open', 'completed', 'skipped'] as const;
export type StageStatus = (typeof STAGE_STATUSES)[number];

export interface Votes {
  yes: number;
  no: number;
  abstain: number;
}

export interface DecisionRecord {
  outcome: Outcome;
  /** Id of the user who recorded the decision; never a name. */
  actor: string;
  decidedAt: string;
  resolutionText?: string;
  votes?: Votes;
  /** For `postponed`: the meeting the matter moves to. */
  nextMeetingStart?: string;
}

/** An instant together with the rule that produced it, for people to check. */
export interface Dated {
  at: string;
  rule: LocalizedText;
}

export interface ReminderState {
  /** ISO 8601 duration before the deadline. */
  before: string;
  at: string;
  sentAt?: string;
}

export interface StatusReportState {
  every: string;
  /** When the reports started: report n falls due at anchor + n × every, so month ends do not drift. */
  anchor?: string;
  next: string;
  sent: number;
  count?: number;
}

export interface MeetingRef {
  key: string;
  start: string;
}

export interface StageState {
  key: string;
  type: StageType;
  title: LocalizedText;
  body?: string;
  decidedBy: DeciderRole;
  group?: string;
  status: StageStatus;
  /** How often the stage has been opened (postponed or returned stages open again). */
  iteration: number;
  openedAt?: string;
  closedAt?: string;
  deadline?: Dated;
  /** For meeting stages: the invitation must be dispatched by then (Ladungsfrist). */
  invitationDeadline?: Dated;
  meeting?: MeetingRef;
  /** Grows whenever the deadline moves; reminders and their notification keys belong to one revision. */
  deadlineRevision: number;
  reminders: ReminderState[];
  overdueAt?: string;
  escalatedAt?: string;
  statusReports?: StatusReportState;
  outcome?: Outcome;
  decisions: DecisionRecord[];
}

export interface RoundState {
  id: string;
  title: string;
  templateKey: string;
  templateVersion: number;
  status: RoundStatus;
  /** The outcome that ended the round, when it has ended by a decision. */
  result?: Outcome;
  cancelReason?: string;
  createdAt: string;
  updatedAt: string;
  /** Meetings known to the round, by the keys the template uses. */
  meetings: Record<string, string>;
  standingOrders: StandingOrders;
  /** Free parameters given at the start (e.g. the paper's reference number); no personal data. */
  parameters: Record<string, string | number | boolean>;
  stages: StageState[];
}

export interface DecisionCommand {
  stageKey: string;
  outcome: Outcome;
  actor: string;
  resolutionText?: string;
  votes?: Votes;
  nextMeetingStart?: string;
}

export interface ExtendDeadlineCommand {
  stageKey: string;
  until: string;
  actor: string;
}

export interface CancelCommand {
  reason: string;
  actor: string;
}

export interface MeetingRescheduled {
  meeting: string;
  start: string;
  actor: string;
}

/** Every kind of change a round records; also the kinds of notification and webhook event. */
export const ROUND_ACTIONS = [
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
export type RoundAction = (typeof ROUND_ACTIONS)[number];

/** One change of a round, as it goes into the audit trail and the outbox. Ids only, no personal data. */
export interface RoundChange {
  action: RoundAction;
  actor: string;
  at: string;
  stageKey?: string;
  /** Who is to be told, as the template names them. */
  audiences?: Audience[];
  /** Distinguishes repeated notifications of one kind for one stage (iteration, revision, offset, cycle). */
  occurrence?: string;
  details?: Record<string, unknown>;
}
