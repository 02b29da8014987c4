import { Duration } from 'luxon';
import type { ProcessTemplate, StageDefinition } from './process-template.type.js';

/**
 * The same template with every duration shrunk so that one day lasts `secondsPerDay` seconds
 * (fixed `at` deadlines stay). Because durations are data, a four-year process runs in seconds
 * on the same workflow code: used by tests, demos and the benchmarks.
 */
export function compressDurations(template: ProcessTemplate, secondsPerDay: number): ProcessTemplate {
  const shrink = (iso: string): string => {
    const seconds = Duration.fromISO(iso).shiftTo('days').days * secondsPerDay;
    return `PT${Math.max(0.001, Math.round(seconds * 1000) / 1000)}S`;
  };
  const stages = template.stages.map((stage): StageDefinition => {
    const deadline = stage.deadline && 'offset' in stage.deadline ? { offset: shrink(stage.deadline.offset) } : stage.deadline;
    return {
      ...stage,
      ...(deadline ? { deadline } : {}),
      ...(stage.reminders ? { reminders: { ...stage.reminders, before: stage.reminders.before.map(shrink) } } : {}),
      ...(stage.escalation
        ? { escalation: { ...stage.escalation, ...(stage.escalation.after ? { after: shrink(stage.escalation.after) } : {}) } }
        : {}),
      ...(stage.statusReports ? { statusReports: { ...stage.statusReports, every: shrink(stage.statusReports.every) } } : {}),
    };
  });
  return { ...template, stages };
}
