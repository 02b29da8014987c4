import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  CancelCommand,
  DecisionCommand,
  ExtendDeadlineCommand,
  MeetingRescheduled,
  ProcessTemplate,
  RoundChange,
  RoundState,
  StandingOrders,
} from '@ratsweg/domain';

export const ROUND_WORKFLOW_TYPE = 'roundWorkflow';
export const DEFAULT_TASK_QUEUE = 'ratsweg-rounds';
export const DEFAULT_NAMESPACE = 'ratsweg';

/** Business id of a round's workflow: one workflow per round. */
export function roundWorkflowId(roundId: string): string {
  return `round-${roundId}`;
}

export interface RoundWorkflowInput {
  roundId: string;
  title: string;
  /** The whole template: a running round keeps the version it started with. */
  template: ProcessTemplate;
  tenant: string;
  actor: string;
  /** When the round was requested (ISO 8601); the round's clock starts there. */
  requestedAt: string;
  /** Meeting start instants by the keys the template's meeting deadlines use. */
  meetings?: Record<string, string>;
  standingOrders?: StandingOrders;
  parameters?: Record<string, string | number | boolean>;
  /** A run continues its round after this many history events (default 1,000), well below Temporal's limits. */
  continueAsNewAfterEvents?: number;
  /** Set when a run continues the round as new: the state and recording sequence it left off with. */
  resume?: { state: RoundState; seq: number };
}

export const decideStageUpdate = defineUpdate<RoundState, [DecisionCommand]>('decideStage');
export const extendDeadlineUpdate = defineUpdate<RoundState, [ExtendDeadlineCommand]>('extendDeadline');
export const cancelRoundUpdate = defineUpdate<RoundState, [CancelCommand]>('cancelRound');
/** Sent by integrations (e.g. the council information system) when a meeting moves. */
export const meetingRescheduledSignal = defineSignal<[MeetingRescheduled]>('meetingRescheduled');
export const roundStateQuery = defineQuery<RoundState>('roundState');

/** Custom search attributes; the dev server registers them at start. */
export const SEARCH_ATTRIBUTES = {
  tenant: defineSearchAttributeKey('RatswegTenant', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('RatswegStatus', SearchAttributeType.KEYWORD),
  currentStage: defineSearchAttributeKey('RatswegCurrentStage', SearchAttributeType.KEYWORD_LIST),
  template: defineSearchAttributeKey('RatswegTemplate', SearchAttributeType.KEYWORD),
} as const;

/** One recorded state change; `seq` grows by one per recording over the whole life of the round. */
export interface RoundRecording {
  workflowId: string;
  runId: string;
  tenant: string;
  seq: number;
  state: RoundState;
  changes: RoundChange[];
}

/** The activities the round workflow calls; implemented in the worker. */
export interface RoundActivities {
  recordRoundChange(recording: RoundRecording): Promise<void>;
}
