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
