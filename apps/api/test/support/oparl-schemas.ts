import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { REPO_ROOT } from './node-process.js';

/** The official OParl 1.1 schemas, from `../shared/oparl-1.1/schema` beside the repository. */
export const OPARL_SCHEMA_DIR = process.env.OPARL_SCHEMA_DIR ?? join(REPO_ROOT, '..', 'shared', 'oparl-1.1', 'schema');

export function oparlValidators(): Record<string, ValidateFunction> {
  // The schemas escape ':' in their patterns, which a Unicode-mode regular expression refuses.
  const ajv = new Ajv({ strict: false, unicodeRegExp: false, allErrors: true });
  const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
  (addFormats as unknown as (ajv: Ajv) => void)(ajv);
  ajv.addFormat('url', /^https?:\/\/[^\s]+$/);
  const validators: Record<string, ValidateFunction> = {};
  for (const file of readdirSync(OPARL_SCHEMA_DIR).filter((name) => name.endsWith('.json'))) {
    validators[file.replace(/\.json$/, '')] = ajv.compile(JSON.parse(readFileSync(join(OPARL_SCHEMA_DIR, file), 'utf8')));
  }
  return validators;
}

/** The schema's name from an object's `type`, e.g. `https://schema.oparl.org/1.1/Paper` → `Paper`. */
export function oparlTypeName(object: { type?: unknown }): string {
  return String(object.type ?? '').replace('https://schema.oparl.org/1.1/', '');
}
