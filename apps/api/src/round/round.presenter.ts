import type {
  DecisionRecord,
  DeciderRole,
  Outcome,
  ReminderState,
  RoundState,
  RoundStatus,
  Schedule,
  StageStatus,
  StageType,
  StatusReportState,
} from '@ratsweg/domain';
import type { Locale } from '../i18n/locale.util.js';
import { presentDated, type DatedResponse } from '../template/schedule.presenter.js';

export interface StageResponse {
  key: string;
  type: StageType;
  title: string;
  status: StageStatus;
  body?: string;
  decidedBy: DeciderRole;
  group?: string;
  iteration: number;
  /** When the stage was opened and closed (the actual window). */
  openedAt?: string;
  closedAt?: string;
  deadline?: string;
  /** The rule that produced the deadline, in the caller's language. */
  deadlineRule?: string;
  invitationDeadline?: DatedResponse;
  meeting?: { key: string; start: string };
  overdue: boolean;
  escalated: boolean;
  reminders: ReminderState[];
  nextReminderAt?: string;
  statusReports?: StatusReportState;
  outcome?: Outcome;
  decisions: DecisionRecord[];
  /**
   * The plan from the round's start (GET /api/v1/rounds/{id} only): when the stage was planned to
   * open and close and its planned deadline; compare with `openedAt`, `closedAt`, `deadline`.
   */
  planned?: PlannedWindow;
}

export interface PlannedWindow {
  opens: string;
  closes?: string;
  deadline?: string;
}

export interface RoundResponse {
  id: string;
  title: string;
  templateKey: string;
  templateVersion: number;
  status: RoundStatus;
  result?: Outcome;
  cancelReason?: string;
  createdAt: string;
  updatedAt: string;
  meetings: Record<string, string>;
  parameters: Record<string, string | number | boolean>;
  nextReminderAt?: string;
  nextDeadlineAt?: string;
  stages: StageResponse[];
}

/** The public shape of a round, with titles and rules in the caller's language. */
export function presentRound(state: RoundState, locale: Locale, plan?: Schedule): RoundResponse {
  const planned = new Map(plan?.stages.map((stage) => [stage.key, stage]));
  const stages = state.stages.map((stage): StageResponse => {
    const planOfStage = planned.get(stage.key);
    const nextReminderAt = earliest(stage.status === 'open' ? stage.reminders.filter((reminder) => !reminder.sentAt).map((reminder) => reminder.at) : []);
    const invitationDeadline = presentDated(stage.invitationDeadline, locale);
    return {
      key: stage.key,
      type: stage.type,
      title: stage.title[locale],
      status: stage.status,
      ...(stage.body ? { body: stage.body } : {}),
      decidedBy: stage.decidedBy,
      ...(stage.group ? { group: stage.group } : {}),
      iteration: stage.iteration,
      ...(stage.openedAt ? { openedAt: stage.openedAt } : {}),
      ...(stage.closedAt ? { closedAt: stage.closedAt } : {}),
      ...(stage.deadline ? { deadline: stage.deadline.at, deadlineRule: stage.deadline.rule[locale] } : {}),
      ...(invitationDeadline ? { invitationDeadline } : {}),
      ...(stage.meeting ? { meeting: stage.meeting } : {}),
      overdue: stage.status === 'open' && stage.overdueAt !== undefined,
      escalated: stage.status === 'open' && stage.escalatedAt !== undefined,
      reminders: stage.reminders,
      ...(nextReminderAt ? { nextReminderAt } : {}),
      ...(stage.statusReports ? { statusReports: stage.statusReports } : {}),
      ...(stage.outcome ? { outcome: stage.outcome } : {}),
      decisions: stage.decisions,
      ...(planOfStage
        ? {
            planned: {
              opens: planOfStage.opens,
              ...(planOfStage.closes ? { closes: planOfStage.closes } : {}),
              ...(planOfStage.deadline ? { deadline: planOfStage.deadline.at } : {}),
            },
          }
        : {}),
    };
  });
  const nextReminderAt = earliest(stages.flatMap((stage) => (stage.nextReminderAt ? [stage.nextReminderAt] : [])));
  const nextDeadlineAt = earliest(stages.flatMap((stage) => (stage.status === 'open' && stage.deadline ? [stage.deadline] : [])));
  return {
    id: state.id,
    title: state.title,
    templateKey: state.templateKey,
    templateVersion: state.templateVersion,
    status: state.status,
    ...(state.result ? { result: state.result } : {}),
    ...(state.cancelReason ? { cancelReason: state.cancelReason } : {}),
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    meetings: state.meetings ?? {},
    parameters: state.parameters ?? {},
    ...(nextReminderAt ? { nextReminderAt } : {}),
    ...(nextDeadlineAt ? { nextDeadlineAt } : {}),
    stages,
  };
}

function earliest(instants: string[]): string | undefined {
  return [...instants].sort((a, b) => Date.parse(a) - Date.parse(b))[0];
}
