import type { DecisionRecord, Outcome, RoundState, RoundStatus, StageStatus, StageType } from '@ratsweg/domain';
import type { Locale } from '../i18n/locale.util.js';

export interface StageResponse {
  key: string;
  type: StageType;
  title: string;
  status: StageStatus;
  body?: string;
  openedAt?: string;
  closedAt?: string;
  deadline?: string;
  outcome?: Outcome;
  decisions: DecisionRecord[];
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
  stages: StageResponse[];
}

/** The public shape of a round, with titles in the caller's language. */
export function presentRound(state: RoundState, locale: Locale): RoundResponse {
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
    stages: state.stages.map((stage) => ({
      key: stage.key,
      type: stage.type,
      title: stage.title[locale],
      status: stage.status,
      ...(stage.body ? { body: stage.body } : {}),
      ...(stage.openedAt ? { openedAt: stage.openedAt } : {}),
      ...(stage.closedAt ? { closedAt: stage.closedAt } : {}),
      ...(stage.deadline ? { deadline: stage.deadline } : {}),
      ...(stage.outcome ? { outcome: stage.outcome } : {}),
      decisions: stage.decisions,
    })),
  };
}
