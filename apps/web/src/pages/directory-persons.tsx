import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import { api } from '../api';
import { ErrorNotice, Loading, useLoad } from '../components/common';
import { PageTitle } from '../components/layout';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import {
  cleaned,
  DirectoryForm,
  DirectoryTabs,
  Facts,
  isAdmin,
  personName,
  query,
  ReadOnlyNote,
  Saved,
  usePagedList,
  DirectoryListPage,
  paramsFrom,
  type FieldSpec,
  type FormValues,
  type PersonRecord,
} from './directory-shared';

const NULLABLE = ['formOfAddress', 'title', 'email'];

function usePersonFields(): FieldSpec[] {
  const { t } = useI18n();
  return [
    { name: 'formOfAddress', label: 'dir.person.formOfAddress', type: 'text', hint: 'dir.person.formOfAddressHint' },
    { name: 'title', label: 'dir.person.title', type: 'text' },
    { name: 'givenName', label: 'dir.person.givenName', type: 'text', required: true },
    { name: 'familyName', label: 'dir.person.familyName', type: 'text', required: true },
    { name: 'email', label: 'dir.person.email', type: 'email' },
    {
      name: 'locale',
      label: 'dir.person.locale',
      type: 'select',
      required: true,
      options: [
        { value: 'de', label: t('dir.locale.de') },
        { value: 'en', label: t('dir.locale.en') },
      ],
    },
  ];
}

/** GET /api/v1/persons with the name search the API offers. */
export function DirectoryPersonsPage() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const q = params.get('q') ?? '';
  const list = usePagedList<PersonRecord>(`/api/v1/persons${query({ limit: '50', q })}`);
  return (
    <DirectoryListPage
      title={t('dir.persons')}
      create={{ to: '/verzeichnis/personen/neu', label: t('dir.person.new') }}
      filterName="person"
      toParams={(form) => paramsFrom(form, ['q'])}
      filters={
        <div className="field">
          <label htmlFor="filter-q">{t('dir.person.search')}</label>
          <input id="filter-q" name="q" type="search" maxLength={200} defaultValue={q} />
        </div>
      }
      list={list}
      rowAttribute="data-person-id"
      columns={[
        { label: t('dir.person.name'), cell: (person) => <Link to={`/verzeichnis/personen/${person.id}`}>{personName(person)}</Link> },
        { label: t('dir.person.email'), cell: (person) => person.email ?? '–' },
        { label: t('dir.person.locale'), cell: (person) => t(`dir.locale.${person.locale}`) },
      ]}
    />
  );
}

/** POST /api/v1/persons */
export function DirectoryPersonNewPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const fields = usePersonFields();
  const submit = async (values: FormValues, idempotencyKey: string) => {
    const created = await api<PersonRecord>('/api/v1/persons', { method: 'POST', body: cleaned(values, NULLABLE, false), idempotencyKey });
    await navigate(`/verzeichnis/personen/${created.id}`, { state: { saved: true } });
  };
  return (
    <>
      <p className="back">
        <Link to="/verzeichnis/personen">{t('dir.backToPersons')}</Link>
      </p>
      <PageTitle>{t('dir.person.new')}</PageTitle>
      <DirectoryTabs />
      <span id="person-new-title" hidden>
        {t('dir.person.new')}
      </span>
      <div className="narrow">
        <DirectoryForm
          fields={fields}
          initial={{ formOfAddress: '', title: '', givenName: '', familyName: '', email: '', locale: 'de' }}
          submitLabel={t('dir.create')}
          busyLabel={t('dir.saving')}
          onSubmit={submit}
          labelledBy="person-new-title"
        />
      </div>
    </>
  );
}

/** GET/PATCH /api/v1/persons/{id}, with the person's memberships. */
export function DirectoryPersonPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { me } = useSession();
  const location = useLocation();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<string | null>((location.state as { saved?: boolean } | null)?.saved ? t('dir.created') : null);
  const person = useLoad((signal) => api<PersonRecord>(`/api/v1/persons/${encodeURIComponent(id)}`, { signal }), [id]);
  const fields = usePersonFields();

  if (person.error) return <ErrorNotice error={person.error} onRetry={person.reload} />;
  if (!person.data) return <Loading />;
  const record = person.data;

  const submit = async (values: FormValues) => {
    await api<PersonRecord>(`/api/v1/persons/${encodeURIComponent(id)}`, { method: 'PATCH', body: cleaned(values, NULLABLE, true) });
    setEditing(false);
    setSaved(t('dir.saved'));
    person.reload();
  };

  return (
    <>
      <p className="back">
        <Link to="/verzeichnis/personen">{t('dir.backToPersons')}</Link>
      </p>
      <p className="eyebrow">{t('dir.person.eyebrow')}</p>
      <PageTitle>{personName(record)}</PageTitle>
      <DirectoryTabs />
      <Saved text={saved} />
      <Facts
        rows={[
          [t('dir.person.formOfAddress'), record.formOfAddress ?? '–'],
          [t('dir.person.email'), record.email ?? '–'],
          [t('dir.person.locale'), t(`dir.locale.${record.locale}`)],
        ]}
      />
      <p>
        <Link to={`/verzeichnis/mitgliedschaften${query({ person: record.id })}`}>{t('dir.person.memberships')}</Link>
      </p>
      {isAdmin(me) ? (
        editing ? (
          <section aria-labelledby="person-edit-title" className="narrow">
            <h2 id="person-edit-title">{t('dir.edit')}</h2>
            <DirectoryForm
              fields={fields}
              initial={{
                formOfAddress: record.formOfAddress ?? '',
                title: record.title ?? '',
                givenName: record.givenName,
                familyName: record.familyName,
                email: record.email ?? '',
                locale: record.locale,
              }}
              submitLabel={t('dir.save')}
              busyLabel={t('dir.saving')}
              onSubmit={submit}
              onCancel={() => setEditing(false)}
              labelledBy="person-edit-title"
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
