import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import { api } from '../api';
import { ErrorNotice, Loading, useLoad } from '../components/common';
import { PageTitle } from '../components/layout';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import {
  BODY_CLASSIFICATIONS,
  cleaned,
  DirectoryForm,
  DirectoryTabs,
  EndForm,
  Facts,
  isAdmin,
  query,
  ReadOnlyNote,
  Saved,
  usePagedList,
  DirectoryListPage,
  paramsFrom,
  type BodyRecord,
  type FieldSpec,
  type FormValues,
} from './directory-shared';

function useBodyFields(forEdit: boolean): FieldSpec[] {
  const { t } = useI18n();
  return [
    { name: 'name', label: 'dir.body.name', type: 'text', required: true },
    { name: 'shortName', label: 'dir.body.shortName', type: 'text', required: true },
    { name: 'key', label: 'dir.body.key', type: 'text', required: true, hint: 'dir.body.keyHint' },
    { name: 'classification', label: 'dir.body.classification', type: 'select', required: true, options: BODY_CLASSIFICATIONS.map((value) => ({ value, label: t(`dir.classification.${value}`) })) },
    { name: 'startDate', label: 'dir.body.startDate', type: 'date', required: true },
    ...(forEdit ? [] : [{ name: 'endDate', label: 'dir.body.endDate', type: 'date', hint: 'dir.body.endDateHint' } as const]),
  ];
}

/** GET /api/v1/bodies with the filters the API offers: classification, existing on a day. */
export function DirectoryBodiesPage() {
  const { t, date } = useI18n();
  const [params] = useSearchParams();
  const classification = params.get('classification') ?? '';
  const on = params.get('on') ?? '';
  const list = usePagedList<BodyRecord>(`/api/v1/bodies${query({ limit: '50', classification, on })}`);
  return (
    <DirectoryListPage
      title={t('dir.bodies')}
      create={{ to: '/verzeichnis/gremien/neu', label: t('dir.body.new') }}
      filterName="body"
      toParams={(form) => paramsFrom(form, ['classification', 'on'])}
      filters={
        <>
          <div className="field">
            <label htmlFor="filter-classification">{t('dir.body.classification')}</label>
            <select id="filter-classification" name="classification" defaultValue={classification}>
              <option value="">{t('dir.all')}</option>
              {BODY_CLASSIFICATIONS.map((value) => (
                <option key={value} value={value}>
                  {t(`dir.classification.${value}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="filter-on">{t('dir.existingOn')}</label>
            <input id="filter-on" name="on" type="date" defaultValue={on} />
          </div>
        </>
      }
      list={list}
      rowAttribute="data-body-id"
      columns={[
        {
          label: t('dir.body.name'),
          cell: (body) => (
            <>
              <Link to={`/verzeichnis/gremien/${body.id}`}>{body.name}</Link> ({body.shortName})
            </>
          ),
        },
        { label: t('dir.body.key'), cell: (body) => <code>{body.key}</code> },
        { label: t('dir.body.classification'), cell: (body) => t(`dir.classification.${body.classification}`) },
        { label: t('dir.period'), cell: (body) => (body.endDate ? t('dir.fromTo', { from: date(body.startDate), to: date(body.endDate) }) : t('dir.since', { from: date(body.startDate) })) },
      ]}
    />
  );
}

/** POST /api/v1/bodies */
export function DirectoryBodyNewPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const fields = useBodyFields(false);
  const submit = async (values: FormValues, idempotencyKey: string) => {
    const created = await api<BodyRecord>('/api/v1/bodies', { method: 'POST', body: cleaned(values, [], false), idempotencyKey });
    await navigate(`/verzeichnis/gremien/${created.id}`, { state: { saved: true } });
  };
  return (
    <>
      <p className="back">
        <Link to="/verzeichnis/gremien">{t('dir.backToBodies')}</Link>
      </p>
      <PageTitle>{t('dir.body.new')}</PageTitle>
      <DirectoryTabs />
      <span id="body-new-title" hidden>
        {t('dir.body.new')}
      </span>
      <div className="narrow">
        <DirectoryForm
          fields={fields}
          initial={{ name: '', shortName: '', key: '', classification: 'committee', startDate: '', endDate: '' }}
          submitLabel={t('dir.create')}
          busyLabel={t('dir.saving')}
          onSubmit={submit}
          labelledBy="body-new-title"
        />
      </div>
    </>
  );
}

/** GET/PATCH /api/v1/bodies/{id}, POST …/end; with the body's memberships and meetings. */
export function DirectoryBodyPage() {
  const { id = '' } = useParams();
  const { t, date } = useI18n();
  const { me } = useSession();
  const location = useLocation();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<string | null>((location.state as { saved?: boolean } | null)?.saved ? t('dir.created') : null);
  const body = useLoad((signal) => api<BodyRecord>(`/api/v1/bodies/${encodeURIComponent(id)}`, { signal }), [id]);
  const fields = useBodyFields(true);

  if (body.error) return <ErrorNotice error={body.error} onRetry={body.reload} />;
  if (!body.data) return <Loading />;
  const record = body.data;

  const submit = async (values: FormValues) => {
    await api<BodyRecord>(`/api/v1/bodies/${encodeURIComponent(id)}`, { method: 'PATCH', body: cleaned(values, [], true) });
    setEditing(false);
    setSaved(t('dir.saved'));
    body.reload();
  };

  return (
    <>
      <p className="back">
        <Link to="/verzeichnis/gremien">{t('dir.backToBodies')}</Link>
      </p>
      <p className="eyebrow">{t('dir.body.eyebrow')}</p>
      <PageTitle>{record.name}</PageTitle>
      <DirectoryTabs />
      <Saved text={saved} />
      <Facts
        rows={[
          [t('dir.body.shortName'), record.shortName],
          [t('dir.body.key'), <code key="key">{record.key}</code>],
          [t('dir.body.classification'), t(`dir.classification.${record.classification}`)],
          [t('dir.body.startDate'), date(record.startDate)],
          [t('dir.body.endDate'), record.endDate ? date(record.endDate) : t('dir.open')],
        ]}
      />
      <p className="actions">
        <Link to={`/verzeichnis/mitgliedschaften${query({ body: record.id })}`}>{t('dir.body.members')}</Link>
        <Link to={`/verzeichnis/sitzungen${query({ body: record.id })}`}>{t('dir.body.meetings')}</Link>
      </p>
      {isAdmin(me) ? (
        editing ? (
          <section aria-labelledby="body-edit-title" className="narrow">
            <h2 id="body-edit-title">{t('dir.edit')}</h2>
            <DirectoryForm
              fields={fields}
              initial={{ name: record.name, shortName: record.shortName, key: record.key, classification: record.classification, startDate: record.startDate }}
              submitLabel={t('dir.save')}
              busyLabel={t('dir.saving')}
              onSubmit={submit}
              onCancel={() => setEditing(false)}
              labelledBy="body-edit-title"
            />
          </section>
        ) : (
          <>
            <button type="button" className="button" onClick={() => setEditing(true)}>
              {t('dir.edit')}
            </button>
            {record.endDate ? null : (
              <EndForm
                path={`/api/v1/bodies/${encodeURIComponent(id)}/end`}
                label={t('dir.body.end')}
                onEnded={() => {
                  setSaved(t('dir.ended'));
                  body.reload();
                }}
              />
            )}
          </>
        )
      ) : (
        <ReadOnlyNote />
      )}
    </>
  );
}
