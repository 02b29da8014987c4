import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import {
  cancelRoundUpdate,
  decideStageUpdate,
  extendDeadlineUpdate,
  meetingRescheduledSignal,
  ROUND_WORKFLOW_TYPE,
  roundWorkflowId,
  SEARCH_ATTRIBUTES,
  type CancelRoundRequest,
  type CreateRoundRequest,
  type DecisionRequest,
  type ExtendDeadlineRequest,
  type RescheduleMeetingRequest,
  type RoundWorkflowInput,
} from '@ratsweg/contracts';
import { DEFAULT_STANDING_ORDERS, isUuid, Round, schedule, type RoundState, type Schedule } from '@ratsweg/domain';
import { RoundRepository } from '@ratsweg/persistence';
import { Client, WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes, WorkflowIdReusePolicy } from '@temporalio/common';
import { ProblemException, text } from '../problem-details/problem.exception.js';
import { TemplateService } from '../template/template.service.js';
import { temporalProblem } from './round-problem.util.js';

/** Clocks differ a little; a start this far in the future still counts as now. */
const START_TOLERANCE_MS = 60_000;

/** Starting and steering rounds: commands go to the round's workflow, reads come from the read model. */
@Injectable()
export class RoundService {
  constructor(
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
    @Inject(Client) private readonly temporal: Client,
    @Inject(RoundRepository) private readonly rounds: RoundRepository,
    @Inject(TemplateService) private readonly templates: TemplateService,
  ) {}

  private get tenant(): string {
    return this.config.RATSWEG_TENANT;
  }

  /**
   * `idempotencyKey`: the round's id is derived from it (with the caller and the request), so a
   * request repeated after an answer was lost — e.g. a 503 while Temporal was down, although the
   * workflow had started — finds the round it started instead of starting a second one.
   */
  async start(request: CreateRoundRequest, actor: string, options: { idempotencyKey?: string } = {}): Promise<RoundState> {
    const template = await this.templates.find(this.tenant, request.templateKey, request.templateVersion);
    if (!template) {
      const message = text('Unbekannte Verfahrensvorlage', 'Unknown process template');
      throw new ProblemException('validation-failed', message, (locale) => [
        { field: request.templateVersion === undefined ? 'templateKey' : 'templateVersion', message: message(locale) },
      ]);
    }
    const now = Date.now();
    if (request.start && Date.parse(request.start) > now + START_TOLERANCE_MS) {
      const message = text('Der Beginn darf nicht in der Zukunft liegen.', 'The start must not be in the future.');
      throw new ProblemException('validation-failed', message, (locale) => [{ field: 'start', message: message(locale) }]);
    }
    const meetingKeys = new Set(template.stages.flatMap((stage) => (stage.deadline && 'meeting' in stage.deadline ? [stage.deadline.meeting] : [])));
    const unknownMeetings = Object.keys(request.meetings ?? {}).filter((key) => !meetingKeys.has(key));
    if (unknownMeetings.length > 0) {
      const known = [...meetingKeys].join(', ') || '—';
      throw new ProblemException(
        'validation-failed',
        text(`Die Vorlage kennt diese Sitzungen nicht. Bekannt: ${known}`, `The template has no such meetings. Known: ${known}`),
        unknownMeetings.map((key) => ({ field: `meetings.${key}`, message: `unknown meeting; known: ${known}` })),
      );
    }
    const roundId = options.idempotencyKey ? keyedUuid(this.tenant, actor, options.idempotencyKey, JSON.stringify(request)) : randomUUID();
    const requestedAt = new Date(request.start ? Math.min(Date.parse(request.start), now) : now);
    const input: RoundWorkflowInput = {
      roundId,
      title: request.title,
      template,
      tenant: this.tenant,
      actor,
      requestedAt: requestedAt.toISOString(),
      ...(request.meetings ? { meetings: request.meetings } : {}),
      standingOrders: DEFAULT_STANDING_ORDERS,
      continueAsNewAfterEvents: this.config.ROUND_HISTORY_EVENT_LIMIT,
      ...(request.parameters ? { parameters: request.parameters } : {}),
    };
    // The same rules the workflow applies give the state it starts in: its search attributes, and the
    // read-model row that lists the round at once (its first recording replaces the row).
    const { round } = Round.start(
      {
        id: roundId,
        title: request.title,
        template,
        actor,
        ...(input.meetings ? { meetings: input.meetings } : {}),
        ...(input.standingOrders ? { standingOrders: input.standingOrders } : {}),
        ...(input.parameters ? { parameters: input.parameters } : {}),
      },
      requestedAt,
    );
    const workflowId = roundWorkflowId(roundId);
    let startedBefore = false;
    try {
      await this.temporal.workflow.start(ROUND_WORKFLOW_TYPE, {
        workflowId,
        // A round's id is never used for a second workflow, not even after the first one has closed.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        taskQueue: this.config.TEMPORAL_TASK_QUEUE,
        args: [input],
        typedSearchAttributes: new TypedSearchAttributes([
          { key: SEARCH_ATTRIBUTES.tenant, value: input.tenant },
          { key: SEARCH_ATTRIBUTES.template, value: template.key },
          { key: SEARCH_ATTRIBUTES.status, value: round.state.status },
          // Since workflows v0.4.0 the first recording does not upsert what the start already set.
          { key: SEARCH_ATTRIBUTES.currentStage, value: [...round.openStageKeys] },
        ]),
      });
    } catch (error) {
      // Only a key-derived id can exist already: an earlier attempt of this very request started it.
      if (!(options.idempotencyKey && error instanceof WorkflowExecutionAlreadyStartedError)) throw temporalProblem(error);
      startedBefore = true;
    }
    await this.rounds.insertStarted(workflowId, input.tenant, round.state);
    return startedBefore ? this.get(roundId) : round.state;
  }

