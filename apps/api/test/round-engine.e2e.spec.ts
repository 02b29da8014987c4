import { beschlussvorlageTemplate, digitaleAgendaTemplate, type ProcessTemplate } from '@ratsweg/domain';
import { auditOf, fast, inMinutes, roundWhen, stageOf, startRound, uploadTemplate } from './support/rounds.js';
import { TestSystem } from './support/system.js';

const title = { de: 'Test', en: 'Test' };

/** A public consultation of a few seconds, then an evaluation that falls overdue and escalates. */
const consultationTemplate: ProcessTemplate = {
  key: 'test-konsultation',
  version: 1,
  title,
  stages: [
    {
      key: 'diskussion',
      type: 'public_consultation',
      title,
      deadline: { offset: 'PT3S' },
      reminders: { before: ['PT1S'], audiences: ['administrator'] },
      notify: { onClose: ['administrator'] },
      outcomes: { completed: { to: 'next' } },
    },
    {
      key: 'auswertung',
      type: 'drafting',
      title,
      deadline: { offset: 'PT1S' },
      escalation: { after: 'PT1S', audiences: ['body:verwaltungsvorstand'] },
      outcomes: { completed: { to: 'end' } },
    },
  ],
};

describe('the round engine over HTTP (real Temporal, second-scale durations)', () => {
  const system = new TestSystem();

  beforeAll(async () => {
    await system.start();
    await uploadTemplate(system, fast(digitaleAgendaTemplate), 2);
    await uploadTemplate(system, fast(beschlussvorlageTemplate), 2);
    await uploadTemplate(system, consultationTemplate, 1);
  });

  afterAll(async () => {
    await system.stop();
  });

  describe('templates', () => {
    it('should list every version of a template and serve the newest', async () => {
      const { status, body } = await system.request('GET', '/api/v1/templates/digitale-agenda');
      expect(status).toBe(200);
      expect(body.latestVersion).toBe(2);
      expect(body.versions.map((version: { version: number; source: string }) => [version.version, version.source])).toEqual([
        [1, 'builtin'],
        [2, 'stored'],
      ]);
      expect(body.definition.stages).toHaveLength(9);
    });

    it('should refuse an invalid template with 422, listing every error with its path, and store nothing', async () => {
      const broken = structuredClone(beschlussvorlageTemplate) as unknown as Record<string, unknown> & { stages: Record<string, unknown>[] };
      broken.version = 7;
      (broken.stages[0] as { deadline: unknown }).deadline = { offset: 'zwei Wochen' };
      (broken.stages[3] as { type: string }).type = 'volksfest';
      const response = await system.request('POST', '/api/v1/templates', broken, { 'accept-language': 'en' });
      expect(response.status).toBe(422);
      expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(response.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'stages[0].deadline.offset', message: 'expected ISO 8601 duration' },
          expect.objectContaining({ field: 'stages[3].type' }),
        ]),
      );
      const after = await system.request('GET', '/api/v1/templates/beschlussvorlage');
      expect(after.body.latestVersion).toBe(2);
    });

    it('should refuse a version that is not newer than the stored one', async () => {
      const response = await system.request('POST', '/api/v1/templates', { ...beschlussvorlageTemplate, version: 2 });
      expect(response.status).toBe(409);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'version' })]);
    });

    it('should accept a template written in YAML', async () => {
      const yaml = [
        'key: yaml-vorlage',
        'version: 1',
        'title: { de: YAML, en: YAML }',
        'stages:',
        '  - key: entwurf',
        '    type: drafting',
        '    title: { de: Entwurf, en: Draft }',
        '    outcomes: { completed: { to: end } }',
      ].join('\n');
      const response = await system.request('POST', '/api/v1/templates', yaml, { 'content-type': 'application/yaml' });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ key: 'yaml-vorlage', version: 1, stages: [{ key: 'entwurf' }] });
    });

    it('should preview the schedule with every deadline and the rule that produced it', async () => {
      const response = await system.request('POST', '/api/v1/templates/beschlussvorlage/preview', {
        templateVersion: 1,
        start: '2026-03-02T08:00:00Z',
        meetings: { fachausschuss: '2026-03-24T16:00:00Z', hauptausschuss: '2026-04-14T15:00:00Z', rat: '2026-04-30T15:00:00Z' },
      });
      expect(response.status).toBe(200);
      const [vorlage, fachausschuss] = response.body.stages;
      expect(vorlage).toMatchObject({ key: 'vorlage', opens: '2026-03-02T08:00:00.000Z', deadline: { at: '2026-03-16T08:00:00.000Z' } });
      expect(vorlage.deadline.rule).toContain('nach Eröffnung der Phase');
      expect(vorlage.reminders).toEqual([{ before: 'P3D', at: '2026-03-13T08:00:00.000Z' }]);
      expect(fachausschuss).toMatchObject({
        key: 'fachausschuss',
        deadline: { at: '2026-03-24T16:00:00.000Z' },
        meeting: { key: 'fachausschuss', start: '2026-03-24T16:00:00.000Z' },
      });
      // Meeting on Tuesday 24 March; 7 full calendar days before it: dispatch by Monday 16 March, end of day (CET).
      expect(fachausschuss.invitationDeadline.at).toBe('2026-03-16T22:59:59.999Z');
      expect(fachausschuss.invitationDeadline.rule).toContain('Ladungsfrist');
    });
  });

  it('should close a public consultation by itself at its deadline, after its reminder, and move on', async () => {
    const id = await startRound(system, { templateKey: 'test-konsultation', title: 'Radverkehr' });
    const round = await roundWhen(system, id, (body) => stageOf(body, 'diskussion').status === 'completed');
    const diskussion = stageOf(round, 'diskussion');
    expect(diskussion.outcome).toBe('completed');
    expect(Date.parse(diskussion.closedAt)).toBeGreaterThanOrEqual(Date.parse(diskussion.deadline));
    expect(stageOf(round, 'auswertung').status).toBe('open');
    const audit = await auditOf(id);
    const actions = audit.filter((row) => row.stage_key === 'diskussion').map((row) => `${row.action}/${row.actor}`);
    expect(actions).toEqual([`stage.opened/${system.adminActor}`, 'reminder.due/system', 'stage.closed/system']);
  });

  it('should mark an undecided stage overdue at its deadline and escalate it afterwards', async () => {
    const id = await startRound(system, { templateKey: 'test-konsultation', title: 'Überfällig' });
    const round = await roundWhen(system, id, (body) => stageOf(body, 'auswertung').escalated === true, 30_000);
    expect(stageOf(round, 'auswertung')).toMatchObject({ status: 'open', overdue: true, escalated: true });
    const audit = await auditOf(id);
    expect(audit.filter((row) => row.stage_key === 'auswertung').map((row) => row.action)).toEqual(['stage.opened', 'stage.overdue', 'stage.escalated']);
    const decided = await system.request('POST', `/api/v1/rounds/${id}/stages/auswertung/decision`, { outcome: 'completed' });
    expect(decided.body).toMatchObject({ status: 'completed', result: 'completed' });
  });

  it('should move the close of a consultation and its reminders when the deadline is extended', async () => {
    const id = await startRound(system, { templateKey: 'test-konsultation', title: 'Verlängert' });
    const opened = await system.request('GET', `/api/v1/rounds/${id}`);
    const originalDeadline = stageOf(opened.body, 'diskussion').deadline as string;
    const until = new Date(Date.parse(originalDeadline) + 3_000).toISOString();
    const extended = await system.request('POST', `/api/v1/rounds/${id}/stages/diskussion/deadline`, { until });
    expect(extended.status).toBe(200);
    const stage = stageOf(extended.body, 'diskussion');
    expect(stage.deadline).toBe(until);
    expect(stage.deadlineRule).toContain('verlängert');
    expect(stage.reminders).toEqual([{ before: 'PT1S', at: new Date(Date.parse(until) - 1_000).toISOString() }]);

    const closed = await roundWhen(system, id, (body) => stageOf(body, 'diskussion').status === 'completed');
    expect(Date.parse(stageOf(closed, 'diskussion').closedAt)).toBeGreaterThanOrEqual(Date.parse(until));
    const reminders = (await auditOf(id)).filter((row) => row.action === 'reminder.due');
    expect(reminders).toHaveLength(1);
    expect(Date.parse(reminders[0]?.details?.deadline as string)).toBe(Date.parse(until));

    const late = await system.request('POST', `/api/v1/rounds/${id}/stages/diskussion/deadline`, { until: inMinutes(10) });
    expect(late.status).toBe(409);
  });

  it('should refuse a deadline extension to an earlier instant', async () => {
    const id = await startRound(system, { templateKey: 'beschlussvorlage', templateVersion: 1, title: 'Früher' });
    const response = await system.request('POST', `/api/v1/rounds/${id}/stages/vorlage/deadline`, { until: new Date(Date.now() + 1000).toISOString() });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'until' })]);
  });

  it('should open parallel briefings together and move on only when both are acknowledged', async () => {
    const id = await startRound(system, {
      templateKey: 'digitale-agenda',
      title: 'Parallel',
      meetings: { 'digitales-forum': inMinutes(60), fachausschuss: inMinutes(60), rat: inMinutes(90) },
    });
    for (const stage of ['digitales-forum', 'werkstaetten', 'leitlinien-entwurf']) {
      expect((await system.request('POST', `/api/v1/rounds/${id}/stages/${stage}/decision`, { outcome: 'completed' })).status).toBe(200);
    }
    const briefing = await roundWhen(system, id, (body) => stageOf(body, 'unterrichtung-arbeitskreis').status === 'open');
    expect(stageOf(briefing, 'unterrichtung-fachbeirat').status).toBe('open');
    expect(stageOf(briefing, 'online-diskussion')).toMatchObject({ status: 'completed', outcome: 'completed' });

    const first = await system.request('POST', `/api/v1/rounds/${id}/stages/unterrichtung-fachbeirat/decision`, { outcome: 'acknowledged' });
    expect(stageOf(first.body, 'unterrichtung-arbeitskreis').status).toBe('open');
    expect(stageOf(first.body, 'fachausschuss').status).toBe('pending');
    const second = await system.request('POST', `/api/v1/rounds/${id}/stages/unterrichtung-arbeitskreis/decision`, { outcome: 'acknowledged' });
    expect(stageOf(second.body, 'fachausschuss')).toMatchObject({ status: 'open', meeting: { key: 'fachausschuss' } });
  });

  it('should take postponement to a new meeting and a return to an earlier committee', async () => {
    const meeting = inMinutes(60);
    const id = await startRound(system, {
      templateKey: 'beschlussvorlage',
      title: 'Schleifen',
      meetings: { fachausschuss: meeting, hauptausschuss: inMinutes(70), rat: inMinutes(80) },
    });
    await system.request('POST', `/api/v1/rounds/${id}/stages/vorlage/decision`, { outcome: 'completed' });
    const withoutMeeting = await system.request('POST', `/api/v1/rounds/${id}/stages/fachausschuss/decision`, { outcome: 'postponed' });
    expect(withoutMeeting.status).toBe(400);
    expect(withoutMeeting.body.errors).toEqual([expect.objectContaining({ field: 'nextMeetingStart' })]);

    const nextMeeting = inMinutes(120);
    const postponed = await system.request('POST', `/api/v1/rounds/${id}/stages/fachausschuss/decision`, { outcome: 'postponed', nextMeetingStart: nextMeeting });
    expect(postponed.status).toBe(200);
    expect(stageOf(postponed.body, 'fachausschuss')).toMatchObject({ status: 'open', iteration: 2, deadline: nextMeeting, meeting: { start: nextMeeting } });

    await system.request('POST', `/api/v1/rounds/${id}/stages/fachausschuss/decision`, { outcome: 'approved' });
    const returned = await system.request('POST', `/api/v1/rounds/${id}/stages/hauptausschuss/decision`, { outcome: 'returned' });
    expect(stageOf(returned.body, 'fachausschuss')).toMatchObject({ status: 'open', iteration: 3 });
    expect(stageOf(returned.body, 'hauptausschuss')).toMatchObject({ status: 'pending' });
    expect(stageOf(returned.body, 'hauptausschuss').decisions.map((decision: { outcome: string }) => decision.outcome)).toEqual(['returned']);
  });

  it('should move a committee deadline, its invitation deadline and its reminders when the meeting is rescheduled', async () => {
    const id = await startRound(system, {
      templateKey: 'beschlussvorlage',
      templateVersion: 1,
      title: 'Verschoben',
      meetings: { fachausschuss: '2030-03-24T16:00:00Z' },
    });
    const opened = await system.request('POST', `/api/v1/rounds/${id}/stages/vorlage/decision`, { outcome: 'completed' });
    expect(stageOf(opened.body, 'fachausschuss')).toMatchObject({ deadline: '2030-03-24T16:00:00.000Z' });
    expect(stageOf(opened.body, 'fachausschuss').invitationDeadline.at).toBe('2030-03-16T22:59:59.999Z');

    const moved = await system.request('PUT', `/api/v1/rounds/${id}/meetings/fachausschuss`, { start: '2030-04-09T15:00:00Z' });
    expect(moved.status).toBe(202);
    const round = await roundWhen(system, id, (body) => stageOf(body, 'fachausschuss').deadline === '2030-04-09T15:00:00.000Z');
    const stage = stageOf(round, 'fachausschuss');
    // 9 April 2030 is a Tuesday in CEST; 7 full days before it: dispatch by Monday 1 April, end of day.
    expect(stage.invitationDeadline.at).toBe('2030-04-01T21:59:59.999Z');
    expect(stage.reminders.map((reminder: { at: string }) => reminder.at)).toEqual(['2030-04-02T15:00:00.000Z', '2030-04-08T15:00:00.000Z']);
    const invitations = (await auditOf(id)).filter((row) => row.action === 'meeting.invitation');
    expect(invitations.map((row) => row.details?.sequence)).toEqual([0, 1]);

    const unknown = await system.request('PUT', `/api/v1/rounds/${id}/meetings/gibt-es-nicht`, { start: '2030-04-09T15:00:00Z' });
    expect(unknown.status).toBe(404);
  });

  it('should show a meeting set for a stage that is not open yet right away, and bind the stage to it when it opens', async () => {
    const id = await startRound(system, {
      templateKey: 'beschlussvorlage',
      templateVersion: 1,
      title: 'Sitzung vorab',
      meetings: { fachausschuss: '2030-03-26T16:00:00Z' },
    });
    const before = (await system.request('GET', `/api/v1/rounds/${id}`)).body;
    expect(stageOf(before, 'hauptausschuss').status).toBe('pending');

    const set = await system.request('PUT', `/api/v1/rounds/${id}/meetings/hauptausschuss`, { start: '2030-04-16T15:00:00Z' });
    expect(set.status).toBe(202);
    // No other change of the round follows: the meeting alone reaches the read model.
    const round = await roundWhen(system, id, (body) => body.meetings.hauptausschuss === '2030-04-16T15:00:00.000Z', 15_000);
    expect(round.meetings).toEqual({ fachausschuss: '2030-03-26T16:00:00.000Z', hauptausschuss: '2030-04-16T15:00:00.000Z' });
    expect(stageOf(round, 'vorlage').status).toBe('open');
    expect(stageOf(round, 'hauptausschuss').status).toBe('pending');

    await system.request('POST', `/api/v1/rounds/${id}/stages/vorlage/decision`, { outcome: 'completed' });
    const committee = await system.request('POST', `/api/v1/rounds/${id}/stages/fachausschuss/decision`, { outcome: 'approved' });
    expect(stageOf(committee.body, 'hauptausschuss')).toMatchObject({
      status: 'open',
      deadline: '2030-04-16T15:00:00.000Z',
      meeting: { key: 'hauptausschuss', start: '2030-04-16T15:00:00.000Z' },
    });
  });

  it('should cancel a running round with its reason and refuse further commands', async () => {
    const id = await startRound(system, { templateKey: 'kurzverfahren', title: 'Abgebrochen' });
    const cancelled = await system.request('POST', `/api/v1/rounds/${id}/cancel`, { reason: 'Antrag zurückgezogen' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: 'Antrag zurückgezogen' });
    expect(cancelled.body.stages.map((stage: { status: string }) => stage.status)).toEqual(['skipped', 'skipped']);
    expect((await system.request('POST', `/api/v1/rounds/${id}/cancel`, { reason: 'nochmal' })).status).toBe(409);
    expect((await system.request('POST', `/api/v1/rounds/${id}/stages/fachausschuss/decision`, { outcome: 'approved' })).status).toBe(409);
    const read = await system.request('GET', `/api/v1/rounds/${id}`);
    expect(read.body.status).toBe('cancelled');
  });

  it('should refuse meetings the template does not know and a start in the future', async () => {
    const unknown = await system.request('POST', '/api/v1/rounds', { templateKey: 'beschlussvorlage', title: 'X', meetings: { kirmes: inMinutes(5) } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'meetings.kirmes' })]);
    const future = await system.request('POST', '/api/v1/rounds', { templateKey: 'beschlussvorlage', title: 'X', start: inMinutes(60 * 24) });
    expect(future.status).toBe(400);
    expect(future.body.errors).toEqual([expect.objectContaining({ field: 'start' })]);
  });
});
