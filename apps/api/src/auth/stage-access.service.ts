import { Inject, Injectable } from '@nestjs/common';
import { ProblemException, text } from '../problem-details/problem.exception.js';
import { RoundService } from '../round/round.service.js';
import type { Principal } from './principal.js';
import { SecurityAuditService } from './security-audit.service.js';

/**
 * The finer rule behind the access table: administrators act on every stage; a secretary
 * only on stages whose responsible body they serve as secretary today.
 */
@Injectable()
export class StageAccessService {
  constructor(
    @Inject(RoundService) private readonly rounds: RoundService,
    @Inject(SecurityAuditService) private readonly securityAudit: SecurityAuditService,
  ) {}

  async assertMayActOn(principal: Principal, roundId: string, stageKey: string, action: string): Promise<void> {
    if (principal.roles.has('admin')) return;
    const round = await this.rounds.get(roundId);
    const stage = round.stages.find((candidate) => candidate.key === stageKey);
    // An unknown stage is the service's 404 to report; only known stages are checked here.
    if (!stage || (stage.body !== undefined && principal.secretaryOf.has(stage.body))) return;
    await this.securityAudit.record({
      action: 'access.refused',
      actor: principal.actor,
      subjectType: 'stage',
      subjectId: `${roundId}/${stageKey}`,
      details: { reason: 'not-secretary-of-responsible-body', attempted: action, body: stage.body ?? null },
    });
    throw new ProblemException(
      'forbidden',
      text(
        'Nur die Schriftführung des zuständigen Gremiums darf in dieser Phase handeln.',
        "Only the secretary of the stage's responsible body may act on this stage.",
      ),
    );
  }
}
