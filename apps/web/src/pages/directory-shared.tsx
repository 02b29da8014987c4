import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link, NavLink, useSearchParams } from 'react-router';
import { api, ApiError, newIdempotencyKey } from '../api';
import { ErrorNotice, Loading } from '../components/common';
import { PageTitle } from '../components/layout';
import { useI18n } from '../i18n';
import type { MessageKey } from '../messages';
import { useSession } from '../session';
import './directory.css';
import type { Me, Page } from '../types';

// What the directory routes of the API answer (apps/api/src/directory/directory.presenter.ts).
export const BODY_CLASSIFICATIONS = ['council', 'committee', 'working_group', 'advisory_board', 'administrative_board', 'department'] as const;
export const MEMBERSHIP_ROLES = ['chair', 'deputy_chair', 'member', 'secretary'] as const;
export const MEETING_STATES = ['scheduled', 'invited', 'held', 'cancelled'] as const;

export interface BodyRecord {
  id: string;
  key: string;
  name: string;
  shortName: string;
  classification: (typeof BODY_CLASSIFICATIONS)[number];
  startDate: string;
  endDate: string | null;
}

export interface PersonRecord {
  id: string;
  givenName: string;
  familyName: string;
  formOfAddress: string | null;
  title: string | null;
  email: string | null;
  locale: 'de' | 'en';
}

export interface MembershipRecord {
  id: string;
  personId: string;
  bodyId: string;
  role: (typeof MEMBERSHIP_ROLES)[number];
  votingRight: boolean;
  startDate: string;
  endDate: string | null;
}

export interface MeetingRecord {
  id: string;
  bodyId: string;
  name: string;
  start: string;
  end: string | null;
  location: string | null;
  state: (typeof MEETING_STATES)[number];
  roundId: string | null;
  meetingKey: string | null;
}

export function isAdmin(me: Me | null | undefined): boolean {
  return !!me && me.roles.includes('admin');
}

export function personName(person: PersonRecord): string {
  return [person.title, person.givenName, person.familyName].filter(Boolean).join(' ');
}

