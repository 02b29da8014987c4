import { DEFAULT_STANDING_ORDERS } from '../calendar/standing-orders.type.js';
import type { StandingOrders } from '../calendar/standing-orders.type.js';
import {
  DEFAULT_DECIDER_BY_STAGE_TYPE,
  type Outcome,
  type ProcessTemplate,
  type StageDefinition,
  type Transition,
} from '../template/process-template.type.js';
import { RoundException, RoundExceptionCode } from './round.exception.js';
import type {
  CancelCommand,
  DecisionCommand,
  ExtendDeadlineCommand,
  MeetingRescheduled,
  RoundChange,
  RoundState,
  StageState,
} from './round.type.js';
import { deadlineAfter, multiplyDuration, remindersFor, stageTiming, toUtcIso } from './stage-timing.util.js';

/** The actor of changes that happen by time (deadlines, reminders), not by a person. */
export const SYSTEM_ACTOR = 'system';

export interface StartRoundInput {
  id: string;
  title: string;
  template: ProcessTemplate;
  actor: string;
  /** Meeting start instants by the keys the template's meeting deadlines use. */
  meetings?: Record<string, string>;
  standingOrders?: StandingOrders;
  parameters?: Record<string, string | number | boolean>;
}

/**
 * The rules of one participation round, free of I/O so that the workflow, the API and the
 * tests apply exactly the same ones. Every mutating method returns the changes it made, for
 * the audit trail and the notifications; `assert…` methods check a command without changing anything.
 */
