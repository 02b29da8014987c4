import { useState, type ReactNode } from 'react';
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
  MEETING_STATES,
  query,
  ReadOnlyNote,
  Saved,
  toLocalInput,
  usePagedList,
  DirectoryListPage,
  paramsFrom,
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
  const [params] = useSearchParams();
  const body = params.get('body') ?? '';
  const from = params.get('from') ?? '';
  const until = params.get('until') ?? '';
  const list = usePagedList<MeetingRecord>(`/api/v1/meetings${query({ limit: '50', body, from, until })}`);
  const names = useDirectoryNames();
  return (
    <DirectoryListPage
      title={t('dir.meetings')}
      create={{ to: `/verzeichnis/sitzungen/neu${query({ body })}`, label: t('dir.meeting.new') }}
      filterName="meeting"
      filterKey={String(names.bodies?.length ?? 0)}
      toParams={(form) => paramsFrom(form, ['body', 'from', 'until'], (name, value) => (name === 'body' ? value : fromLocalInput(value)))}
      filters={
        <>
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
        </>
      }
      list={list}
      rowAttribute="data-meeting-id"
      columns={[
        { label: t('dir.meeting.name'), cell: (meeting) => <Link to={`/verzeichnis/sitzungen/${meeting.id}`}>{meeting.name}</Link> },
        { label: t('dir.meeting.body'), cell: (meeting) => names.body(meeting.bodyId) },
        { label: t('dir.meeting.start'), cell: (meeting) => <time dateTime={meeting.start}>{dateTime(meeting.start)}</time> },
        { label: t('dir.meeting.state'), cell: (meeting) => t(`dir.meetingState.${meeting.state}`) },
      ]}
    />
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
