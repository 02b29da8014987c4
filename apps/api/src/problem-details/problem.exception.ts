import type { Locale } from '../i18n/locale.util.js';
import { PROBLEM_CATALOG, type ProblemCode } from './problem-catalog.js';

export interface InvalidField {
  /** The field, as a path into the request body, e.g. `votes.yes`. */
  field: string;
  message: string;
}

/** A value given in the caller's language, or already fixed. */
export type Localized<T> = T | ((locale: Locale) => T);

export function localize<T>(value: Localized<T>, locale: Locale): T {
  return typeof value === 'function' ? (value as (locale: Locale) => T)(locale) : value;
}

/** An error that leaves the API as RFC 9457 Problem Details. */
export class ProblemException extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly detail?: Localized<string>,
    readonly errors?: Localized<InvalidField[]>,
    readonly headers?: Record<string, string>,
  ) {
    super(typeof detail === 'string' ? detail : PROBLEM_CATALOG[code].title.en);
    this.name = 'ProblemException';
  }

  get status(): number {
    return PROBLEM_CATALOG[this.code].status;
  }
}

/** German and English text for a detail message. */
export function text(de: string, en: string): (locale: Locale) => string {
  return (locale) => (locale === 'de' ? de : en);
}
