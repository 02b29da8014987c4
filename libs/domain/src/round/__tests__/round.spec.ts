import { kurzverfahrenTemplate } from '../../templates/kurzverfahren.template.js';
import { Round } from '../round.js';
import { deadlineAfter } from '../stage-timing.util.js';
import { RoundException, RoundExceptionCode } from '../round.exception.js';
import type { ProcessTemplate } from '../../template/process-template.type.js';

const now = new Date('2026-03-02T09:00:00Z');
const later = new Date('2026-03-09T09:00:00Z');

function started(template: ProcessTemplate = kurzverfahrenTemplate): Round {
  return Round.start({ id: 'r-1', title: 'Radverkehrskonzept', template, actor: 'admin-1' }, now).round;
}

function refusal(action: () => unknown): RoundExceptionCode | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof RoundException) return error.code;
    throw error;
  }
  return undefined;
}

describe('Round', () => {
  it('should open the first stage and leave the others pending when started', () => {
    const { round, changes } = Round.start({ id: 'r-1', title: 'T', template: kurzverfahrenTemplate, actor: 'admin-1' }, now);
    expect(round.state.status).toBe('running');
    expect(round.state.stages.map((stage) => [stage.key, stage.status])).toEqual([
      ['fachausschuss', 'open'],
      ['ratsbeschluss', 'pending'],
    ]);
    expect(changes.map((change) => change.action)).toEqual(['round.started', 'stage.opened']);
  });

  it('should open the next stage when a stage is approved', () => {
    const round = started();
    const changes = round.decide({ stageKey: 'fachausschuss', outcome: 'approved', actor: 'sec-1' }, later);
    expect(round.state.stages.map((stage) => stage.status)).toEqual(['completed', 'open']);
    expect(changes.map((change) => change.action)).toEqual(['stage.decided', 'stage.opened']);
    expect(round.state.stages[0]?.decisions).toEqual([{ outcome: 'approved', actor: 'sec-1', decidedAt: later.toISOString() }]);
  });

  it('should end the round and skip the rest when the template says a rejection ends it', () => {
    const round = started();
    round.decide({ stageKey: 'fachausschuss', outcome: 'rejected', actor: 'sec-1' }, later);
    expect(round.state).toMatchObject({ status: 'completed', result: 'rejected' });
    expect(round.state.stages.map((stage) => stage.status)).toEqual(['completed', 'skipped']);
  });

  it('should reopen the earlier stage and reset the later ones when the council returns the matter', () => {
    const round = started();
    round.decide({ stageKey: 'fachausschuss', outcome: 'approved', actor: 'sec-1' }, later);
    round.decide({ stageKey: 'ratsbeschluss', outcome: 'returned', actor: 'sec-2' }, later);
    expect(round.state.stages.map((stage) => stage.status)).toEqual(['open', 'pending']);
    expect(round.state.stages[0]?.decisions.map((decision) => decision.outcome)).toEqual(['approved']);
    expect(round.state.stages[1]?.decisions.map((decision) => decision.outcome)).toEqual(['returned']);
  });

  it('should reopen the same stage when it is postponed', () => {
    const round = started();
    round.decide({ stageKey: 'fachausschuss', outcome: 'postponed', actor: 'sec-1' }, later);
    expect(round.state.stages[0]).toMatchObject({ status: 'open', openedAt: later.toISOString() });
  });

  it('should refuse a decision on a stage that is not open', () => {
    expect(refusal(() => started().decide({ stageKey: 'ratsbeschluss', outcome: 'approved', actor: 'x' }, later))).toBe(
      RoundExceptionCode.STAGE_NOT_OPEN,
    );
  });

  it('should refuse an outcome the stage does not accept', () => {
    expect(refusal(() => started().assertCanDecide({ stageKey: 'fachausschuss', outcome: 'acknowledged', actor: 'x' }, later))).toBe(
      RoundExceptionCode.OUTCOME_NOT_ALLOWED,
    );
  });

  it('should refuse a decision on an unknown stage', () => {
    expect(refusal(() => started().assertCanDecide({ stageKey: 'nope', outcome: 'approved', actor: 'x' }, later))).toBe(
      RoundExceptionCode.STAGE_NOT_FOUND,
    );
  });

  it('should refuse decisions once the round has ended, and a second cancellation', () => {
    const round = started();
    round.cancel({ reason: 'Antrag zurückgezogen', actor: 'admin-1' }, later);
    expect(round.state).toMatchObject({ status: 'cancelled', cancelReason: 'Antrag zurückgezogen' });
    expect(round.state.stages.map((stage) => stage.status)).toEqual(['skipped', 'skipped']);
    expect(refusal(() => round.assertCanDecide({ stageKey: 'fachausschuss', outcome: 'approved', actor: 'x' }, later))).toBe(
      RoundExceptionCode.ROUND_NOT_RUNNING,
    );
    expect(refusal(() => round.cancel({ reason: 'again', actor: 'admin-1' }, later))).toBe(RoundExceptionCode.ROUND_NOT_RUNNING);
  });

  it('should set a stage deadline from the template offset when the stage opens', () => {
    const template: ProcessTemplate = {
      ...kurzverfahrenTemplate,
      stages: kurzverfahrenTemplate.stages.map((stage, index) => (index === 0 ? { ...stage, deadline: { offset: 'P14D' } } : stage)),
    };
    expect(started(template).state.stages[0]?.deadline?.at).toBe('2026-03-16T09:00:00.000Z');
  });
});

describe('deadlineAfter', () => {
  it.each([
    ['keeps the local wall-clock time across the spring DST change', '2026-03-27T09:00:00Z', 'P3D', '2026-03-30T08:00:00.000Z'],
    ['keeps the local wall-clock time across the autumn DST change', '2026-10-23T09:00:00Z', 'P3D', '2026-10-26T10:00:00.000Z'],
    ['adds exact seconds for short test durations', '2026-03-02T09:00:00Z', 'PT2S', '2026-03-02T09:00:02.000Z'],
    ['adds calendar months', '2026-01-31T11:00:00Z', 'P1M', '2026-02-28T11:00:00.000Z'],
  ])('should %s', (_name, start, offset, expected) => {
    expect(deadlineAfter(new Date(start), offset)).toBe(expected);
  });
});
