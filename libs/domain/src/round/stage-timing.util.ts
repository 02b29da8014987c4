import { DateTime, Duration } from 'luxon';
import { noticeDeadline } from '../calendar/notice-deadline.util.js';
import type { StandingOrders } from '../calendar/standing-orders.type.js';
import type { StageDefinition } from '../template/process-template.type.js';
import type { Dated, ReminderState } from './round.type.js';

export const MUNICIPAL_TIME_ZONE = 'Europe/Berlin';

export interface StageTiming {
  deadline?: Dated;
  invitationDeadline?: Dated;
  reminders: ReminderState[];
}

/** Adds an ISO 8601 duration in municipal local time, so `P1D` keeps the wall-clock time across DST. */
export function deadlineAfter(start: Date | string, offset: string): string {
  const from = typeof start === 'string' ? DateTime.fromISO(start) : DateTime.fromJSDate(start);
  return from.setZone(MUNICIPAL_TIME_ZONE).plus(Duration.fromISO(offset)).toUTC().toISO() as string;
}

/** Subtracts an ISO 8601 duration in municipal local time. */
export function instantBefore(end: string, offset: string): string {
  return DateTime.fromISO(end).setZone(MUNICIPAL_TIME_ZONE).minus(Duration.fromISO(offset)).toUTC().toISO() as string;
}

export function toUtcIso(instant: string): string {
  return DateTime.fromISO(instant, { setZone: true }).toUTC().toISO() as string;
}

function localDateTime(instant: string, locale: 'de' | 'en'): string {
  const local = DateTime.fromISO(instant).setZone(MUNICIPAL_TIME_ZONE);
  return locale === 'de' ? local.toFormat("dd.MM.yyyy, HH:mm 'Uhr'") : local.toFormat('yyyy-MM-dd HH:mm');
}

function humanDuration(offset: string, locale: 'de' | 'en'): string {
  return Duration.fromISO(offset).reconfigure({ locale }).toHuman({ listStyle: 'long' });
}

/**
 * The deadline, invitation deadline and reminder instants of a stage that opens at `openedAt`,
 * each deadline with the rule that produced it. `meetingStart` is the meeting the stage is bound to, if known.
 */
export function stageTiming(
  definition: StageDefinition,
  openedAt: string,
  meetingStart: string | undefined,
  orders: StandingOrders,
): StageTiming {
  const deadline = deadlineOf(definition, openedAt, meetingStart);
  const reminders = deadline ? remindersFor(definition, openedAt, deadline.at) : [];
  const invitationDeadline =
    definition.deadline && 'meeting' in definition.deadline && meetingStart
      ? invitationDeadlineOf(meetingStart, orders, definition.deadline.urgent ?? false)
      : undefined;
  return { ...(deadline ? { deadline } : {}), ...(invitationDeadline ? { invitationDeadline } : {}), reminders };
}

/** Reminder instants before the deadline that are still after the given moment, earliest first. */
export function remindersFor(definition: StageDefinition, after: string, deadline: string): ReminderState[] {
  const afterMs = Date.parse(after);
  return (definition.reminders?.before ?? [])
    .map((before) => ({ before, at: instantBefore(deadline, before) }))
    .filter((reminder) => Date.parse(reminder.at) > afterMs)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

function deadlineOf(definition: StageDefinition, openedAt: string, meetingStart: string | undefined): Dated | undefined {
  const rule = definition.deadline;
  if (!rule) return undefined;
  if ('at' in rule) {
    return { at: toUtcIso(rule.at), rule: { de: 'Feste Frist laut Verfahrensvorlage', en: 'Fixed deadline set by the process template' } };
  }
  if ('offset' in rule) {
    return {
      at: deadlineAfter(openedAt, rule.offset),
      rule: {
        de: `${humanDuration(rule.offset, 'de')} nach Eröffnung der Phase am ${localDateTime(openedAt, 'de')} (${rule.offset})`,
        en: `${humanDuration(rule.offset, 'en')} after the stage opened on ${localDateTime(openedAt, 'en')} (${rule.offset})`,
      },
    };
  }
  if (!meetingStart) return undefined;
  return {
    at: toUtcIso(meetingStart),
    rule: {
      de: `Beschluss in der Sitzung am ${localDateTime(meetingStart, 'de')}`,
      en: `Decision in the meeting on ${localDateTime(meetingStart, 'en')}`,
    },
  };
}

function invitationDeadlineOf(meetingStart: string, orders: StandingOrders, urgent: boolean): Dated {
  const notice = noticeDeadline(toUtcIso(meetingStart), orders, { urgent });
  return { at: notice.at, rule: notice.rule };
}

/** `P3M` × 4 = `P12M`: multiplies every component of an ISO 8601 duration. */
export function multiplyDuration(duration: string, factor: number): string {
  return duration.replace(/(\d+(?:\.\d+)?)([YMWDHS])/g, (_match, amount: string, unit: string) => `${Number(amount) * factor}${unit}`);
}