export class Round {
  private changeCount = 0;

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
      meetings: Object.fromEntries(Object.entries(input.meetings ?? {}).map(([key, start]) => [key, toUtcIso(start)])),
      standingOrders: input.standingOrders ?? DEFAULT_STANDING_ORDERS,
      parameters: input.parameters ?? {},
      stages: input.template.stages.map((definition) => ({
        key: definition.key,
        type: definition.type,
        title: definition.title,
        ...(definition.body ? { body: definition.body } : {}),
        decidedBy: definition.decidedBy ?? DEFAULT_DECIDER_BY_STAGE_TYPE[definition.type],
        ...(definition.group ? { group: definition.group } : {}),
        status: 'pending',
        iteration: 0,
        deadlineRevision: 0,
        reminders: [],
        decisions: [],
      })),
    };
    const round = new Round(input.template, state);
    const changes: RoundChange[] = [{ action: 'round.started', actor: input.actor, at }];
    changes.push(...round.openAt(0, input.actor, now));
    return { round, changes };
  }

  /** Rebuilds a round from its state, e.g. after continue-as-new. */
  static restore(template: ProcessTemplate, state: RoundState): Round {
    return new Round(template, JSON.parse(JSON.stringify(state)) as RoundState);
  }

  get state(): Readonly<RoundState> {
    return this.current;
  }

  /** Grows with every change; the workflow wakes up on it to re-plan its timers. */
  get revision(): number {
    return this.changeCount;
  }

  get isFinished(): boolean {
    return this.current.status !== 'running';
  }

  get openStageKeys(): string[] {
    return this.current.stages.filter((stage) => stage.status === 'open').map((stage) => stage.key);
  }

  /** The earliest reminder still to be sent, if any. */
  get nextReminderAt(): string | undefined {
    return earliest(this.openStages().flatMap((stage) => stage.reminders.filter((reminder) => !reminder.sentAt).map((reminder) => reminder.at)));
  }

  // ---- decisions -------------------------------------------------------------------------

  /** Throws a RoundException when the decision is not allowed now; changes nothing. */
  assertCanDecide(command: DecisionCommand, now: Date): void {
    const definition = this.definitionOf(command.stageKey);
    this.assertNotClosedByTime(this.openStateOf(command.stageKey), now);
    if (!definition.outcomes[command.outcome]) {
      const allowed = Object.keys(definition.outcomes).join(', ');
      throw new RoundException(
        RoundExceptionCode.OUTCOME_NOT_ALLOWED,
        `stage "${command.stageKey}" does not accept outcome "${command.outcome}"; allowed: ${allowed}`,
        'outcome',
      );
    }
    if (command.outcome === 'postponed' && isMeetingBound(definition)) {
      if (!command.nextMeetingStart) {
        throw new RoundException(RoundExceptionCode.MEETING_REQUIRED, 'postponing needs the start of the next meeting', 'nextMeetingStart');
      }
      if (Date.parse(command.nextMeetingStart) <= now.getTime()) {
        throw new RoundException(RoundExceptionCode.MEETING_REQUIRED, 'the next meeting must be in the future', 'nextMeetingStart');
      }
    }
  }

  decide(command: DecisionCommand, now: Date): RoundChange[] {
    this.assertCanDecide(command, now);
    const at = now.toISOString();
    const definition = this.definitionOf(command.stageKey);
    const stage = this.stateOf(command.stageKey);
    stage.decisions.push({
      outcome: command.outcome,
      actor: command.actor,
      decidedAt: at,
      ...(command.resolutionText !== undefined ? { resolutionText: command.resolutionText } : {}),
      ...(command.votes ? { votes: command.votes } : {}),
      ...(command.nextMeetingStart ? { nextMeetingStart: toUtcIso(command.nextMeetingStart) } : {}),
    });
    if (command.outcome === 'postponed' && command.nextMeetingStart) {
      const meetingKey = definition.deadline && 'meeting' in definition.deadline ? definition.deadline.meeting : `${definition.key}-meeting`;
      this.current.meetings[meetingKey] = toUtcIso(command.nextMeetingStart);
    }
    const changes = this.close(stage, definition, command.outcome, command.actor, now, 'stage.decided');
    return [...changes, ...this.follow(definition, command.outcome, command.actor, now)];
  }

  // ---- deadlines ---------------------------------------------------------------------------

  assertCanExtend(command: ExtendDeadlineCommand, now: Date): void {
    const stage = this.openStateOf(command.stageKey);
    this.assertNotClosedByTime(stage, now);
    if (!stage.deadline) {
      throw new RoundException(RoundExceptionCode.NO_DEADLINE, `stage "${command.stageKey}" has no deadline to extend`);
    }
    const until = Date.parse(command.until);
    if (!(until > Date.parse(stage.deadline.at)) || !(until > now.getTime())) {
      throw new RoundException(
        RoundExceptionCode.DEADLINE_NOT_LATER,
        `the new deadline must be later than the current one (${stage.deadline.at}) and in the future`,
        'until',
      );
    }
  }

  extendDeadline(command: ExtendDeadlineCommand, now: Date): RoundChange[] {
    this.assertCanExtend(command, now);
    const definition = this.definitionOf(command.stageKey);
    const stage = this.stateOf(command.stageKey);
    const previous = stage.deadline?.at as string;
    const until = toUtcIso(command.until);
    stage.deadlineRevision += 1;
    stage.deadline = {
      at: until,
      rule: {
        de: `Frist verlängert (vorher ${previous})`,
        en: `Deadline extended (was ${previous})`,
      },
    };
    stage.reminders = remindersFor(definition, now.toISOString(), until);
    delete stage.overdueAt;
    delete stage.escalatedAt;
    this.touch(now);
    return [
      {
        action: 'stage.deadline_extended',
        actor: command.actor,
        at: now.toISOString(),
        stageKey: stage.key,
        audiences: definition.reminders?.audiences ?? ['responsible-body'],
        occurrence: `${stage.iteration}.${stage.deadlineRevision}`,
        details: { from: previous, to: until },
      },
    ];
  }

  /** A meeting moved (e.g. reported by the council information system): deadlines and reminders follow. */
  rescheduleMeeting(event: MeetingRescheduled, now: Date): RoundChange[] {
    if (this.isFinished) return [];
    const start = toUtcIso(event.start);
    if (this.current.meetings[event.meeting] === start) return [];
    this.current.meetings[event.meeting] = start;
    const changes: RoundChange[] = [];
    for (const stage of this.openStages()) {
      const definition = this.definitionOf(stage.key);
      if (!definition.deadline || !('meeting' in definition.deadline) || definition.deadline.meeting !== event.meeting) continue;
      const previous = stage.meeting?.start;
      stage.meeting = { key: event.meeting, start };
      stage.deadlineRevision += 1;
      this.applyTiming(stage, definition, now);
      changes.push({
        action: 'stage.meeting_moved',
        actor: event.actor,
        at: now.toISOString(),
        stageKey: stage.key,
        audiences: ['responsible-body'],
        occurrence: `${stage.iteration}.${stage.deadlineRevision}`,
        details: { meeting: event.meeting, from: previous ?? null, to: start },
      });
      changes.push(this.invitation(stage, definition, event.actor, now));
    }
    this.touch(now);
    return changes;
  }

  /**
   * A public consultation whose deadline has passed is closed, even when the workflow has not
   * yet carried out the close (a timer and a command can arrive in the same workflow task).
   */
  private assertNotClosedByTime(stage: StageState, now: Date): void {
    if (stage.type === 'public_consultation' && stage.deadline && Date.parse(stage.deadline.at) <= now.getTime()) {
      throw new RoundException(RoundExceptionCode.STAGE_NOT_OPEN, `stage "${stage.key}" closed at its deadline ${stage.deadline.at}`);
    }
  }

  // ---- cancellation --------------------------------------------------------------------

  assertCanCancel(): void {
    if (this.current.status !== 'running') {
      throw new RoundException(RoundExceptionCode.ROUND_NOT_RUNNING, `round is ${this.current.status}`);
    }
  }

  cancel(command: CancelCommand, now: Date): RoundChange[] {
    this.assertCanCancel();
    const at = now.toISOString();
    for (const stage of this.current.stages) {
      if (stage.status === 'open' || stage.status === 'pending') {
        stage.status = 'skipped';
        stage.closedAt = at;
      }
    }
    this.current.status = 'cancelled';
    this.current.cancelReason = command.reason;
    this.touch(now);
    return [{ action: 'round.cancelled', actor: command.actor, at, audiences: ['administrator'], details: { reason: command.reason } }];
  }

  // ---- time ------------------------------------------------------------------------------

  /** The next instant at which something falls due (reminder, deadline, escalation, status report). */
  nextDueAt(): string | undefined {
    return earliest(this.openStages().flatMap((stage) => this.dueInstants(stage)));
  }

  /** Carries out everything that has fallen due by `now`, in order. */
  fireDue(now: Date): RoundChange[] {
    const changes: RoundChange[] = [];
    for (let guard = 0; guard < 10_000; guard += 1) {
      const due = this.nextDueAt();
      if (due === undefined || Date.parse(due) > now.getTime() || this.isFinished) break;
      // What falls due happens at its instant, even when it is carried out later (after downtime):
      // a consultation closes at its deadline, and the next stage opens then.
      changes.push(...this.fireOne(due, new Date(Date.parse(due))));
    }
    return changes;
  }

  private dueInstants(stage: StageState): string[] {
    const definition = this.definitionOf(stage.key);
    const instants = stage.reminders.filter((reminder) => !reminder.sentAt).map((reminder) => reminder.at);
    if (stage.deadline && !stage.overdueAt) instants.push(stage.deadline.at);
    if (stage.deadline && stage.overdueAt && !stage.escalatedAt && definition.escalation) {
      instants.push(escalationAt(stage.deadline.at, definition));
    }
    if (stage.statusReports) instants.push(stage.statusReports.next);
    return instants;
  }

  private fireOne(due: string, now: Date): RoundChange[] {
    const dueMs = Date.parse(due);
    for (const stage of this.openStages()) {
      const definition = this.definitionOf(stage.key);
      const reminder = stage.reminders.find((candidate) => !candidate.sentAt && Date.parse(candidate.at) === dueMs);
      if (reminder) {
        reminder.sentAt = now.toISOString();
        this.touch(now);
        return [
          {
            action: 'reminder.due',
            actor: SYSTEM_ACTOR,
            at: now.toISOString(),
            stageKey: stage.key,
            audiences: definition.reminders?.audiences ?? [],
            occurrence: `${stage.iteration}.${stage.deadlineRevision}:${reminder.before}`,
            details: { deadline: stage.deadline?.at, before: reminder.before },
          },
        ];
      }
      if (stage.deadline && !stage.overdueAt && Date.parse(stage.deadline.at) === dueMs) {
        if (stage.type === 'public_consultation') {
          // A public consultation closes by itself at its deadline.
          return [
            ...this.close(stage, definition, 'completed', SYSTEM_ACTOR, now, 'stage.closed'),
            ...this.follow(definition, 'completed', SYSTEM_ACTOR, now),
          ];
        }
        stage.overdueAt = now.toISOString();
        this.touch(now);
        return [
          {
            action: 'stage.overdue',
            actor: SYSTEM_ACTOR,
            at: now.toISOString(),
            stageKey: stage.key,
            audiences: ['administrator'],
            occurrence: `${stage.iteration}.${stage.deadlineRevision}`,
            details: { deadline: stage.deadline.at },
          },
        ];
      }
      if (stage.deadline && stage.overdueAt && !stage.escalatedAt && definition.escalation && Date.parse(escalationAt(stage.deadline.at, definition)) === dueMs) {
        stage.escalatedAt = now.toISOString();
        this.touch(now);
        return [
          {
            action: 'stage.escalated',
            actor: SYSTEM_ACTOR,
            at: now.toISOString(),
            stageKey: stage.key,
            audiences: definition.escalation.audiences,
            occurrence: `${stage.iteration}.${stage.deadlineRevision}`,
            details: { deadline: stage.deadline.at },
          },
        ];
      }
      const reports = stage.statusReports;
      if (reports && Date.parse(reports.next) === dueMs) {
        reports.sent += 1;
        reports.next = reports.anchor
          ? deadlineAfter(reports.anchor, multiplyDuration(reports.every, reports.sent + 1))
          : deadlineAfter(reports.next, reports.every);
        this.touch(now);
        const change: RoundChange = {
          action: 'implementation.status_due',
          actor: SYSTEM_ACTOR,
          at: now.toISOString(),
          stageKey: stage.key,
          audiences: definition.statusReports?.audiences ?? [],
          occurrence: `${stage.iteration}:${reports.sent}`,
          details: { report: reports.sent, ...(reports.count ? { of: reports.count } : {}) },
        };
        if (reports.count !== undefined && reports.sent >= reports.count) {
          return [
            change,
            ...this.close(stage, definition, 'completed', SYSTEM_ACTOR, now, 'stage.closed'),
            ...this.follow(definition, 'completed', SYSTEM_ACTOR, now),
          ];
        }
        return [change];
      }
    }
    throw new Error(`nothing falls due at ${due}`);
  }

  // ---- stage lifecycle -----------------------------------------------------------------

  private close(stage: StageState, definition: StageDefinition, outcome: Outcome, actor: string, now: Date, action: 'stage.decided' | 'stage.closed'): RoundChange[] {
    const at = now.toISOString();
    stage.status = 'completed';
    stage.outcome = outcome;
    stage.closedAt = at;
    delete stage.statusReports;
    this.touch(now);
    return [
      {
        action,
        actor,
        at,
        stageKey: stage.key,
        audiences: definition.notify?.onClose ?? [],
        occurrence: `${stage.iteration}`,
        details: { outcome },
      },
    ];
  }

  private follow(from: StageDefinition, outcome: Outcome, actor: string, now: Date): RoundChange[] {
    const transition = from.outcomes[outcome] as Transition;
    const index = this.template.stages.indexOf(from);
    switch (transition.to) {
      case 'end':
        return this.complete(outcome, actor, now);
      case 'next': {
        if (from.group && this.groupMembers(from.group).some((member) => this.stateOf(member.key).status === 'open')) {
          return [];
        }
        const lastOfGroup = from.group ? Math.max(...this.groupMembers(from.group).map((member) => this.template.stages.indexOf(member))) : index;
        if (lastOfGroup + 1 >= this.template.stages.length) return this.complete(outcome, actor, now);
        return this.openAt(lastOfGroup + 1, actor, now);
      }
      case 'stage': {
        const target = this.template.stages.findIndex((definition) => definition.key === transition.stage);
        const first = this.template.stages[target] as StageDefinition;
        if (first.key === from.key || (first.group !== undefined && first.group === from.group)) {
          // Postponed or returned within a parallel group: only that stage opens again; the
          // others of the group keep their state.
          const stage = this.stateOf(first.key);
          stage.status = 'pending';
          delete stage.outcome;
          delete stage.statusReports;
          return this.open(first, actor, now);
        }
        // Going back re-opens the target; every stage from it on has to be passed again.
        for (const definition of this.template.stages.slice(target)) {
          const stage = this.stateOf(definition.key);
          if (stage.status === 'open' || stage.status === 'completed' || stage.status === 'skipped') {
            stage.status = 'pending';
            delete stage.outcome;
            delete stage.statusReports;
          }
        }
        const start = first.group ? this.template.stages.findIndex((definition) => definition.group === first.group) : target;
        return this.openAt(start, actor, now);
      }
    }
  }

  private complete(outcome: Outcome, actor: string, now: Date): RoundChange[] {
    for (const stage of this.current.stages) {
      if (stage.status === 'pending' || stage.status === 'open') stage.status = 'skipped';
    }
    this.current.status = 'completed';
    this.current.result = outcome;
    this.touch(now);
    return [{ action: 'round.completed', actor, at: now.toISOString(), audiences: ['administrator'], details: { result: outcome } }];
  }

  /** Opens the stage at `index`, and with it every stage of its parallel group. */
  private openAt(index: number, actor: string, now: Date): RoundChange[] {
    const first = this.template.stages[index];
    if (!first) return [];
    const members = first.group ? this.groupMembers(first.group) : [first];
    return members.flatMap((definition) => this.open(definition, actor, now));
  }

  private open(definition: StageDefinition, actor: string, now: Date): RoundChange[] {
    const at = now.toISOString();
    const stage = this.stateOf(definition.key);
    stage.status = 'open';
    stage.iteration += 1;
    stage.deadlineRevision = 0;
    stage.openedAt = at;
    delete stage.closedAt;
    delete stage.outcome;
    delete stage.overdueAt;
    delete stage.escalatedAt;
    if (definition.deadline && 'meeting' in definition.deadline) {
      const start = this.current.meetings[definition.deadline.meeting];
      if (start) stage.meeting = { key: definition.deadline.meeting, start };
      else delete stage.meeting;
    }
    this.applyTiming(stage, definition, now);
    if (definition.statusReports) {
      stage.statusReports = {
        every: definition.statusReports.every,
        anchor: at,
        next: deadlineAfter(at, definition.statusReports.every),
        sent: 0,
        ...(definition.statusReports.count !== undefined ? { count: definition.statusReports.count } : {}),
      };
    }
    this.touch(now);
    const changes: RoundChange[] = [
      {
        action: 'stage.opened',
        actor,
        at,
        stageKey: definition.key,
        audiences: definition.notify?.onOpen ?? [],
        occurrence: `${stage.iteration}`,
        ...(stage.deadline ? { details: { deadline: stage.deadline.at } } : {}),
      },
    ];
    if (stage.meeting) changes.push(this.invitation(stage, definition, actor, now));
    return changes;
  }

  private applyTiming(stage: StageState, definition: StageDefinition, now: Date): void {
    const timing = stageTiming(definition, stage.openedAt ?? now.toISOString(), stage.meeting?.start, this.current.standingOrders);
    if (timing.deadline) stage.deadline = timing.deadline;
    else delete stage.deadline;
    if (timing.invitationDeadline) stage.invitationDeadline = timing.invitationDeadline;
    else delete stage.invitationDeadline;
    stage.reminders = timing.deadline ? remindersFor(definition, now.toISOString(), timing.deadline.at) : [];
    if (stage.deadline && Date.parse(stage.deadline.at) > now.getTime()) {
      delete stage.overdueAt;
      delete stage.escalatedAt;
    }
  }

  private invitation(stage: StageState, definition: StageDefinition, actor: string, now: Date): RoundChange {
    return {
      action: 'meeting.invitation',
      actor,
      at: now.toISOString(),
      stageKey: stage.key,
      audiences: definition.body ? [`body:${definition.body}`] : ['responsible-body'],
      occurrence: `${stage.iteration}.${stage.deadlineRevision}`,
      details: {
        meeting: stage.meeting?.key,
        start: stage.meeting?.start,
        invitationDeadline: stage.invitationDeadline?.at,
        sequence: stage.deadlineRevision,
      },
    };
  }

  // ---- lookups ---------------------------------------------------------------------------

  private touch(now: Date): void {
    this.changeCount += 1;
    // Due changes carry their (earlier) due instant; the round's last change time never goes back.
    if (now.getTime() > Date.parse(this.current.updatedAt)) this.current.updatedAt = now.toISOString();
  }

  private openStages(): StageState[] {
    return this.current.stages.filter((stage) => stage.status === 'open');
  }

  private groupMembers(group: string): StageDefinition[] {
    return this.template.stages.filter((definition) => definition.group === group);
  }

  private openStateOf(stageKey: string): StageState {
    const stage = this.stateOf(stageKey);
    if (this.current.status !== 'running') {
      throw new RoundException(RoundExceptionCode.ROUND_NOT_RUNNING, `round is ${this.current.status}`);
    }
    if (stage.status !== 'open') {
      throw new RoundException(RoundExceptionCode.STAGE_NOT_OPEN, `stage "${stageKey}" is ${stage.status}, not open`);
    }
    return stage;
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


function isMeetingBound(definition: StageDefinition): boolean {
  return definition.deadline !== undefined && 'meeting' in definition.deadline;
}

function escalationAt(deadline: string, definition: StageDefinition): string {
  return definition.escalation?.after ? deadlineAfter(deadline, definition.escalation.after) : deadline;
}

function earliest(instants: string[]): string | undefined {
  return instants.reduce<string | undefined>(
    (soonest, instant) => (soonest === undefined || Date.parse(instant) < Date.parse(soonest) ? instant : soonest),
    undefined,
  );
}
