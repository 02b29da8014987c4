import { Inject, Injectable } from '@nestjs/common';
import { BUILTIN_TEMPLATES, validateProcessTemplate, type ProcessTemplate } from '@ratsweg/domain';
import { ProcessTemplateRepository, TemplateVersionExistsError } from '@ratsweg/persistence';
import type { ListTemplatesQuery } from '@ratsweg/contracts';
import { decodeKeysetCursor, encodeKeysetCursor, pageOf } from '../directory/directory-cursor.util.js';
import type { Locale } from '../i18n/locale.util.js';
import { ProblemException, text } from '../problem-details/problem.exception.js';

export interface TemplateSummaryResponse {
  key: string;
  title: string;
  version: number;
}

export interface TemplateVersion {
  template: ProcessTemplate;
  source: 'builtin' | 'stored';
  createdAt?: string;
}

/** The process templates a round can be started from: the shipped ones and those a tenant stored. */
@Injectable()
export class TemplateService {
  constructor(@Inject(ProcessTemplateRepository) private readonly stored: ProcessTemplateRepository) {}

  /** Every version, grouped by key, oldest first. */
  async versions(tenant: string): Promise<Map<string, TemplateVersion[]>> {
    const all: TemplateVersion[] = [
      ...BUILTIN_TEMPLATES.map((template) => ({ template, source: 'builtin' as const })),
      ...(await this.stored.list(tenant)).map((row) => ({
        template: row.definition,
        source: 'stored' as const,
        createdAt: row.createdAt.toISOString(),
      })),
    ];
    const byKey = new Map<string, TemplateVersion[]>();
    for (const version of all) {
      byKey.set(version.template.key, [...(byKey.get(version.template.key) ?? []), version]);
    }
    for (const list of byKey.values()) list.sort((a, b) => a.template.version - b.template.version);
    return new Map([...byKey.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** One page of the newest version of every template, by key; `q`: words to find in key or title. */
  async listLatest(tenant: string, query: ListTemplatesQuery, locale: Locale): Promise<{ data: TemplateSummaryResponse[]; next?: string }> {
    const afterKey = query.cursor === undefined ? undefined : decodeKeysetCursor(query.cursor, 'templates', ['key'])[0];
    const rows = await this.stored.listLatest(
      tenant,
      BUILTIN_TEMPLATES.map((template) => ({ key: template.key, version: template.version, title: template.title })),
      {
        ...(query.q ? { words: query.q.split(/\s+/).filter(Boolean).slice(0, 5) } : {}),
        ...(afterKey !== undefined ? { afterKey } : {}),
        limit: query.limit + 1,
      },
    );
    return pageOf(
      rows,
      query.limit,
      (row) => ({ key: row.key, title: row.title[locale], version: row.version }),
      (row) => encodeKeysetCursor('templates', [row.key]),
    );
  }

  /** The given version, or the newest one; undefined when there is none. */
  async find(tenant: string, key: string, version?: number): Promise<ProcessTemplate | undefined> {
    const builtin = BUILTIN_TEMPLATES.filter((template) => template.key === key);
    // A shipped version wins over a stored one of the same number, so asking for it needs no query.
    const shipped = version === undefined ? undefined : builtin.find((candidate) => candidate.version === version);
    if (shipped) return shipped;
    // One indexed lookup of this key, not every stored template of the tenant: this runs on every round start.
    const stored = await this.stored.findVersion(tenant, key, version);
    const candidates = [...builtin, ...(stored ? [stored] : [])];
    if (version !== undefined) return candidates.find((candidate) => candidate.version === version);
    return candidates.reduce<ProcessTemplate | undefined>((newest, candidate) => (newest && newest.version > candidate.version ? newest : candidate), undefined);
  }

  async require(tenant: string, key: string, version?: number): Promise<ProcessTemplate> {
    const template = await this.find(tenant, key, version);
    if (!template) {
      const label = version === undefined ? key : `${key} v${version}`;
      throw new ProblemException('template-not-found', text(`Keine Verfahrensvorlage „${label}“.`, `No process template "${label}".`));
    }
    return template;
  }

  /** Validates and stores a new version; it must be newer than every existing version of its key. */
  async create(tenant: string, input: unknown, actor: string): Promise<ProcessTemplate> {
    const result = validateProcessTemplate(input);
    if (!result.ok) {
      throw new ProblemException(
        'template-invalid',
        text(`${result.errors.length} Fehler in der Verfahrensvorlage.`, `${result.errors.length} error(s) in the process template.`),
        result.errors.map((error) => ({ field: error.path, message: error.message })),
      );
    }
    const template = result.template;
    const newest = (await this.find(tenant, template.key))?.version ?? 0;
    if (template.version <= newest) {
      throw new ProblemException(
        'template-version-exists',
        text(
          `Version ${template.version} ist nicht neuer als die vorhandene Version ${newest}.`,
          `Version ${template.version} is not newer than the existing version ${newest}.`,
        ),
        [{ field: 'version', message: `must be greater than ${newest}` }],
      );
    }
    try {
      await this.stored.insert(tenant, template, actor);
    } catch (error) {
      if (error instanceof TemplateVersionExistsError) {
        throw new ProblemException('template-version-exists', error.message, [{ field: 'version', message: error.message }]);
      }
      throw error;
    }
    return template;
  }
}
