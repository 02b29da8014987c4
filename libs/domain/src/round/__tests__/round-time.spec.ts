import { digitaleAgendaTemplate } from '../../templates/digitale-agenda.template.js';
import { beschlussvorlageTemplate } from '../../templates/beschlussvorlage.template.js';
import { schedule } from '../../schedule/schedule.js';
import type { ProcessTemplate } from '../../template/process-template.type.js';
import { Round } from '../round.js';

const start = new Date('2026-03-02T08:00:00Z');
const at = (iso: string) => new Date(iso);
const title = { de: 'T', en: 'T' };

const timed: ProcessTemplate = {
  key: 'timed',
  version: 1,
  title,
  stages: [
    {
      key: 'diskussion',
      type: 'public_consultation',
      title,
      deadline: { offset: 'P14D' },
      reminders: { before: ['P7D', 'P1D'], audiences: ['administrator'] },
      outcomes: { completed: { to: 'next' } },
    },
    {
      key: 'auswertung',
      type: 'drafting',
      title,
      deadline: { offset: 'P7D' },
      escalation: { after: 'P2D', audiences: ['body:verwaltungsvorstand'] },
      outcomes: { completed: { to: 'next' } },
    },
    {
      key: 'umsetzung',
      type: 'implementation',
      title,
      statusReports: { every: 'P3M', audiences: ['body:verwaltungsvorstand'], count: 3 },
      outcomes: { completed: { to: 'end' } },
    },
  ],
};

function startTimed(): Round {
  return Round.start({ id: 'r', title: 'T', template: timed, actor: 'admin' }, start).round;
}

describe('Round over time', () => {
  it('should plan the next due instant at the first reminder', () => {
    expect(startTimed().nextDueAt()).toBe('2026-03-09T08:00:00.000Z');
  });

  it('should send each reminder once, then close the consultation at its deadline and open the next stage', () => {
    const round = startTimed();
    expect(round.fireDue(at('2026-03-09T08:00:00Z')).map((change) => change.action)).toEqual(['reminder.due']);
    expect(round.fireDue(at('2026-03-09T08:00:00Z'))).toEqual([]);
    const atDeadline = round.fireDue(at('2026-03-16T08:00:00Z'));
    expect(atDeadline.map((change) => `${change.action}:${change.stageKey ?? ''}`)).toEqual([
      'reminder.due:diskussion',
      'stage.closed:diskussion',
      'stage.opened:auswertung',
    ]);
    expect(round.state.stages[0]).toMatchObject({ status: 'completed', outcome: 'completed' });
  });

  it('should catch up on everything that fell due while nobody was looking, in order', () => {
    const round = startTimed();
    const changes = round.fireDue(at('2026-04-01T00:00:00Z'));
    expect(changes.map((change) => change.action)).toEqual([
      'reminder.due',
      'reminder.due',
      'stage.closed',
      'stage.opened',
      'stage.overdue',
      'stage.escalated',
    ]);
    expect(changes.find((change) => change.action === 'stage.escalated')?.audiences).toEqual(['body:verwaltungsvorstand']);
  });

  it('should send status reports every quarter and complete the implementation after the last one', () => {
    const round = startTimed();
    round.fireDue(at('2026-03-16T08:00:00Z'));
    round.decide({ stageKey: 'auswertung', outcome: 'completed', actor: 'admin' }, at('2026-03-20T08:00:00Z'));
    const changes = round.fireDue(at('2027-01-01T00:00:00Z'));
    expect(changes.filter((change) => change.action === 'implementation.status_due').map((change) => change.occurrence)).toEqual(['1:1', '1:2', '1:3']);
    expect(round.state).toMatchObject({ status: 'completed', result: 'completed' });
  });

  it('should move the deadline and re-plan the reminders when the deadline is extended', () => {
    const round = startTimed();
    round.fireDue(at('2026-03-09T08:00:00Z'));
    const changes = round.extendDeadline({ stageKey: 'diskussion', until: '2026-03-30T08:00:00Z', actor: 'admin' }, at('2026-03-10T08:00:00Z'));
    expect(changes[0]).toMatchObject({ action: 'stage.deadline_extended', details: { from: '2026-03-16T08:00:00.000Z', to: '2026-03-30T08:00:00.000Z' } });
    const stage = round.state.stages[0];
    expect(stage?.deadline?.at).toBe('2026-03-30T08:00:00.000Z');
    // 30 March is in summer time (10:00 local); seven days earlier is winter time, still 10:00 local.
    expect(stage?.reminders.map((reminder) => reminder.at)).toEqual(['2026-03-23T09:00:00.000Z', '2026-03-29T08:00:00.000Z']);
    expect(round.fireDue(at('2026-03-16T08:00:00Z'))).toEqual([]);
  });

  it('should open parallel stages together and continue only when all of them are closed', () => {
    const { round } = Round.start(
      { id: 'r', title: 'T', template: digitaleAgendaTemplate, actor: 'admin', meetings: { 'digitales-forum': '2026-04-01T16:00:00Z' } },
      start,
    );
    for (const stageKey of ['digitales-forum', 'werkstaetten', 'leitlinien-entwurf']) {
      round.decide({ stageKey, outcome: 'completed', actor: 'admin' }, at('2026-03-03T08:00:00Z'));
    }
    round.fireDue(at('2026-04-20T00:00:00Z'));
    expect(round.openStageKeys).toEqual(['unterrichtung-arbeitskreis', 'unterrichtung-fachbeirat']);
    round.decide({ stageKey: 'unterrichtung-arbeitskreis', outcome: 'acknowledged', actor: 'sec' }, at('2026-04-21T08:00:00Z'));
    expect(round.openStageKeys).toEqual(['unterrichtung-fachbeirat']);
    round.decide({ stageKey: 'unterrichtung-fachbeirat', outcome: 'acknowledged', actor: 'sec' }, at('2026-04-21T09:00:00Z'));
    expect(round.openStageKeys).toEqual(['fachausschuss']);
  });

  it('should bind a committee stage to its meeting and follow the meeting when it moves', () => {
    const { round } = Round.start(
      { id: 'r', title: 'T', template: beschlussvorlageTemplate, actor: 'admin', meetings: { fachausschuss: '2026-03-24T16:00:00Z' } },
      start,
    );
    const opened = round.decide({ stageKey: 'vorlage', outcome: 'completed', actor: 'admin' }, at('2026-03-05T08:00:00Z'));
    expect(opened.map((change) => change.action)).toEqual(['stage.decided', 'stage.opened', 'meeting.invitation']);
    const moved = round.rescheduleMeeting({ meeting: 'fachausschuss', start: '2026-03-31T15:00:00Z', actor: 'ris' }, at('2026-03-06T08:00:00Z'));
    expect(moved.map((change) => change.action)).toEqual(['stage.meeting_moved', 'meeting.invitation']);
    expect(round.state.stages[1]).toMatchObject({ deadline: { at: '2026-03-31T15:00:00.000Z' }, deadlineRevision: 1 });
    expect(round.rescheduleMeeting({ meeting: 'fachausschuss', start: '2026-03-31T15:00:00Z', actor: 'ris' }, at('2026-03-06T09:00:00Z'))).toEqual([]);
  });
});

