import { DateTime, Duration } from 'luxon';
import { z } from 'zod';
import {
  AUDIENCE_PATTERN,
  DECIDER_ROLES,
  OUTCOMES,
  OUTCOMES_BY_STAGE_TYPE,
  STAGE_TYPES,
  type ProcessTemplate,
} from './process-template.type.js';

const KEY = /^[a-z0-9][a-z0-9-]{0,62}$/;
const KEY_MESSAGE = 'expected a key of lower-case letters, digits and hyphens';

const key = z.string().regex(KEY, KEY_MESSAGE);

const localizedText = z.strictObject({
  de: z.string().trim().min(1).max(300),
  en: z.string().trim().min(1).max(300),
});

export const isoDurationSchema = z
  .string()
  .refine((text) => /^P(?!$)/.test(text) && Duration.fromISO(text).isValid && Duration.fromISO(text).toMillis() > 0, {
    message: 'expected ISO 8601 duration',
  });

export const isoInstantSchema = z
  .string()
  .refine((text) => /[zZ]|[+-]\d\d:\d\d$/.test(text) && DateTime.fromISO(text, { setZone: true }).isValid, {
    message: 'expected ISO 8601 date-time with time zone',
  });

const audiences = z.array(z.string().regex(AUDIENCE_PATTERN, 'expected an audience such as "administrator" or "body:<key>"')).max(20);

const transition = z.discriminatedUnion('to', [
  z.strictObject({ to: z.literal('next') }),
  z.strictObject({ to: z.literal('end') }),
  z.strictObject({ to: z.literal('stage'), stage: key }),
]);

const deadline = z.union([
  z.strictObject({ at: isoInstantSchema }),
  z.strictObject({ offset: isoDurationSchema }),
  z.strictObject({ meeting: key, urgent: z.boolean().optional() }),
]);

const stage = z
  .strictObject({
    key,
    type: z.enum(STAGE_TYPES),
    title: localizedText,
    body: key.optional(),
    decidedBy: z.enum(DECIDER_ROLES).optional(),
    group: key.optional(),
    deadline: deadline.optional(),
    reminders: z.strictObject({ before: z.array(isoDurationSchema).min(1).max(10), audiences }).optional(),
    escalation: z.strictObject({ after: isoDurationSchema.optional(), audiences }).optional(),
    notify: z.strictObject({ onOpen: audiences.optional(), onClose: audiences.optional() }).optional(),
    statusReports: z
      .strictObject({ every: isoDurationSchema, audiences, count: z.number().int().min(1).max(10_000).optional() })
      .optional(),
    outcomes: z.partialRecord(z.enum(OUTCOMES), transition),
  })
  .superRefine((definition, ctx) => {
    const allowed = OUTCOMES_BY_STAGE_TYPE[definition.type];
    const outcomes = Object.keys(definition.outcomes);
    if (outcomes.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['outcomes'], message: 'expected at least one outcome' });
    }
    for (const outcome of outcomes) {
      if (!allowed.includes(outcome as (typeof allowed)[number])) {
        ctx.addIssue({ code: 'custom', path: ['outcomes', outcome], message: `a ${definition.type} stage allows only: ${allowed.join(', ')}` });
      }
    }
    if (definition.type === 'public_consultation' && !definition.deadline) {
      ctx.addIssue({ code: 'custom', path: ['deadline'], message: 'a public consultation needs a deadline: it closes by itself then' });
    }
    if (definition.statusReports && definition.type !== 'implementation') {
      ctx.addIssue({ code: 'custom', path: ['statusReports'], message: 'only an implementation stage has status reports' });
    }
    if ((definition.decidedBy === 'secretary' || definition.decidedBy === 'chair') && !definition.body) {
      ctx.addIssue({ code: 'custom', path: ['body'], message: `a stage decided by the ${definition.decidedBy} of a body needs that body` });
    }
  });

export const processTemplateSchema = z
  .strictObject({
    key,
    version: z.number().int().positive(),
    title: localizedText,
    description: localizedText.optional(),
    stages: z.array(stage).min(1).max(100),
  })
  .superRefine((template, ctx) => {
    const keys = new Set<string>();
    template.stages.forEach((definition, index) => {
      if (keys.has(definition.key)) {
        ctx.addIssue({ code: 'custom', path: ['stages', index, 'key'], message: `duplicate stage key "${definition.key}"` });
      }
      keys.add(definition.key);
    });
    const groupsSeen = new Set<string>();
    template.stages.forEach((definition, index) => {
      const previous = template.stages[index - 1];
      if (definition.group && previous?.group !== definition.group) {
        if (groupsSeen.has(definition.group)) {
          ctx.addIssue({ code: 'custom', path: ['stages', index, 'group'], message: `the stages of group "${definition.group}" must follow each other` });
        }
        groupsSeen.add(definition.group);
      }
      for (const [outcome, next] of Object.entries(definition.outcomes)) {
        if (next?.to === 'stage' && !keys.has(next.stage)) {
          ctx.addIssue({ code: 'custom', path: ['stages', index, 'outcomes', outcome, 'stage'], message: `unknown stage "${next.stage}"` });
        }
        if (next?.to === 'stage' && keys.has(next.stage)) {
          const target = template.stages.findIndex((candidate) => candidate.key === next.stage);
          if (target > index) {
            ctx.addIssue({
              code: 'custom',
              path: ['stages', index, 'outcomes', outcome, 'stage'],
              message: `"${next.stage}" comes later; a stage may only lead back or to itself (use "next" to go on)`,
            });
          }
        }
        if (next?.to === 'next' && index === template.stages.length - 1) {
          ctx.addIssue({
            code: 'custom',
            path: ['stages', index, 'outcomes', outcome],
            message: 'the last stage has no next stage; use { "to": "end" }',
          });
        }
      }
    });
  });

export interface TemplateValidationError {
  /** Where the error is, e.g. `stages[3].deadline.offset`. */
  path: string;
  message: string;
}

export type TemplateValidationResult =
  | { ok: true; template: ProcessTemplate }
  | { ok: false; errors: TemplateValidationError[] };

/** Validates a process template and lists every error with its path. */
export function validateProcessTemplate(input: unknown): TemplateValidationResult {
  const result = processTemplateSchema.safeParse(input);
  if (result.success) return { ok: true, template: result.data as ProcessTemplate };
  return {
    ok: false,
    errors: result.error.issues.flatMap((issue) => flattenIssue(issue)),
  };
}

type Issue = z.core.$ZodIssue;

/** A failed union says which alternative came closest; list that one's errors with full paths. */
function flattenIssue(issue: Issue, prefix: readonly PropertyKey[] = []): TemplateValidationError[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0] as Issue[];
    const specific = closest.filter((inner) => inner.code !== 'unrecognized_keys');
    if (specific.length > 0 && specific.length < 3) return specific.flatMap((inner) => flattenIssue(inner, path));
    return [{ path: formatPath(path), message: 'expected one of { "at": … }, { "offset": … }, { "meeting": … }' }];
  }
  return [{ path: formatPath(path), message: issue.message }];
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => {
    if (typeof part === 'number') return `${text}[${part}]`;
    return text === '' ? String(part) : `${text}.${String(part)}`;
  }, '');
}
