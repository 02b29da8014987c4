import { Duration } from 'luxon';
import { z } from 'zod';
import { OUTCOMES, OUTCOMES_BY_STAGE_TYPE, STAGE_TYPES, type ProcessTemplate } from './process-template.type.js';

const KEY = /^[a-z0-9][a-z0-9-]{0,62}$/;

const localizedText = z.strictObject({
  de: z.string().trim().min(1).max(300),
  en: z.string().trim().min(1).max(300),
});

const isoDuration = z
  .string()
  .refine((text) => text.startsWith('P') && Duration.fromISO(text).isValid, {
    message: 'expected ISO 8601 duration',
  });

const transition = z.discriminatedUnion('to', [
  z.strictObject({ to: z.literal('next') }),
  z.strictObject({ to: z.literal('end') }),
  z.strictObject({ to: z.literal('stage'), stage: z.string().regex(KEY) }),
]);

const stage = z
  .strictObject({
    key: z.string().regex(KEY, 'expected a key of lower-case letters, digits and hyphens'),
    type: z.enum(STAGE_TYPES),
    title: localizedText,
    body: z.string().regex(KEY).optional(),
    outcomes: z.partialRecord(z.enum(OUTCOMES), transition),
    deadline: z.strictObject({ offset: isoDuration }).optional(),
  })
  .superRefine((definition, ctx) => {
    const allowed = OUTCOMES_BY_STAGE_TYPE[definition.type];
    const outcomes = Object.keys(definition.outcomes);
    if (outcomes.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['outcomes'], message: 'expected at least one outcome' });
    }
    for (const outcome of outcomes) {
      if (!allowed.includes(outcome as (typeof allowed)[number])) {
        ctx.addIssue({
          code: 'custom',
          path: ['outcomes', outcome],
          message: `a ${definition.type} stage allows only: ${allowed.join(', ')}`,
        });
      }
    }
  });

export const processTemplateSchema = z
  .strictObject({
    key: z.string().regex(KEY, 'expected a key of lower-case letters, digits and hyphens'),
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
    template.stages.forEach((definition, index) => {
      for (const [outcome, next] of Object.entries(definition.outcomes)) {
        if (next?.to === 'stage' && !keys.has(next.stage)) {
          ctx.addIssue({
            code: 'custom',
            path: ['stages', index, 'outcomes', outcome, 'stage'],
            message: `unknown stage "${next.stage}"`,
          });
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
    errors: result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
  };
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => {
    if (typeof part === 'number') return `${text}[${part}]`;
    return text === '' ? String(part) : `${text}.${String(part)}`;
  }, '');
}