describe('schedule', () => {
  it('should plan the whole digitale-agenda with every deadline, its rule and the invitation deadlines', () => {
    const plan = schedule(digitaleAgendaTemplate, start, {
      'digitales-forum': '2026-03-20T17:00:00Z',
      fachausschuss: '2028-04-20T15:00:00Z',
      rat: '2028-05-04T15:00:00Z',
    });
    expect(plan.stages.map((stage) => stage.key)).toEqual(digitaleAgendaTemplate.stages.map((stage) => stage.key));
    const werkstaetten = plan.stages[1];
    expect(werkstaetten).toMatchObject({ opens: '2026-03-20T17:00:00.000Z', deadline: { at: '2027-09-20T16:00:00.000Z' } });
    const [arbeitskreis, fachbeirat] = plan.stages.slice(4, 6);
    expect(arbeitskreis?.opens).toBe(fachbeirat?.opens);
    expect(plan.stages[6]?.invitationDeadline?.rule.de).toContain('Ladungsfrist');
    expect(plan.stages[8]?.statusReports).toHaveLength(20);
  });
});

describe('Round edge cases', () => {
  it('should keep quarterly reports on the month end when the implementation opened on the 31st', () => {
    const template: ProcessTemplate = {
      key: 'quartal',
      version: 1,
      title,
      stages: [{ key: 'umsetzung', type: 'implementation', title, statusReports: { every: 'P3M', audiences: [], count: 4 }, outcomes: { completed: { to: 'end' } } }],
    };
    const { round } = Round.start({ id: 'r', title: 'T', template, actor: 'admin' }, at('2026-08-31T08:00:00Z'));
    const reports = round.fireDue(at('2027-09-01T00:00:00Z')).filter((change) => change.action === 'implementation.status_due');
    expect(reports.map((change) => change.at)).toEqual([
      '2026-11-30T09:00:00.000Z',
      '2027-02-28T09:00:00.000Z',
      '2027-05-31T08:00:00.000Z',
      '2027-08-31T08:00:00.000Z',
    ]);
  });

  it('should reopen only the postponed stage of a parallel group and leave its completed sibling alone', () => {
    const template: ProcessTemplate = {
      key: 'parallel',
      version: 1,
      title,
      stages: [
        { key: 'a', type: 'committee_consultation', title, body: 'a', group: 'g', outcomes: { approved: { to: 'next' }, postponed: { to: 'stage', stage: 'a' } } },
        { key: 'b', type: 'committee_consultation', title, body: 'b', group: 'g', outcomes: { approved: { to: 'next' }, postponed: { to: 'stage', stage: 'b' } } },
        { key: 'rat', type: 'council_decision', title, body: 'rat', outcomes: { approved: { to: 'end' } } },
      ],
    };
    const { round } = Round.start({ id: 'r', title: 'T', template, actor: 'admin' }, start);
    round.decide({ stageKey: 'a', outcome: 'approved', actor: 's' }, at('2026-03-03T08:00:00Z'));
    round.decide({ stageKey: 'b', outcome: 'postponed', actor: 's' }, at('2026-03-04T08:00:00Z'));
    expect(round.state.stages.map((stage) => [stage.key, stage.status, stage.iteration])).toEqual([
      ['a', 'completed', 1],
      ['b', 'open', 2],
      ['rat', 'pending', 0],
    ]);
    round.decide({ stageKey: 'b', outcome: 'approved', actor: 's' }, at('2026-03-05T08:00:00Z'));
    expect(round.openStageKeys).toEqual(['rat']);
  });

  it('should refuse commands on a public consultation whose deadline has passed, even before it is closed', () => {
    const round = startTimed();
    const refusedAt = at('2026-03-16T08:00:01Z');
    expect(() => round.assertCanExtend({ stageKey: 'diskussion', until: '2026-04-30T08:00:00Z', actor: 'admin' }, refusedAt)).toThrow(/closed at its deadline/);
    expect(() => round.assertCanDecide({ stageKey: 'diskussion', outcome: 'completed', actor: 'admin' }, refusedAt)).toThrow(/closed at its deadline/);
  });
});

