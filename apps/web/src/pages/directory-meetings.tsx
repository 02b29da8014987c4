import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import { api } from '../api';
import { ErrorNotice, Loading, useLoad } from '../components/common';
import { PageTitle } from '../components/layout';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { useDirectoryNames } from './directory-memberships';
import {
  cleaned,
  DirectoryForm,
  DirectoryTabs,
  Facts,
  fromLocalInput,
  isAdmin,
  ListFooter,
  MEETING_STATES,
  query,
  ReadOnlyNote,
  Saved,
  toLocalInput,
  usePagedList,
  type FieldSpec,
  type FormValues,
  type MeetingRecord,
} from './directory-shared';

function meetingBody(values: FormValues, forEdit: boolean): Record<string, unknown> {
  const body = cleaned(values, ['end', 'location'], forEdit);
  for (const name of ['start', 'end']) if (typeof body[name] === 'string') body[name] = fromLocalInput(body[name]);
  return body;
}

function useMeetingFields(): FieldSpec[] {
  const { t } = useI18n();
  return [
    { name: 'name', label: 'dir.meeting.name', type: 'text', required: true },
    { name: 'start', label: 'dir.meeting.start', type: 'datetime-local', required: true },
    { name: 'end', label: 'dir.meeting.end', type: 'datetime-local' },
    { name: 'location', label: 'dir.meeting.location', type: 'text' },
    { name: 'state', label: 'dir.meeting.state', type: 'select', required: true, options: MEETING_STATES.map((value) => ({ value, label: t(`dir.meetingState.${value}`) })) },
  ];
}

