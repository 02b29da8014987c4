import { useId, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import type { DeadlineRule, DeciderRole, ProcessTemplate, StageDefinition, StageType, Transition } from '@ratsweg/domain';
import { api, ApiError, newIdempotencyKey, type Problem } from '../api';
import { ErrorNotice, Loading, useLoad } from '../components/common';
import { PageTitle } from '../components/layout';
import { useI18n, type I18n } from '../i18n';
import type { MessageKey } from '../messages';
import { useSession } from '../session';
import type { Outcome } from '../types';
import { isAdmin, ListFooter, query, usePagedList } from './directory-shared';

interface TemplateSummary {
  key: string;
  title: string;
  version: number;
}

interface TemplateDetail {
  key: string;
  title: string;
  description?: string;
  latestVersion: number;
  versions: { version: number; title: string; source: 'builtin' | 'stored'; createdAt?: string; definition: ProcessTemplate }[];
  definition: ProcessTemplate;
}

/** GET /api/v1/templates with the search the API offers. */
export function TemplateListPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const list = usePagedList<TemplateSummary>(`/api/v1/templates${query({ limit: '50', q })}`);

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get('q') ?? '').trim();
    setParams(value ? new URLSearchParams({ q: value }) : new URLSearchParams());
  };

  return (
    <>
      <PageTitle>{t('tpl.title')}</PageTitle>
      {isAdmin(me) ? (
        <p>
          <Link className="button button--primary" to="/vorlagen/neu">
            {t('tpl.uploadNew')}
          </Link>
        </p>
      ) : null}
      <form className="filters" role="search" aria-labelledby="template-filters" onSubmit={apply} key={params.toString()}>
        <h2 id="template-filters" className="filters__title">
          {t('dir.filters')}
        </h2>
        <div className="field">
          <label htmlFor="filter-q">{t('tpl.search')}</label>
          <input id="filter-q" name="q" type="search" maxLength={200} defaultValue={q} />
        </div>
        <div className="filters__actions">
          <button type="submit" className="button button--primary">
            {t('dashboard.apply')}
          </button>
          <button type="button" className="button" onClick={() => setParams(new URLSearchParams())}>
            {t('dashboard.reset')}
          </button>
        </div>
      </form>
      {list.items.length === 0 && !list.loading && !list.error ? <p>{t('dir.empty')}</p> : null}
      {list.items.length > 0 ? (
        <table className="rounds directory-table">
          <caption className="visually-hidden">{t('tpl.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('tpl.name')}</th>
              <th scope="col">{t('tpl.key')}</th>
              <th scope="col">{t('tpl.version')}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((template) => (
              <tr key={template.key} data-template-key={template.key}>
                <th scope="row" data-label={t('tpl.name')}>
                  <Link to={`/vorlagen/${encodeURIComponent(template.key)}`}>{template.title}</Link>
                </th>
                <td data-label={t('tpl.key')}>
                  <code>{template.key}</code>
                </td>
                <td data-label={t('tpl.version')}>{template.version}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <ListFooter {...list} moreLabel={t('dir.more')} />
    </>
  );
}

const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const DURATION_UNITS: MessageKey[] = ['tpl.unit.years', 'tpl.unit.months', 'tpl.unit.weeks', 'tpl.unit.days', 'tpl.unit.hours', 'tpl.unit.minutes', 'tpl.unit.seconds'];

/** `P14D` → „14 Tage“; unknown forms stay as written. */
export function duration(text: string, t: I18n['t']): string {
  const match = DURATION.exec(text);
  if (!match) return text;
  const parts = match
    .slice(1)
    .map((value, index) => (value ? t(DURATION_UNITS[index] ?? 'tpl.unit.days', { n: value }) : ''))
    .filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : text;
}

export function deadlineText(rule: DeadlineRule | undefined, i18n: I18n): string {
  const { t, dateTime } = i18n;
  if (!rule) return t('tpl.deadline.none');
  if ('at' in rule) return t('tpl.deadline.at', { at: dateTime(rule.at) });
  if ('offset' in rule) return t('tpl.deadline.offset', { duration: duration(rule.offset, t) });
  return t(rule.urgent ? 'tpl.deadline.meetingUrgent' : 'tpl.deadline.meeting', { meeting: rule.meeting });
}

function transitionText(transition: Transition, stages: readonly StageDefinition[], i18n: I18n): string {
  const { t, locale } = i18n;
  if (transition.to === 'end') return t('tpl.to.end');
  if (transition.to === 'next') return t('tpl.to.next');
  const target = stages.find((stage) => stage.key === transition.stage);
  return t('tpl.to.stage', { stage: target ? target.title[locale] : transition.stage });
}

/** The domain's DEFAULT_DECIDER_BY_STAGE_TYPE (a value: the browser takes only types from @ratsweg/domain). */
const DEFAULT_DECIDER: Readonly<Record<StageType, DeciderRole>> = {
  forum: 'administrator',
  workshops: 'administrator',
  drafting: 'administrator',
  public_consultation: 'administrator',
  briefing: 'secretary',
  committee_consultation: 'secretary',
  council_decision: 'secretary',
  implementation: 'administrator',
};

function deciderText(stage: StageDefinition, t: I18n['t']): string {
  return t(`tpl.decider.${stage.decidedBy ?? DEFAULT_DECIDER[stage.type]}`);
}

/**
 * The template as a diagram: its stages in order as a flow of boxes (type, responsible body,
 * decider, deadline rule, what follows each outcome), with the same facts as a table below.
 */
export function TemplateDiagram({ template }: { template: ProcessTemplate }) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const id = useId();
  return (
    <>
      <section aria-labelledby={`${id}-diagram`}>
        <h2 id={`${id}-diagram`}>{t('tpl.diagram')}</h2>
        <p className="hint" id={`${id}-diagram-hint`}>
          {t('tpl.diagramHint', { count: template.stages.length })}
        </p>
        <ol className="flow" aria-describedby={`${id}-diagram-hint`}>
          {template.stages.map((stage, index) => (
            <li key={stage.key} className={`flow__stage flow__stage--${stage.type}`} data-stage={stage.key}>
              <p className="flow__step">{t('round.stageOf', { n: index + 1, total: template.stages.length })}</p>
              <h3 className="flow__title">{stage.title[locale]}</h3>
              <dl className="flow__facts">
                <div>
                  <dt>{t('tpl.type')}</dt>
                  <dd>{t(`tpl.stageType.${stage.type}`)}</dd>
                </div>
                <div>
                  <dt>{t('round.stageBody')}</dt>
                  <dd>{stage.body ?? t('tpl.noBody')}</dd>
                </div>
                <div>
                  <dt>{t('tpl.decider')}</dt>
                  <dd>{deciderText(stage, t)}</dd>
                </div>
                <div>
                  <dt>{t('round.deadline')}</dt>
                  <dd>{deadlineText(stage.deadline, i18n)}</dd>
                </div>
              </dl>
              <ul className="flow__outcomes" aria-label={t('tpl.outcomes')}>
                {(Object.entries(stage.outcomes) as [Outcome, Transition][]).map(([outcome, transition]) => (
                  <li key={outcome}>
                    {t(`outcome.${outcome}`)} <span aria-hidden="true">→</span>
                    <span className="visually-hidden">:</span> {transitionText(transition, template.stages, i18n)}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby={`${id}-table`}>
        <h2 id={`${id}-table`}>{t('tpl.table')}</h2>
        <table className="rounds directory-table template-table">
          <caption className="visually-hidden">{t('tpl.table')}</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('tpl.stage')}</th>
              <th scope="col">{t('tpl.type')}</th>
              <th scope="col">{t('round.stageBody')}</th>
              <th scope="col">{t('tpl.decider')}</th>
              <th scope="col">{t('round.deadline')}</th>
              <th scope="col">{t('tpl.outcomes')}</th>
            </tr>
          </thead>
          <tbody>
            {template.stages.map((stage, index) => (
              <tr key={stage.key}>
                <td data-label="#">{index + 1}</td>
                <th scope="row" data-label={t('tpl.stage')}>
                  {stage.title[locale]} <code>{stage.key}</code>
                </th>
                <td data-label={t('tpl.type')}>{t(`tpl.stageType.${stage.type}`)}</td>
                <td data-label={t('round.stageBody')}>{stage.body ?? t('tpl.noBody')}</td>
                <td data-label={t('tpl.decider')}>{deciderText(stage, t)}</td>
                <td data-label={t('round.deadline')}>{deadlineText(stage.deadline, i18n)}</td>
                <td data-label={t('tpl.outcomes')}>
                  {(Object.entries(stage.outcomes) as [Outcome, Transition][]).map(([outcome, transition]) => `${t(`outcome.${outcome}`)}: ${transitionText(transition, template.stages, i18n)}`).join('; ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

/** A POST of text in its own media type (YAML), with the API's Problem Details on failure. */
async function postTemplate(text: string, idempotencyKey: string, locale: string): Promise<ProcessTemplate> {
  let json = false;
  try {
    JSON.parse(text);
    json = true;
  } catch {
    json = false;
  }
  let response: Response;
  try {
    response = await fetch('/api/v1/templates', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'accept-language': locale, 'content-type': json ? 'application/json' : 'application/yaml', 'idempotency-key': idempotencyKey },
      body: text,
    });
  } catch {
    throw new ApiError({ type: '/problems/network', title: 'network', status: 0 });
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const problem = body && typeof body === 'object' && 'type' in body ? (body as Problem) : { type: '/problems/unexpected', title: response.statusText || 'error', status: response.status };
    throw new ApiError(problem);
  }
  return body as ProcessTemplate;
}

/** `stages[2].outcomes.approved.stage` → „Phase 3 › outcomes › approved › stage“. */
export function readablePath(path: string, t: I18n['t']): string {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean)
    .reduce<string[]>((parts, part, index, all) => {
      if (/^\d+$/.test(part) && all[index - 1] === 'stages') {
        parts[parts.length - 1] = t('tpl.path.stage', { n: Number(part) + 1 });
      } else if (part === 'stages') parts.push(part);
      else parts.push(part);
      return parts;
    }, [])
    .join(' › ');
}

/** Upload of a new template or version: JSON or YAML, typed or from a file; the API's validation errors as a list. */
export function TemplateUploadForm({ templateKey, onUploaded }: { templateKey?: string; onUploaded?: (template: ProcessTemplate) => void }) {
  const { t, locale } = useI18n();
  const id = useId();
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [uploaded, setUploaded] = useState<ProcessTemplate | null>(null);
  const key = useRef(newIdempotencyKey());
  const errorBox = useRef<HTMLDivElement>(null);

  const readFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    key.current = newIdempotencyKey();
    setText(await file.text());
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setUploaded(null);
    try {
      const template = await postTemplate(text, key.current, locale);
      key.current = newIdempotencyKey();
      setUploaded(template);
      onUploaded?.(template);
    } catch (reason) {
      setError(reason);
      requestAnimationFrame(() => errorBox.current?.focus());
    } finally {
      setBusy(false);
    }
  };

  const problems = error instanceof ApiError ? (error.problem.errors ?? []) : [];
  return (
    <form className="form template-upload" noValidate onSubmit={(event) => void submit(event)} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{templateKey ? t('tpl.uploadVersion') : t('tpl.uploadNew')}</h2>
      <p className="hint">{t('tpl.uploadIntro')}</p>
      {error ? (
        <div className="notice notice--error template-errors" role="alert" tabIndex={-1} ref={errorBox}>
          <p className="notice__title">{problems.length > 0 ? t('tpl.errorsTitle', { count: problems.length }) : t('error.title')}</p>
          <p>{error instanceof ApiError && error.status !== 0 ? (error.problem.detail ?? error.problem.title) : t('error.network')}</p>
          {problems.length > 0 ? (
            <ul>
              {problems.map((entry, index) => (
                <li key={`${entry.field}-${index}`}>
                  <strong>{readablePath(entry.field, t)}</strong>: {entry.message} <code>{entry.field}</code>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {uploaded ? (
        <p className="notice notice--success" role="status">
          {t('tpl.uploaded', { key: uploaded.key, version: uploaded.version })} <Link to={`/vorlagen/${encodeURIComponent(uploaded.key)}`}>{t('tpl.open')}</Link>
        </p>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-file`}>{t('tpl.file')}</label>
        <input id={`${id}-file`} type="file" accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml" onChange={(event) => void readFile(event)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-text`}>{t('tpl.text')}</label>
        <textarea
          id={`${id}-text`}
          className="code-input"
          rows={16}
          spellCheck={false}
          aria-describedby={`${id}-text-hint`}
          aria-invalid={error ? true : undefined}
          value={text}
          onChange={(event) => {
            key.current = newIdempotencyKey();
            setText(event.target.value);
          }}
        />
        <p id={`${id}-text-hint`} className="hint">
          {templateKey ? t('tpl.textHintVersion', { key: templateKey }) : t('tpl.textHint')}
        </p>
      </div>
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={busy || text.trim() === ''} aria-busy={busy}>
          {busy ? t('tpl.uploading') : t('tpl.upload')}
        </button>
      </div>
    </form>
  );
}

/** A template: the chosen version as a diagram and a table; administrators upload a new version. */
export function TemplatePage() {
  const { key = '' } = useParams();
  const { t, dateTime } = useI18n();
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const template = useLoad((signal) => api<TemplateDetail>(`/api/v1/templates/${encodeURIComponent(key)}`, { signal }), [key]);

  if (template.error) return <ErrorNotice error={template.error} onRetry={template.reload} />;
  if (!template.data) return <Loading />;
  const detail = template.data;
  const wanted = Number(params.get('version') ?? detail.latestVersion);
  const shown = detail.versions.find((version) => version.version === wanted) ?? detail.versions.at(-1);
  const definition = shown?.definition ?? detail.definition;

  return (
    <>
      <p className="back">
        <Link to="/vorlagen">{t('tpl.back')}</Link>
      </p>
      <p className="eyebrow">{t('tpl.eyebrow')}</p>
      <PageTitle>{detail.title}</PageTitle>
      {detail.description ? <p>{detail.description}</p> : null}
      <dl className="facts">
        <div>
          <dt>{t('tpl.key')}</dt>
          <dd>
            <code>{detail.key}</code>
          </dd>
        </div>
        <div>
          <dt>{t('tpl.latest')}</dt>
          <dd>{detail.latestVersion}</dd>
        </div>
        {shown?.createdAt ? (
          <div>
            <dt>{t('tpl.createdAt')}</dt>
            <dd>{dateTime(shown.createdAt)}</dd>
          </div>
        ) : null}
        {shown ? (
          <div>
            <dt>{t('tpl.source')}</dt>
            <dd>{t(shown.source === 'builtin' ? 'tpl.builtin' : 'tpl.stored')}</dd>
          </div>
        ) : null}
      </dl>
      {detail.versions.length > 1 ? (
        <div className="field narrow">
          <label htmlFor="template-version">{t('tpl.showVersion')}</label>
          <select id="template-version" value={definition.version} onChange={(event) => setParams(new URLSearchParams({ version: event.target.value }))}>
            {detail.versions.map((version) => (
              <option key={version.version} value={version.version}>
                {t('tpl.versionN', { n: version.version })}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <TemplateDiagram template={definition} />
      {isAdmin(me) ? <TemplateUploadForm templateKey={detail.key} onUploaded={(uploaded) => (uploaded.key === detail.key ? template.reload() : undefined)} /> : null}
    </>
  );
}

/** /vorlagen/neu: a new template (or a version of any). */
export function TemplateUploadPage() {
  const { t } = useI18n();
  return (
    <>
      <p className="back">
        <Link to="/vorlagen">{t('tpl.back')}</Link>
      </p>
      <PageTitle>{t('tpl.uploadTitle')}</PageTitle>
      <TemplateUploadForm />
    </>
  );
}
