import type { LocalizedText, Outcome, StageType } from '../template/process-template.type.js';

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
}

export interface StageState {
  key: string;
  type: StageType;
  title: LocalizedText;
  body?: string;
  status: StageStatus;
  openedAt?: string;
  closedAt?: string;
  deadline?: string;
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
  stages: StageState[];
}

export interface DecisionCommand {
  stageKey: string;
  outcome: Outcome;
  actor: string;
  resolutionText?: string;
  votes?: Votes;
}

export type RoundAction = 'round.started' | 'stage.opened' | 'stage.decided' | 'round.completed' | 'round.cancelled';

/** One change of a round, as it goes into the audit trail. Ids only, no personal data. */
export interface RoundChange {
  action: RoundAction;
  actor: string;
  at: string;
  stageKey?: string;
  details?: Record<string, unknown>;
}
