import { useMemo, useState } from 'react';
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
  EndForm,
  Facts,
  isAdmin,
  MEMBERSHIP_ROLES,
  personName,
  query,
  ReadOnlyNote,
  Saved,
  useAll,
  usePagedList,
  DirectoryListPage,
  paramsFrom,
  type BodyRecord,
  type FieldSpec,
  type FormValues,
  type MembershipRecord,
  type PersonRecord,
} from './directory-shared';

/** Names of bodies and people by id, for lists and choices. */
export function useDirectoryNames() {
  const bodies = useAll<BodyRecord>('/api/v1/bodies');
  const persons = useAll<PersonRecord>('/api/v1/persons');
  return useMemo(
    () => ({
      bodies,
      persons,
      body: (id: string) => bodies?.find((body) => body.id === id)?.name ?? id,
      person: (id: string) => {
        const person = persons?.find((candidate) => candidate.id === id);
        return person ? personName(person) : id;
      },
    }),
    [bodies, persons],
  );
}

function useRoleOptions() {
  const { t } = useI18n();
  return MEMBERSHIP_ROLES.map((value) => ({ value, label: t(`dir.role.${value}`) }));
}

/** GET /api/v1/memberships with the filters the API offers: body, person, member on a day. */
export function DirectoryMembershipsPage() {
  const { t, date } = useI18n();
  const [params] = useSearchParams();
  const body = params.get('body') ?? '';
  const person = params.get('person') ?? '';
  const on = params.get('on') ?? '';
  const list = usePagedList<MembershipRecord>(`/api/v1/memberships${query({ limit: '50', body, person, on })}`);
  const names = useDirectoryNames();
  return (
    <DirectoryListPage
      title={t('dir.memberships')}
      create={{ to: `/verzeichnis/mitgliedschaften/neu${query({ body, person })}`, label: t('dir.membership.new') }}
      filterName="membership"
      filterKey={`${names.bodies?.length ?? 0}-${names.persons?.length ?? 0}`}
      toParams={(form) => paramsFrom(form, ['body', 'person', 'on'])}
      filters={
        <>
          <div className="field">
            <label htmlFor="filter-body">{t('dir.membership.body')}</label>
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
            <label htmlFor="filter-person">{t('dir.membership.person')}</label>
            <select id="filter-person" name="person" defaultValue={person}>
              <option value="">{t('dir.all')}</option>
              {names.persons?.map((entry) => (
                <option key={entry.id} value={entry.id}>
                  {personName(entry)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="filter-on">{t('dir.memberOn')}</label>
            <input id="filter-on" name="on" type="date" defaultValue={on} />
          </div>
        </>
      }
      list={list}
      rowAttribute="data-membership-id"
      columns={[
        { label: t('dir.membership.person'), cell: (membership) => <Link to={`/verzeichnis/mitgliedschaften/${membership.id}`}>{names.person(membership.personId)}</Link> },
        { label: t('dir.membership.body'), cell: (membership) => names.body(membership.bodyId) },
        {
          label: t('dir.membership.role'),
          cell: (membership) => (
            <>
              {t(`dir.role.${membership.role}`)}
              {membership.votingRight ? '' : ` (${t('dir.membership.noVote')})`}
            </>
          ),
        },
        {
          label: t('dir.period'),
          cell: (membership) =>
            membership.endDate ? t('dir.fromTo', { from: date(membership.startDate), to: date(membership.endDate) }) : t('dir.since', { from: date(membership.startDate) }),
        },
      ]}
    />
  );
}

/** POST /api/v1/memberships */
export function DirectoryMembershipNewPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const names = useDirectoryNames();
  const roles = useRoleOptions();
  if (!names.bodies || !names.persons) return <Loading />;
  const fields: FieldSpec[] = [
    { name: 'personId', label: 'dir.membership.person', type: 'select', required: true, options: [{ value: '', label: t('dir.form.choose') }, ...names.persons.map((person) => ({ value: person.id, label: personName(person) }))] },
    { name: 'bodyId', label: 'dir.membership.body', type: 'select', required: true, options: [{ value: '', label: t('dir.form.choose') }, ...names.bodies.map((body) => ({ value: body.id, label: body.name }))] },
    { name: 'role', label: 'dir.membership.role', type: 'select', required: true, options: roles },
    { name: 'votingRight', label: 'dir.membership.votingRight', type: 'checkbox' },
    { name: 'startDate', label: 'dir.membership.startDate', type: 'date', required: true },
    { name: 'endDate', label: 'dir.membership.endDate', type: 'date', hint: 'dir.body.endDateHint' },
  ];
  const submit = async (values: FormValues, idempotencyKey: string) => {
    const created = await api<MembershipRecord>('/api/v1/memberships', { method: 'POST', body: cleaned(values, [], false), idempotencyKey });
    await navigate(`/verzeichnis/mitgliedschaften/${created.id}`, { state: { saved: true } });
  };
  return (
    <>
      <p className="back">
        <Link to="/verzeichnis/mitgliedschaften">{t('dir.backToMemberships')}</Link>
      </p>
      <PageTitle>{t('dir.membership.new')}</PageTitle>
      <DirectoryTabs />
      <span id="membership-new-title" hidden>
        {t('dir.membership.new')}
      </span>
      <div className="narrow">
        <DirectoryForm
          fields={fields}
          initial={{ personId: params.get('person') ?? '', bodyId: params.get('body') ?? '', role: 'member', votingRight: true, startDate: '', endDate: '' }}
          submitLabel={t('dir.create')}
          busyLabel={t('dir.saving')}
          onSubmit={submit}
          labelledBy="membership-new-title"
        />
      </div>
    </>
  );
}

/** GET/PATCH /api/v1/memberships/{id}, POST …/end */
export function DirectoryMembershipPage() {
  const { id = '' } = useParams();
  const { t, date } = useI18n();
  const { me } = useSession();
  const location = useLocation();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<string | null>((location.state as { saved?: boolean } | null)?.saved ? t('dir.created') : null);
  const membership = useLoad((signal) => api<MembershipRecord>(`/api/v1/memberships/${encodeURIComponent(id)}`, { signal }), [id]);
  const names = useDirectoryNames();
  const roles = useRoleOptions();

  if (membership.error) return <ErrorNotice error={membership.error} onRetry={membership.reload} />;
  if (!membership.data) return <Loading />;
  const record = membership.data;
  const fields: FieldSpec[] = [
    { name: 'role', label: 'dir.membership.role', type: 'select', required: true, options: roles },
    { name: 'votingRight', label: 'dir.membership.votingRight', type: 'checkbox' },
    { name: 'startDate', label: 'dir.membership.startDate', type: 'date', required: true },
  ];

  const submit = async (values: FormValues) => {
    await api<MembershipRecord>(`/api/v1/memberships/${encodeURIComponent(id)}`, { method: 'PATCH', body: cleaned(values, [], true) });
    setEditing(false);
    setSaved(t('dir.saved'));
    membership.reload();
  };

  return (
    <>
      <p className="back">
        <Link to="/verzeichnis/mitgliedschaften">{t('dir.backToMemberships')}</Link>
      </p>
      <p className="eyebrow">{t('dir.membership.eyebrow')}</p>
      <PageTitle>{t('dir.membership.title', { person: names.person(record.personId), body: names.body(record.bodyId) })}</PageTitle>
      <DirectoryTabs />
      <Saved text={saved} />
      <Facts
        rows={[
          [t('dir.membership.person'), <Link key="p" to={`/verzeichnis/personen/${record.personId}`}>{names.person(record.personId)}</Link>],
          [t('dir.membership.body'), <Link key="b" to={`/verzeichnis/gremien/${record.bodyId}`}>{names.body(record.bodyId)}</Link>],
          [t('dir.membership.role'), t(`dir.role.${record.role}`)],
          [t('dir.membership.votingRight'), record.votingRight ? t('dir.yes') : t('dir.no')],
          [t('dir.membership.startDate'), date(record.startDate)],
          [t('dir.membership.endDate'), record.endDate ? date(record.endDate) : t('dir.open')],
        ]}
      />
      {isAdmin(me) ? (
        editing ? (
          <section aria-labelledby="membership-edit-title" className="narrow">
            <h2 id="membership-edit-title">{t('dir.edit')}</h2>
            <DirectoryForm
              fields={fields}
              initial={{ role: record.role, votingRight: record.votingRight, startDate: record.startDate }}
              submitLabel={t('dir.save')}
              busyLabel={t('dir.saving')}
              onSubmit={submit}
              onCancel={() => setEditing(false)}
              labelledBy="membership-edit-title"
            />
          </section>
        ) : (
          <>
            <button type="button" className="button" onClick={() => setEditing(true)}>
              {t('dir.edit')}
            </button>
            {record.endDate ? null : (
              <EndForm
                path={`/api/v1/memberships/${encodeURIComponent(id)}/end`}
                label={t('dir.membership.end')}
                onEnded={() => {
                  setSaved(t('dir.ended'));
                  membership.reload();
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