  async get(id: string): Promise<RoundState> {
    const row = isUuid(id) ? await this.rounds.findById(this.tenant, id) : null;
    if (!row) {
      throw new ProblemException('round-not-found', text(`Keine Beteiligungsrunde mit der Id ${id}.`, `No participation round with id ${id}.`));
    }
    return {
      id: row.id,
      title: row.title,
      templateKey: row.templateKey,
      templateVersion: row.templateVersion,
      status: row.status,
      ...(row.result ? { result: row.result } : {}),
      ...(row.cancelReason ? { cancelReason: row.cancelReason } : {}),
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      meetings: row.meetings ?? {},
      standingOrders: row.standingOrders ?? DEFAULT_STANDING_ORDERS,
      parameters: row.parameters ?? {},
      stages: row.stages,
    };
  }

  /**
   * The round's plan as its template lays it out from the round's start (each stage closing at its
   * deadline, the happy path taken) with the round's current meeting dates: what the timeline
   * compares the actual course with. Undefined when the template version is no longer known.
   */
  async plan(round: RoundState): Promise<Schedule | undefined> {
    const template = await this.templates.find(this.tenant, round.templateKey, round.templateVersion);
    return template ? schedule(template, round.createdAt, round.meetings, round.standingOrders) : undefined;
  }

  /** `updateId`: the same id given again (a command repeated after a crash) is recorded once by Temporal. */
  async decide(id: string, stageKey: string, request: DecisionRequest, actor: string, options: { updateId?: string } = {}): Promise<RoundState> {
    const handle = await this.handleForStage(id, stageKey);
    return this.command(() =>
      handle.executeUpdate(decideStageUpdate, { args: [{ stageKey, actor, ...request }], ...(options.updateId ? { updateId: options.updateId } : {}) }),
    );
  }

  async extendDeadline(id: string, stageKey: string, request: ExtendDeadlineRequest, actor: string): Promise<RoundState> {
    const handle = await this.handleForStage(id, stageKey);
    return this.command(() => handle.executeUpdate(extendDeadlineUpdate, { args: [{ stageKey, until: request.until, actor }] }));
  }

  async cancel(id: string, request: CancelRoundRequest, actor: string): Promise<RoundState> {
    await this.get(id);
    const handle = this.temporal.workflow.getHandle(roundWorkflowId(id));
    return this.command(() => handle.executeUpdate(cancelRoundUpdate, { args: [{ reason: request.reason, actor }] }));
  }

  /** A meeting moved: the round's deadlines and reminders follow (asynchronously, by signal). */
  async rescheduleMeeting(id: string, meeting: string, request: RescheduleMeetingRequest, actor: string): Promise<void> {
    const round = await this.get(id);
    const template = await this.templates.require(this.tenant, round.templateKey, round.templateVersion);
    const known = template.stages.some((stage) => stage.deadline && 'meeting' in stage.deadline && stage.deadline.meeting === meeting);
    if (!known) {
      throw new ProblemException('not-found', text(`Die Runde kennt keine Sitzung „${meeting}“.`, `The round has no meeting "${meeting}".`));
    }
    if (round.status !== 'running') {
      throw new ProblemException('round-not-running', text('Die Beteiligungsrunde ist bereits beendet.', 'The participation round has already ended.'));
    }
    await this.command(() =>
      this.temporal.workflow.getHandle(roundWorkflowId(id)).signal(meetingRescheduledSignal, { meeting, start: request.start, actor }),
    );
  }

  private async handleForStage(id: string, stageKey: string): Promise<WorkflowHandle> {
    const round = await this.get(id);
    if (!round.stages.some((stage) => stage.key === stageKey)) {
      throw new ProblemException('stage-not-found', text(`Die Runde hat keine Phase „${stageKey}“.`, `The round has no stage "${stageKey}".`));
    }
    return this.temporal.workflow.getHandle(roundWorkflowId(id));
  }

  /** The Temporal update id of a command sent with an Idempotency-Key: a retry is recorded once by Temporal. */
  updateIdFor(actor: string, idempotencyKey: string, what: string): string {
    return `idempotent-${createHash('sha256').update(`${this.tenant}\n${actor}\n${idempotencyKey}\n${what}`).digest('hex')}`;
  }

  private async command<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw temporalProblem(error);
    }
  }
}

/** A UUID (version 8, RFC 9562: custom) from a SHA-256 of the caller's key and request. */
function keyedUuid(...parts: string[]): string {
  const hash = createHash('sha256').update(parts.join('\n')).digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x80;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