/** Today in the municipality's time zone, `YYYY-MM-DD`. */
export function today(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** A query string from the filters that are set. */
export function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * A paged list from the API: the first page for `path`, then more with `next` on demand.
 * Starts over when `path` changes.
 */
export function usePagedList<T>(path: string): { items: T[]; loading: boolean; error: unknown; more: (() => void) | undefined; reload: () => void } {
  const [items, setItems] = useState<T[]>([]);
  const [next, setNext] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const generation = useRef(0);

  const load = useCallback(
    async (cursor: string | undefined, append: boolean) => {
      const mine = ++generation.current;
      setLoading(true);
      setError(null);
      try {
        const separator = path.includes('?') ? '&' : '?';
        const page = await api<Page<T>>(cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path);
        if (mine !== generation.current) return;
        setItems((current) => (append ? [...current, ...page.data] : page.data));
        setNext(page.next);
      } catch (reason) {
        if (mine === generation.current) setError(reason);
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    [path],
  );

  useEffect(() => {
    void load(undefined, false);
  }, [load, attempt]);

  return {
    items,
    loading,
    error,
    more: next && !loading ? () => void load(next, true) : undefined,
    reload: () => setAttempt((value) => value + 1),
  };
}

/** All entries of a (short) list, every page: for choices in forms (bodies, people). */
export function useAll<T>(path: string): T[] | undefined {
  const [items, setItems] = useState<T[] | undefined>(undefined);
  useEffect(() => {
    let cancelled = false;
    const loadAll = async () => {
      const all: T[] = [];
      let cursor: string | undefined;
      do {
        const separator = path.includes('?') ? '&' : '?';
        const page: Page<T> = await api<Page<T>>(`${path}${separator}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        all.push(...page.data);
        cursor = page.next;
      } while (cursor && all.length < 2000);
      if (!cancelled) setItems(all);
    };
    loadAll().catch(() => {
      if (!cancelled) setItems([]);
    });
    return () => {
      cancelled = true;
    };
  }, [path]);
  return items;
}

/** One field of a directory form. */
export interface FieldSpec {
  name: string;
  label: MessageKey;
  type: 'text' | 'email' | 'date' | 'datetime-local' | 'select' | 'checkbox';
  options?: readonly { value: string; label: string }[];
  required?: boolean;
  hint?: MessageKey;
  autoComplete?: string;
}

export type FormValues = Record<string, string | boolean>;

/** Problem Details `errors[]` by field name (the first message of each). */
export function fieldErrors(error: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (error instanceof ApiError) {
    for (const entry of error.problem.errors ?? []) {
      const field = entry.field.split(/[.[]/)[0] ?? entry.field;
      result[field] ??= entry.message;
    }
  }
  return result;
}

/**
 * A directory form: labelled fields, the API's field errors next to their fields (the first one
 * takes the focus), a summary above, and one Idempotency-Key per attempt of a creation.
 */
export function DirectoryForm({
  fields,
  initial,
  submitLabel,
  busyLabel,
  onSubmit,
  onCancel,
  labelledBy,
}: {
  fields: readonly FieldSpec[];
  initial: FormValues;
  submitLabel: string;
  busyLabel: string;
  /** Sends the values; `idempotencyKey` stays the same while the same values are retried. */
  onSubmit(values: FormValues, idempotencyKey: string): Promise<void>;
  onCancel?: () => void;
  labelledBy: string;
}) {
  const { t } = useI18n();
  const id = useId();
  const [values, setValues] = useState<FormValues>(initial);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef(newIdempotencyKey());
  const summary = useRef<HTMLDivElement>(null);
  const errors = fieldErrors(error);
  const unplaced = error instanceof ApiError ? (error.problem.errors ?? []).filter((entry) => !fields.some((field) => field.name === (entry.field.split(/[.[]/)[0] ?? ''))) : [];

  // The fields as last rendered, for the focus effect below (which runs only when a new error arrives).
  const latestFields = useRef(fields);
  useEffect(() => {
    latestFields.current = fields;
  });
  useEffect(() => {
    if (!error) return;
    const found = fieldErrors(error);
    const first = latestFields.current.find((field) => found[field.name]);
    const target = first ? document.getElementById(`${id}-${first.name}`) : summary.current;
    target?.focus();
  }, [error, id]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit(values, key.current);
      key.current = newIdempotencyKey();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  const change = (name: string, value: string | boolean) => {
    key.current = newIdempotencyKey();
    setValues((current) => ({ ...current, [name]: value }));
  };

  return (
    <form className="form directory-form" noValidate onSubmit={(event) => void submit(event)} aria-labelledby={labelledBy}>
      {error ? (
        <div className="notice notice--error" role="alert" tabIndex={-1} ref={summary}>
          <p className="notice__title">{t('error.title')}</p>
          <p>{error instanceof ApiError ? (error.problem.detail ?? error.problem.title) : t('error.network')}</p>
          {Object.keys(errors).length > unplaced.length ? <p>{t('dir.form.fixFields')}</p> : null}
          {unplaced.length > 0 ? (
            <ul>
              {unplaced.map((entry) => (
                <li key={entry.field}>
                  <code>{entry.field}</code>: {entry.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {fields.map((field) => {
        const inputId = `${id}-${field.name}`;
        const message = errors[field.name];
        const describedBy = [field.hint ? `${inputId}-hint` : '', message ? `${inputId}-error` : ''].filter(Boolean).join(' ') || undefined;
        const common = {
          id: inputId,
          name: field.name,
          'aria-invalid': message ? true : undefined,
          'aria-describedby': describedBy,
          required: field.required,
        } as const;
        const label = (
          <label htmlFor={inputId}>
            {t(field.label)}
            {field.required ? <span aria-hidden="true"> *</span> : null}
          </label>
        );
        const after = (
          <>
            {field.hint ? (
              <p id={`${inputId}-hint`} className="hint">
                {t(field.hint)}
              </p>
            ) : null}
            {message ? (
              <p id={`${inputId}-error`} className="field-error">
                {message}
              </p>
            ) : null}
          </>
        );
        if (field.type === 'checkbox') {
          return (
            <div className="field field--check" key={field.name}>
              <input type="checkbox" {...common} checked={values[field.name] === true} onChange={(event) => change(field.name, event.target.checked)} />
              {label}
              {after}
            </div>
          );
        }
        return (
          <div className="field" key={field.name}>
            {label}
            {field.type === 'select' ? (
              <select {...common} value={String(values[field.name] ?? '')} onChange={(event) => change(field.name, event.target.value)}>
                {field.required ? null : <option value="">{t('dir.form.none')}</option>}
                {field.options?.map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </select>
            ) : (
              <input type={field.type} {...common} autoComplete={field.autoComplete ?? 'off'} value={String(values[field.name] ?? '')} onChange={(event) => change(field.name, event.target.value)} />
            )}
            {after}
          </div>
        );
      })}
      <p className="hint">{t('dir.form.requiredHint')}</p>
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={busy} aria-busy={busy}>
          {busy ? busyLabel : submitLabel}
        </button>
        {onCancel ? (
          <button type="button" className="button" onClick={onCancel} disabled={busy}>
            {t('dir.form.cancel')}
          </button>
        ) : null}
      </div>
    </form>
  );
}

/** Text fields: empty becomes absent (create) or null (edit, for nullable fields). */
export function cleaned(values: FormValues, nullable: readonly string[], forEdit: boolean): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'boolean') result[name] = value;
    else if (value.trim() === '') {
      if (forEdit && nullable.includes(name)) result[name] = null;
    } else result[name] = value.trim();
  }
  return result;
}

/** `datetime-local` value ↔ instant. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function fromLocalInput(value: string): string {
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? value : time.toISOString();
}

/** Ending a body or membership (POST …/end with the last day). */
export function EndForm({ path, onEnded, label }: { path: string; onEnded(): void; label: string }) {
  const { t } = useI18n();
  const id = useId();
  const [endDate, setEndDate] = useState(today());
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef(newIdempotencyKey());
  const message = fieldErrors(error).endDate;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api(path, { method: 'POST', body: { endDate }, idempotencyKey: key.current });
      onEnded();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form end-form" noValidate onSubmit={(event) => void submit(event)} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{label}</h2>
      {error && !message ? <ErrorNotice error={error} /> : null}
      <div className="field">
        <label htmlFor={`${id}-end`}>{t('dir.end.date')}</label>
        <input
          id={`${id}-end`}
          type="date"
          value={endDate}
          aria-invalid={message ? true : undefined}
          aria-describedby={message ? `${id}-end-error` : undefined}
          onChange={(event) => {
            key.current = newIdempotencyKey();
            setEndDate(event.target.value);
          }}
        />
        {message ? (
          <p id={`${id}-end-error`} className="field-error" role="alert">
            {message}
          </p>
        ) : null}
      </div>
      <div className="actions">
        <button type="submit" className="button" disabled={busy} aria-busy={busy}>
          {busy ? t('dir.end.saving') : label}
        </button>
      </div>
    </form>
  );
}

/** A saved-message for the person, announced politely. */
export function Saved({ text }: { text: string | null }) {
  return text ? (
    <p className="notice notice--success" role="status">
      {text}
    </p>
  ) : null;
}

/** The directory's sub-navigation: bodies, people, memberships, meetings. */
export function DirectoryTabs() {
  const { t } = useI18n();
  const links: [string, MessageKey][] = [
    ['/verzeichnis/gremien', 'dir.bodies'],
    ['/verzeichnis/personen', 'dir.persons'],
    ['/verzeichnis/mitgliedschaften', 'dir.memberships'],
    ['/verzeichnis/sitzungen', 'dir.meetings'],
  ];
  return (
    <nav aria-label={t('dir.tabs')} className="sub-nav">
      <ul>
        {links.map(([to, label]) => (
          <li key={to}>
            <NavLink to={to}>{t(label)}</NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The list's footer: more entries, or the loading state, or the error. */
export function ListFooter({ loading, error, more, reload, moreLabel }: { loading: boolean; error: unknown; more: (() => void) | undefined; reload(): void; moreLabel: string }) {
  if (error) return <ErrorNotice error={error} onRetry={reload} />;
  if (loading) return <Loading />;
  return more ? (
    <button type="button" className="button" onClick={more}>
      {moreLabel}
    </button>
  ) : null;
}

/** A read-only note for staff who are not administrators. */
export function ReadOnlyNote() {
  const { t } = useI18n();
  const { me } = useSession();
  return isAdmin(me) ? null : <p className="notice">{t('dir.readOnly')}</p>;
}

export function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="facts">
      {rows.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A column of a directory list: its header and a row's cell (the first column heads each row). */
export interface ListColumn<T> {
  label: string;
  cell(item: T): ReactNode;
}

/**
 * The one shape of the four directory lists: title, tabs, the read-only note, *New …* for
 * administrators, the filter form (its values go into the URL), the table (the first column
 * heads each row; `data-label` gives phones a label per cell) and *more* at the end.
 */
export function DirectoryListPage<T extends { id: string }>({
  title,
  create,
  filterName,
  filterKey = '',
  toParams,
  filters,
  list,
  columns,
  rowAttribute,
}: {
  title: string;
  /** The *New …* link for administrators. */
  create: { to: string; label: string };
  /** Names the filter form (its heading's id). */
  filterName: string;
  /** Renders the form afresh when what its fields offer changes (e.g. loaded choices). */
  filterKey?: string;
  /** The URL's search parameters from the submitted filter form. */
  toParams(form: FormData): URLSearchParams;
  filters: ReactNode;
  list: { items: T[]; loading: boolean; error: unknown; more: (() => void) | undefined; reload: () => void };
  columns: readonly ListColumn<T>[];
  /** The row's `data-…-id` attribute (for tests and styles). */
  rowAttribute: `data-${string}`;
}) {
  const { t } = useI18n();
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const headingId = `${filterName}-filters`;
  const [first, ...rest] = columns;

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setParams(toParams(new FormData(event.currentTarget)));
  };

  return (
    <>
      <PageTitle>{title}</PageTitle>
      <DirectoryTabs />
      <ReadOnlyNote />
      {isAdmin(me) ? (
        <p>
          <Link className="button button--primary" to={create.to}>
            {create.label}
          </Link>
        </p>
      ) : null}
      <form className="filters" role="search" aria-labelledby={headingId} onSubmit={apply} key={`${params.toString()}-${filterKey}`}>
        <h2 id={headingId} className="filters__title">
          {t('dir.filters')}
        </h2>
        {filters}
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
      {list.items.length > 0 && first ? (
        <table className="rounds directory-table">
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column.label} scope="col">
                  {column.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {list.items.map((item) => (
              <tr key={item.id} {...{ [rowAttribute]: item.id }}>
                <th scope="row" data-label={first.label}>
                  {first.cell(item)}
                </th>
                {rest.map((column) => (
                  <td key={column.label} data-label={column.label}>
                    {column.cell(item)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <ListFooter {...list} moreLabel={t('dir.more')} />
    </>
  );
}

/** The filter form's values as search parameters: every named field that is not empty, `convert`ed. */
export function paramsFrom(form: FormData, names: readonly string[], convert: (name: string, value: string) => string = (_name, value) => value): URLSearchParams {
  const next = new URLSearchParams();
  for (const name of names) {
    const value = String(form.get(name) ?? '').trim();
    if (value) next.set(name, convert(name, value));
  }
  return next;
}