/** GET /api/v1/meetings with the filters the API offers: body, from, until. */
export function DirectoryMeetingsPage() {
  const { t, dateTime } = useI18n();
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const body = params.get('body') ?? '';
  const from = params.get('from') ?? '';
  const until = params.get('until') ?? '';
  const list = usePagedList<MeetingRecord>(`/api/v1/meetings${query({ limit: '50', body, from, until })}`);
  const names = useDirectoryNames();

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    const bodyValue = String(form.get('body') ?? '');
    if (bodyValue) next.set('body', bodyValue);
    for (const name of ['from', 'until']) {
      const value = String(form.get(name) ?? '');
      if (value) next.set(name, fromLocalInput(value));
    }
    setParams(next);
  };

  return (
    <>
      <PageTitle>{t('dir.meetings')}</PageTitle>
      <DirectoryTabs />
      <ReadOnlyNote />
      {isAdmin(me) ? (
        <p>
          <Link className="button button--primary" to={`/verzeichnis/sitzungen/neu${query({ body })}`}>
            {t('dir.meeting.new')}
          </Link>
        </p>
      ) : null}
      <form className="filters" role="search" aria-labelledby="meeting-filters" onSubmit={apply} key={`${params.toString()}-${names.bodies?.length ?? 0}`}>
        <h2 id="meeting-filters" className="filters__title">
          {t('dir.filters')}
        </h2>
        <div className="field">
          <label htmlFor="filter-body">{t('dir.meeting.body')}</label>
          <select id="filter-body" name="body" defaultValue={body}>
            <option value="">{t('dir.all')}</option>
            {names.bodies?.map((entry) => (
              <option key={entry.id} value={entry.id}>
                {entry.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-from">{t('dir.meeting.from')}</label>
          <input id="filter-from" name="from" type="datetime-local" defaultValue={toLocalInput(from || null)} />
        </div>
        <div className="field">
          <label htmlFor="filter-until">{t('dir.meeting.until')}</label>
          <input id="filter-until" name="until" type="datetime-local" defaultValue={toLocalInput(until || null)} />
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
          <caption className="visually-hidden">{t('dir.meetings')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('dir.meeting.name')}</th>
              <th scope="col">{t('dir.meeting.body')}</th>
              <th scope="col">{t('dir.meeting.start')}</th>
              <th scope="col">{t('dir.meeting.state')}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((meeting) => (
              <tr key={meeting.id} data-meeting-id={meeting.id}>
                <th scope="row" data-label={t('dir.meeting.name')}>
                  <Link to={`/verzeichnis/sitzungen/${meeting.id}`}>{meeting.name}</Link>
                </th>
                <td data-label={t('dir.meeting.body')}>{names.body(meeting.bodyId)}</td>
                <td data-label={t('dir.meeting.start')}>
                  <time dateTime={meeting.start}>{dateTime(meeting.start)}</time>
                </td>
                <td data-label={t('dir.meeting.state')}>{t(`dir.meetingState.${meeting.state}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <ListFooter {...list} moreLabel={t('dir.more')} />
    </>
  );
}

/** POST /api/v1/meetings */
export function DirectoryMeetingNewPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const names = useDirectoryNames();
  const fields = useMeetingFields();
  if (!names.bodies) return <Loading />;
  const all: FieldSpec[] = [
    { name: 'bodyId', label: 'dir.meeting.body', type: 'select', required: true, options: [{ value: '', label: t('dir.form.choose') }, ...names.bodies.map((body) => ({ value: body.id, label: body.name }))] },
    ...fields,
  ];
  const submit = async (values: FormValues, idempotencyKey: string) => {
    const created = await api<MeetingRecord>('/api/v1/meetings', { method: 'POST', body: meetingBody(values, false), idempotencyKey });
    await navigate(`/verzeichnis/sitzungen/${created.id}`, { state: { saved: true } });
  };
  return (
    <>
      <p className="back">
        <Link to="/verzeichnis/sitzungen">{t('dir.backToMeetings')}</Link>
      </p>
      <PageTitle>{t('dir.meeting.new')}</PageTitle>
      <DirectoryTabs />
      <span id="meeting-new-title" hidden>
        {t('dir.meeting.new')}
      </span>
      <div className="narrow">
        <DirectoryForm
          fields={all}
          initial={{ bodyId: params.get('body') ?? '', name: '', start: '', end: '', location: '', state: 'scheduled' }}
          submitLabel={t('dir.create')}
          busyLabel={t('dir.saving')}
          onSubmit={submit}
          labelledBy="meeting-new-title"
        />
      </div>
    </>
  );
}

/** GET/PATCH /api/v1/meetings/{id} */
export function DirectoryMeetingPage() {
  const { id = '' } = useParams();
  const { t, dateTime } = useI18n();
  const { me } = useSession();
  const location = useLocation();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<string | null>((location.state as { saved?: boolean } | null)?.saved ? t('dir.created') : null);
  const meeting = useLoad((signal) => api<MeetingRecord>(`/api/v1/meetings/${encodeURIComponent(id)}`, { signal }), [id]);
  const names = useDirectoryNames();
  const fields = useMeetingFields();

  if (meeting.error) return <ErrorNotice error={meeting.error} onRetry={meeting.reload} />;
  if (!meeting.data) return <Loading />;
  const record = meeting.data;

  const submit = async (values: FormValues) => {
    await api<MeetingRecord>(`/api/v1/meetings/${encodeURIComponent(id)}`, { method: 'PATCH', body: meetingBody(values, true) });
    setEditing(false);
    setSaved(t('dir.saved'));
    meeting.reload();
  };

  return (
    <>
      <p className="back">
        <Link to="/verzeichnis/sitzungen">{t('dir.backToMeetings')}</Link>
      </p>
      <p className="eyebrow">{t('dir.meeting.eyebrow')}</p>
      <PageTitle>{record.name}</PageTitle>
      <DirectoryTabs />
      <Saved text={saved} />
      <Facts
        rows={[
          [t('dir.meeting.body'), <Link key="b" to={`/verzeichnis/gremien/${record.bodyId}`}>{names.body(record.bodyId)}</Link>],
          [t('dir.meeting.start'), dateTime(record.start)],
          [t('dir.meeting.end'), record.end ? dateTime(record.end) : '–'],
          [t('dir.meeting.location'), record.location ?? '–'],
          [t('dir.meeting.state'), t(`dir.meetingState.${record.state}`)],
          ...(record.roundId ? ([[t('dir.meeting.round'), <Link key="r" to={`/runden/${record.roundId}`}>{record.meetingKey ?? record.roundId}</Link>]] as [string, ReactNode][]) : []),
        ]}
      />
      {isAdmin(me) ? (
        editing ? (
          <section aria-labelledby="meeting-edit-title" className="narrow">
            <h2 id="meeting-edit-title">{t('dir.edit')}</h2>
            <DirectoryForm
              fields={fields}
              initial={{ name: record.name, start: toLocalInput(record.start), end: toLocalInput(record.end), location: record.location ?? '', state: record.state }}
              submitLabel={t('dir.save')}
              busyLabel={t('dir.saving')}
              onSubmit={submit}
              onCancel={() => setEditing(false)}
              labelledBy="meeting-edit-title"
            />
          </section>
        ) : (
          <button type="button" className="button" onClick={() => setEditing(true)}>
            {t('dir.edit')}
          </button>
        )
      ) : (
        <ReadOnlyNote />
      )}
    </>
  );
}
