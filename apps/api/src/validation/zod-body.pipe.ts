import { Injectable, type PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import type { Locale } from '../i18n/locale.util.js';
import { ProblemException, text, type InvalidField } from '../problem-details/problem.exception.js';

const ERROR_MAPS: Record<Locale, z.core.$ZodErrorMap> = {
  de: z.locales.de().localeError,
  en: z.locales.en().localeError,
};

/**
 * Validates a request body against a zod schema. Unknown fields are refused; every invalid
 * field is listed, in the caller's language.
 */
@Injectable()
export class ZodBodyPipe<T extends z.ZodType> implements PipeTransform<unknown, z.infer<T>> {
  constructor(private readonly schema: T) {}

  transform(value: unknown): z.infer<T> {
    const control = findControlCharacter(value);
    if (control !== undefined) {
      const message = text('Steuerzeichen (z. B. NUL) sind nicht erlaubt.', 'Control characters (such as NUL) are not allowed.');
      throw new ProblemException('validation-failed', message, (locale) => [{ field: control || '(body)', message: message(locale) }]);
    }
    const result = this.schema.safeParse(value ?? undefined);
    if (result.success) return result.data;
    const issues = result.error.issues;
    throw new ProblemException(
      'validation-failed',
      text('Mindestens ein Feld ist ungültig.', 'At least one field is invalid.'),
      (locale) => describeIssues(this.schema, value, locale, issues),
    );
  }
}

// NUL cannot be stored in PostgreSQL text; other C0 controls except tab, CR and LF have no place in user text.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** The path of the first string (or key) that contains a control character, or undefined. */
export function findControlCharacter(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return CONTROL.test(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findControlCharacter(item, path ? `${path}.${index}` : String(index));
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [key, item] of Object.entries(value)) {
      const inner = path ? `${path}.${key}` : key;
      if (CONTROL.test(key)) return inner;
      const found = findControlCharacter(item, inner);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

export function describeIssues(
  schema: z.ZodType,
  value: unknown,
  locale: Locale,
  fallback: z.core.$ZodIssue[],
): InvalidField[] {
  const localized = schema.safeParse(value, { error: ERROR_MAPS[locale] });
  const issues = localized.success ? fallback : localized.error.issues;
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: [...issue.path, key].join('.'),
        message: locale === 'de' ? 'Unbekanntes Feld' : 'Unknown field',
      }));
    }
    return [{ field: issue.path.join('.') || '(body)', message: issue.message }];
  });
}
