import { Injectable } from '@nestjs/common';
import { BUILTIN_TEMPLATES, type ProcessTemplate } from '@ratsweg/domain';

/** The process templates a round can be started from. */
@Injectable()
export class TemplateService {
  /** The newest version of every template. */
  listLatest(): ProcessTemplate[] {
    const latest = new Map<string, ProcessTemplate>();
    for (const template of BUILTIN_TEMPLATES) {
      const known = latest.get(template.key);
      if (!known || known.version < template.version) latest.set(template.key, template);
    }
    return [...latest.values()].sort((a, b) => a.key.localeCompare(b.key));
  }

  /** The given version, or the newest one; undefined when there is none. */
  find(key: string, version?: number): ProcessTemplate | undefined {
    const versions = BUILTIN_TEMPLATES.filter((template) => template.key === key);
    if (version !== undefined) return versions.find((template) => template.version === version);
    return versions.reduce<ProcessTemplate | undefined>(
      (newest, template) => (!newest || template.version > newest.version ? template : newest),
      undefined,
    );
  }
}
