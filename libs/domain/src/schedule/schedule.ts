import { DEFAULT_STANDING_ORDERS, type StandingOrders } from '../calendar/standing-orders.type.js';
import type { Dated, ReminderState } from '../round/round.type.js';
import { deadlineAfter, multiplyDuration, stageTiming, toUtcIso } from '../round/stage-timing.util.js';
import type { LocalizedText, ProcessTemplate, StageType } from '../template/process-template.type.js';

export interface PlannedStage {
  key: string;
  type: StageType;
  title: LocalizedText;
  group?: string;
  body?: string;
  /** When the stage is planned to open: when the stages before it are due. */
  opens: string;
  /** When it is planned to close: its deadline, or the end of its status reports; absent when open-ended. */
  closes?: string;
  deadline?: Dated;
  invitationDeadline?: Dated;
  meeting?: { key: string; start?: string };
  reminders: Pick<ReminderState, 'before' | 'at'>[];
  statusReports?: string[];
}

export interface Schedule {
  start: string;
  stages: PlannedStage[];
}

/**
 * The planned course of a round: every stage's window, deadlines (each with the rule that made it)
 * and reminder instants, assuming each stage closes at its deadline and the template's happy path
 * ("next") is taken. Stages without a deadline are planned to close when they open.
 */
export function schedule(
  template: ProcessTemplate,
  start: Date | string,
  meetings: Record<string, string> = {},
  orders: StandingOrders = DEFAULT_STANDING_ORDERS,
): Schedule {
  const startIso = toUtcIso(typeof start === 'string' ? start : start.toISOString());
  const planned: PlannedStage[] = [];
  let cursor = startIso;
  let index = 0;
  while (index < template.stages.length) {
    const first = template.stages[index];
    if (!first) break;
    const members = first.group ? template.stages.filter((definition) => definition.group === first.group) : [first];
    let groupEnd = cursor;
    for (const definition of members) {
      const meetingKey = definition.deadline && 'meeting' in definition.deadline ? definition.deadline.meeting : undefined;
      const meetingStart = meetingKey ? meetings[meetingKey] : undefined;
      const timing = stageTiming(definition, cursor, meetingStart, orders);
      const reports = definition.statusReports?.count
        ? Array.from({ length: Math.min(definition.statusReports.count, 400) }, (_, n) =>
            deadlineAfter(cursor, multiplyDuration(definition.statusReports?.every as string, n + 1)),
          )
        : undefined;
      const closes = timing.deadline?.at ?? reports?.at(-1);
      planned.push({
        key: definition.key,
        type: definition.type,
        title: definition.title,
        ...(definition.group ? { group: definition.group } : {}),
        ...(definition.body ? { body: definition.body } : {}),
        opens: cursor,
        ...(closes ? { closes } : {}),
        ...(timing.deadline ? { deadline: timing.deadline } : {}),
        ...(timing.invitationDeadline ? { invitationDeadline: timing.invitationDeadline } : {}),
        ...(meetingKey ? { meeting: { key: meetingKey, ...(meetingStart ? { start: toUtcIso(meetingStart) } : {}) } } : {}),
        reminders: timing.reminders.map(({ before, at }) => ({ before, at })),
        ...(reports ? { statusReports: reports } : {}),
      });
      if (closes && Date.parse(closes) > Date.parse(groupEnd)) groupEnd = closes;
    }
    cursor = groupEnd;
    index += members.length;
  }
  return { start: startIso, stages: planned };
}
