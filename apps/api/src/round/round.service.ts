import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import {
  decideStageUpdate,
  ROUND_WORKFLOW_TYPE,
  roundWorkflowId,
  SEARCH_ATTRIBUTES,
  type CreateRoundRequest,
  type DecisionRequest,
  type RoundWorkflowInput,
} from '@ratsweg/contracts';
import { Round, type RoundState } from '@ratsweg/domain';
import { RoundRepository } from '@ratsweg/persistence';
import { Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { ProblemException, text } from '../problem-details/problem.exception.js';
import { TemplateService } from '../template/template.service.js';
import { temporalProblem } from './round-problem.util.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Starting and steering rounds: commands go to the round's workflow, reads come from the read model. */
@Injectable()
export class RoundService {
  constructor(
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
    @Inject(Client) private readonly temporal: Client,
    @Inject(RoundRepository) private readonly rounds: RoundRepository,
    @Inject(TemplateService) private readonly templates: TemplateService,
  ) {}

  async start(request: CreateRoundRequest, actor: string): Promise<RoundState> {
    const template = this.templates.find(request.templateKey, request.templateVersion);
    if (!template) {
      const message = text('Unbekannte Verfahrensvorlage', 'Unknown process template');
      throw new ProblemException('validation-failed', message, (locale) => [
        { field: request.templateVersion === undefined ? 'templateKey' : 'templateVersion', message: message(locale) },
      ]);
    }
    const roundId = randomUUID();
    const requestedAt = new Date();
    const input: RoundWorkflowInput = {
      roundId,
      title: request.title,
      template,
      tenant: this.config.RATSWEG_TENANT,
      actor,
      requestedAt: requestedAt.toISOString(),
    };
    const workflowId = roundWorkflowId(roundId);
    try {
      await this.temporal.workflow.start(ROUND_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: this.config.TEMPORAL_TASK_QUEUE,
        args: [input],
        typedSearchAttributes: new TypedSearchAttributes([
          { key: SEARCH_ATTRIBUTES.tenant, value: input.tenant },
          { key: SEARCH_ATTRIBUTES.template, value: template.key },
          { key: SEARCH_ATTRIBUTES.status, value: 'running' },
        ]),
      });
    } catch (error) {
      throw temporalProblem(error);
    }
    // The same rules the workflow applies give the state it starts in; its first recording replaces this row.
    const { round } = Round.start({ id: roundId, title: request.title, template, actor }, requestedAt);
    await this.rounds.insertStarted(workflowId, input.tenant, round.state);
    return round.state;
  }

  async get(id: string): Promise<RoundState> {
    const row = UUID.test(id) ? await this.rounds.findById(this.config.RATSWEG_TENANT, id) : null;
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
      stages: row.stages,
    };
  }

  async decide(id: string, stageKey: string, request: DecisionRequest, actor: string): Promise<RoundState> {
    const round = await this.get(id);
    if (!round.stages.some((stage) => stage.key === stageKey)) {
      throw new ProblemException('stage-not-found', text(`Die Runde hat keine Phase „${stageKey}“.`, `The round has no stage "${stageKey}".`));
    }
    try {
      return await this.temporal.workflow
        .getHandle(roundWorkflowId(id))
        .executeUpdate(decideStageUpdate, { args: [{ stageKey, actor, ...request }] });
    } catch (error) {
      throw temporalProblem(error);
    }
  }
}
