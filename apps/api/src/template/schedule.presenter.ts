import type { Dated, ProcessTemplate, Schedule, StageType } from '@ratsweg/domain';
import type { Locale } from '../i18n/locale.util.js';

export interface DatedResponse {
  at: string;
  rule: string;
}

export interface PlannedStageResponse {
  key: string;
  type: StageType;
  title: string;
  group?: string;
  body?: string;
  opens: string;
  closes?: string;
  deadline?: DatedResponse;
  invitationDeadline?: DatedResponse;
  meeting?: { key: string; start?: string };
  reminders: { before: string; at: string }[];
  statusReports?: string[];
}

export interface ScheduleResponse {
  templateKey: string;
  templateVersion: number;
  start: string;
  stages: PlannedStageResponse[];
}

export function presentDated(dated: Dated | undefined, locale: Locale): DatedResponse | undefined {
  return dated ? { at: dated.at, rule: dated.rule[locale] } : undefined;
}

export function presentSchedule(plan: Schedule, template: ProcessTemplate, locale: Locale): ScheduleResponse {
  return {
    templateKey: template.key,
    templateVersion: template.version,
    start: plan.start,
    stages: plan.stages.map((stage) => {
      const deadline = presentDated(stage.deadline, locale);
      const invitationDeadline = presentDated(stage.invitationDeadline, locale);
      return {
        key: stage.key,
        type: stage.type,
        title: stage.title[locale],
        ...(stage.group ? { group: stage.group } : {}),
        ...(stage.body ? { body: stage.body } : {}),
        opens: stage.opens,
        ...(stage.closes ? { closes: stage.closes } : {}),
        ...(deadline ? { deadline } : {}),
        ...(invitationDeadline ? { invitationDeadline } : {}),
        ...(stage.meeting ? { meeting: stage.meeting } : {}),
        reminders: stage.reminders,
        ...(stage.statusReports ? { statusReports: stage.statusReports } : {}),
      };
    }),
  };
}
