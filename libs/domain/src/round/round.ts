import { DateTime, Duration } from 'luxon';
import type { ProcessTemplate, StageDefinition, Transition } from '../template/process-template.type.js';
import { RoundException, RoundExceptionCode } from './round.exception.js';
import type { DecisionCommand, RoundChange, RoundState, StageState } from './round.type.js';

export const MUNICIPAL_TIME_ZONE = 'Europe/Berlin';

export interface StartRoundInput {
  id: string;
  title: string;
  template: ProcessTemplate;
  actor: string;
}

/**
 * The rules of one participation round, free of I/O so that the workflow, the API and
 * the tests apply exactly the same ones. Every mutating method returns the changes it
 * made, for the audit trail.
 */
export class Round {
  private constructor(
    private readonly template: ProcessTemplate,
    private readonly current: RoundState,
  ) {}

  static start(input: StartRoundInput, now: Date): { round: Round; changes: RoundChange[] } {
    const at = now.toISOString();
    const state: RoundState = {
      id: input.id,
      title: input.title,
      templateKey: input.template.key,
      templateVersion: input.template.version,
      status: 'running',
      createdAt: at,
      updatedAt: at,
      stages: input.template.stages.map((definition) => ({
        key: definition.key,
        type: definition.type,
        title: definition.title,
        ...(definition.body ? { body: definition.body } : {}),
        status: 'pending',
        decisions: [],
      })),
    };
    const round = new Round(input.template, state);
    const changes: RoundChange[] = [{ action: 'round.started', actor: input.actor, at }];
    const first = input.template.stages[0];
    if (first) changes.push(round.openStage(first, input.actor, now));
    return { round, changes };
  }

  /** Rebuilds a round from its state, e.g. after continue-as-new. */
  static restore(template: ProcessTemplate, state: RoundState): Round {
    return new Round(template, JSON.parse(JSON.stringify(state)) as RoundState);
  }

  get state(): Readonly<RoundState> {
    return this.current;
  }

  get isFinished(): boolean {
    return this.current.status !== 'running';
  }

  get openStageKeys(): string[] {
    return this.current.stages.filter((stage) => stage.status === 'open').map((stage) => stage.key);
  }

  /** Throws a RoundException when the decision is not allowed now; changes nothing. */
  assertCanDecide(command: DecisionCommand): void {
    const definition = this.definitionOf(command.stageKey);
    const stage = this.stateOf(command.stageKey);
    if (this.current.status !== 'running') {
      throw new RoundException(RoundExceptionCode.ROUND_NOT_RUNNING, `round is ${this.current.status}`);
    }
    if (stage.status !== 'open') {
      throw new RoundException(RoundExceptionCode.STAGE_NOT_OPEN, `stage "${command.stageKey}" is ${stage.status}, not open`);
    }
    if (!definition.outcomes[command.outcome]) {
      const allowed = Object.keys(definition.outcomes).join(', ');
      throw new RoundException(
        RoundExceptionCode.OUTCOME_NOT_ALLOWED,
        `stage "${command.stageKey}" does not accept outcome "${command.outcome}"; allowed: ${allowed}`,
      );
    }
  }

  decide(command: DecisionCommand, now: Date): RoundChange[] {
    this.assertCanDecide(command);
    const at = now.toISOString();
    const definition = this.definitionOf(command.stageKey);
    const stage = this.stateOf(command.stageKey);
    stage.decisions.push({
      outcome: command.outcome,
      actor: command.actor,
      decidedAt: at,
      ...(command.resolutionText !== undefined ? { resolutionText: command.resolutionText } : {}),
      ...(command.votes ? { votes: command.votes } : {}),
    });
    stage.status = 'completed';
    stage.outcome = command.outcome;
    stage.closedAt = at;
    this.current.updatedAt = at;
    const changes: RoundChange[] = [
      { action: 'stage.decided', actor: command.actor, at, stageKey: stage.key, details: { outcome: command.outcome } },
    ];
    const transition = definition.outcomes[command.outcome] as Transition;
    changes.push(...this.follow(transition, definition, command, now));
    return changes;
  }

  cancel(reason: string, actor: string, now: Date): RoundChange[] {
    if (this.current.status !== 'running') {
      throw new RoundException(RoundExceptionCode.ROUND_NOT_RUNNING, `round is ${this.current.status}`);
    }
    const at = now.toISOString();
    for (const stage of this.current.stages) {
      if (stage.status === 'open' || stage.status === 'pending') {
        stage.status = 'skipped';
        stage.closedAt = at;
      }
    }
    this.current.status = 'cancelled';
    this.current.cancelReason = reason;
    this.current.updatedAt = at;
    return [{ action: 'round.cancelled', actor, at, details: { reason } }];
  }

  private follow(transition: Transition, from: StageDefinition, command: DecisionCommand, now: Date): RoundChange[] {
    const at = now.toISOString();
    switch (transition.to) {
      case 'end': {
        for (const stage of this.current.stages) {
          if (stage.status === 'pending') stage.status = 'skipped';
        }
        this.current.status = 'completed';
        this.current.result = command.outcome;
        return [{ action: 'round.completed', actor: command.actor, at, details: { result: command.outcome } }];
      }
      case 'next': {
        const index = this.template.stages.indexOf(from);
        const next = this.template.stages[index + 1];
        if (!next) throw new Error(`template ${this.template.key} has no stage after "${from.key}"`);
        return [this.openStage(next, command.actor, now)];
      }
      case 'stage': {
        const target = this.template.stages.findIndex((definition) => definition.key === transition.stage);
        // Going back re-opens the target; every stage after it has to be passed again.
        for (const definition of this.template.stages.slice(target + 1)) {
          const stage = this.stateOf(definition.key);
          stage.status = 'pending';
          delete stage.outcome;
        }
        return [this.openStage(this.template.stages[target] as StageDefinition, command.actor, now)];
      }
    }
  }

  private openStage(definition: StageDefinition, actor: string, now: Date): RoundChange {
    const at = now.toISOString();
    const stage = this.stateOf(definition.key);
    stage.status = 'open';
    stage.openedAt = at;
    delete stage.closedAt;
    delete stage.outcome;
    if (definition.deadline) {
      stage.deadline = deadlineAfter(now, definition.deadline.offset);
    } else {
      delete stage.deadline;
    }
    this.current.updatedAt = at;
    return { action: 'stage.opened', actor, at, stageKey: definition.key };
  }

  private definitionOf(stageKey: string): StageDefinition {
    const definition = this.template.stages.find((candidate) => candidate.key === stageKey);
    if (!definition) {
      throw new RoundException(RoundExceptionCode.STAGE_NOT_FOUND, `round has no stage "${stageKey}"`);
    }
    return definition;
  }

  private stateOf(stageKey: string): StageState {
    const stage = this.current.stages.find((candidate) => candidate.key === stageKey);
    if (!stage) throw new RoundException(RoundExceptionCode.STAGE_NOT_FOUND, `round has no stage "${stageKey}"`);
    return stage;
  }
}

/** Adds an ISO 8601 duration in municipal local time, so `P1D` keeps the wall-clock time across DST. */
export function deadlineAfter(start: Date, offset: string): string {
  const end = DateTime.fromJSDate(start, { zone: MUNICIPAL_TIME_ZONE }).plus(Duration.fromISO(offset));
  return end.toUTC().toISO() as string;
}
