import type { RoundEntity, StageFileEntity } from '@ratsweg/persistence';
import type { StageState } from '@ratsweg/domain';
import { OPARL_TYPE, type OparlUrls } from './oparl-urls.js';

/** Directory rows as the OParl presenter needs them (the entities of `@ratsweg/persistence`). */
export interface TenantRow {
  key: string;
  name: string;
  shortName: string;
  ags: string;
  website: string | null;
  createdAt: Date;
  modifiedAt: Date;
}
export interface BodyRow {
  id: string;
  key: string;
  name: string;
  shortName: string;
  classification: string;
  startDate: string;
  endDate: string | null;
  createdAt: Date;
  modifiedAt: Date;
}
export interface PersonRow {
  id: string;
  givenName: string;
  familyName: string;
  formOfAddress: string | null;
  title: string | null;
  createdAt: Date;
  modifiedAt: Date;
}
export interface MembershipRow {
  id: string;
  personId: string;
  bodyId: string;
  role: string;
  votingRight: boolean;
  startDate: string;
  endDate: string | null;
  createdAt: Date;
  modifiedAt: Date;
}
export interface MeetingRow {
  id: string;
  bodyId: string;
  name: string;
  start: Date;
  end: Date | null;
  location: string | null;
  state: string;
  roundId: string | null;
  meetingKey: string | null;
  createdAt: Date;
  modifiedAt: Date;
}
export interface LegislativeTermRow {
  id: string;
  name: string;
  startDate: string;
  endDate: string;
  createdAt: Date;
  modifiedAt: Date;
}

const CLASSIFICATION_DE: Record<string, string> = {
  council: 'Rat',
  committee: 'Ausschuss',
  working_group: 'Arbeitskreis',
  advisory_board: 'Beirat',
  administrative_board: 'Verwaltungsvorstand',
  department: 'Verwaltungsbereich',
};

const ROLE_DE: Record<string, string> = {
  chair: 'Vorsitz',
  deputy_chair: 'Stellvertretender Vorsitz',
  member: 'Mitglied',
  secretary: 'Schriftführung',
};

const RESULT_DE: Record<string, string> = {
  approved: 'Beschlossen',
  rejected: 'Abgelehnt',
  returned: 'Zurückverwiesen',
  postponed: 'Vertagt',
};

export const DECIDING_STAGE_TYPES = ['committee_consultation', 'council_decision'] as const;

export function isDecidingStage(stage: StageState): boolean {
  return (DECIDING_STAGE_TYPES as readonly string[]).includes(stage.type);
}

const stamp = (row: { createdAt: Date; modifiedAt?: Date; updatedAt?: Date }) => ({
  created: row.createdAt.toISOString(),
  modified: (row.modifiedAt ?? row.updatedAt ?? row.createdAt).toISOString(),
});

export function oparlSystem(urls: OparlUrls, name: string) {
  return {
    id: urls.system(),
    type: OPARL_TYPE('System'),
    oparlVersion: 'https://schema.oparl.org/1.1/',
    body: urls.bodies(),
    name,
    vendor: 'https://ratsweg.de',
    product: 'https://ratsweg.de/ratsweg',
  };
}

export function oparlBody(urls: OparlUrls, tenant: TenantRow, terms: LegislativeTermRow[]) {
  return {
    id: urls.body(tenant.key),
    type: OPARL_TYPE('Body'),
    system: urls.system(),
    name: tenant.name,
    shortName: tenant.shortName,
    ags: tenant.ags,
    ...(tenant.website ? { website: tenant.website } : {}),
    organization: urls.bodyList(tenant.key, 'organizations'),
    person: urls.bodyList(tenant.key, 'people'),
    meeting: urls.bodyList(tenant.key, 'meetings'),
    paper: urls.bodyList(tenant.key, 'papers'),
    agendaItem: urls.bodyList(tenant.key, 'agenda-items'),
    consultation: urls.bodyList(tenant.key, 'consultations'),
    file: urls.bodyList(tenant.key, 'files'),
    membership: urls.bodyList(tenant.key, 'memberships'),
    legislativeTermList: urls.bodyList(tenant.key, 'legislative-terms'),
    legislativeTerm: terms.map((term) => oparlLegislativeTerm(urls, tenant.key, term)),
    ...stamp(tenant),
  };
}

export function oparlLegislativeTerm(urls: OparlUrls, tenantKey: string, term: LegislativeTermRow) {
  return {
    id: urls.legislativeTerm(term.id),
    type: OPARL_TYPE('LegislativeTerm'),
    body: urls.body(tenantKey),
    name: term.name,
    startDate: term.startDate,
    endDate: term.endDate,
    ...stamp(term),
  };
}

export function oparlOrganization(urls: OparlUrls, tenantKey: string, body: BodyRow, memberships: MembershipRow[]) {
  return {
    id: urls.organization(body.id),
    type: OPARL_TYPE('Organization'),
    body: urls.body(tenantKey),
    name: body.name,
    shortName: body.shortName,
    organizationType: 'Gremium',
    classification: CLASSIFICATION_DE[body.classification] ?? body.classification,
    startDate: body.startDate,
    ...(body.endDate ? { endDate: body.endDate } : {}),
    membership: memberships.map((membership) => urls.membership(membership.id)),
    meeting: urls.bodyList(tenantKey, 'meetings'),
    ...stamp(body),
  };
}

export function oparlPerson(urls: OparlUrls, tenantKey: string, person: PersonRow, memberships: MembershipRow[]) {
  return {
    id: urls.person(person.id),
    type: OPARL_TYPE('Person'),
    body: urls.body(tenantKey),
    name: [person.title, person.givenName, person.familyName].filter(Boolean).join(' '),
    familyName: person.familyName,
    givenName: person.givenName,
    ...(person.formOfAddress ? { formOfAddress: person.formOfAddress } : {}),
    ...(person.title ? { title: [person.title] } : {}),
    membership: memberships.map((membership) => oparlMembership(urls, membership)),
    ...stamp(person),
  };
}

export function oparlMembership(urls: OparlUrls, membership: MembershipRow) {
  return {
    id: urls.membership(membership.id),
    type: OPARL_TYPE('Membership'),
    person: urls.person(membership.personId),
    organization: urls.organization(membership.bodyId),
    role: ROLE_DE[membership.role] ?? membership.role,
    votingRight: membership.votingRight,
    startDate: membership.startDate,
    ...(membership.endDate ? { endDate: membership.endDate } : {}),
    ...stamp(membership),
  };
}

export function oparlMeeting(urls: OparlUrls, meeting: MeetingRow, agendaItems: unknown[]) {
  return {
    id: urls.meeting(meeting.id),
    type: OPARL_TYPE('Meeting'),
    name: meeting.name,
    meetingState: { scheduled: 'terminiert', invited: 'eingeladen', held: 'durchgeführt', cancelled: 'abgesagt' }[meeting.state] ?? meeting.state,
    ...(meeting.state === 'cancelled' ? { cancelled: true } : {}),
    start: meeting.start.toISOString(),
    ...(meeting.end ? { end: meeting.end.toISOString() } : {}),
    organization: [urls.organization(meeting.bodyId)],
    agendaItem: agendaItems,
    ...stamp(meeting),
  };
}

/** A round with committee or council stages is a paper (Beschlussvorlage); its deciding stages are its consultations. */
export function oparlPaper(urls: OparlUrls, tenantKey: string, round: RoundEntity, context: RoundContext) {
  const reference = typeof round.parameters?.reference === 'string' ? round.parameters.reference : `RW-${round.id.slice(0, 8).toUpperCase()}`;
  return {
    id: urls.paper(round.id),
    type: OPARL_TYPE('Paper'),
    body: urls.body(tenantKey),
    name: round.title,
    reference,
    date: round.createdAt.toISOString().slice(0, 10),
    paperType: 'Beschlussvorlage',
    consultation: round.stages.filter(isDecidingStage).map((stage) => oparlConsultation(urls, round, stage, context)),
    created: round.createdAt.toISOString(),
    modified: round.updatedAt.toISOString(),
  };
}

export interface RoundContext {
  bodyIdByKey: Map<string, string>;
  /** Directory meetings linked to the round, by the template's meeting key. */
  meetingIdByKey: Map<string, string>;
}

export function consultationId(round: RoundEntity, stage: StageState): string {
  return `${round.id}.${stage.key}`;
}

export function oparlConsultation(urls: OparlUrls, round: RoundEntity, stage: StageState, context: RoundContext) {
  const bodyId = stage.body ? context.bodyIdByKey.get(stage.body) : undefined;
  const meetingId = stage.meeting ? context.meetingIdByKey.get(stage.meeting.key) : undefined;
  const decided = stage.type === 'council_decision' && stage.decisions.length > 0;
  return {
    id: urls.consultation(consultationId(round, stage)),
    type: OPARL_TYPE('Consultation'),
    paper: urls.paper(round.id),
    ...(decided ? { agendaItem: urls.agendaItem(consultationId(round, stage)) } : {}),
    ...(meetingId ? { meeting: urls.meeting(meetingId) } : {}),
    ...(bodyId ? { organization: [urls.organization(bodyId)] } : {}),
    authoritative: stage.type === 'council_decision',
    role: stage.type === 'council_decision' ? 'Entscheidung' : 'Vorberatung',
    created: (stage.openedAt ?? round.createdAt.toISOString()),
    modified: (stage.closedAt ?? stage.openedAt ?? round.updatedAt.toISOString()),
  };
}

/** The council's decision on a round, as an agenda item with its result and resolution text. */
export function oparlAgendaItem(urls: OparlUrls, round: RoundEntity, stage: StageState, context: RoundContext) {
  const decision = stage.decisions.at(-1);
  const meetingId = stage.meeting ? context.meetingIdByKey.get(stage.meeting.key) : undefined;
  return {
    id: urls.agendaItem(consultationId(round, stage)),
    type: OPARL_TYPE('AgendaItem'),
    ...(meetingId ? { meeting: urls.meeting(meetingId) } : {}),
    order: 1,
    name: round.title,
    public: true,
    consultation: urls.consultation(consultationId(round, stage)),
    ...(decision ? { result: RESULT_DE[decision.outcome] ?? decision.outcome } : {}),
    ...(decision?.resolutionText ? { resolutionText: decision.resolutionText } : {}),
    ...(stage.meeting ? { start: stage.meeting.start } : {}),
    created: stage.openedAt ?? round.createdAt.toISOString(),
    modified: decision?.decidedAt ?? stage.closedAt ?? round.updatedAt.toISOString(),
  };
}

/** A document attached to a stage; linked to the round's paper when the round is one. */
export function oparlFile(urls: OparlUrls, file: StageFileEntity, isPaper: boolean) {
  return {
    id: urls.file(file.id),
    type: OPARL_TYPE('File'),
    name: file.name,
    fileName: file.name,
    mimeType: file.mediaType,
    date: file.createdAt.toISOString().slice(0, 10),
    size: file.size,
    sha512Checksum: file.sha512,
    accessUrl: urls.fileContent(file.id),
    downloadUrl: urls.fileContent(file.id),
    ...(isPaper ? { paper: [urls.paper(file.roundId)] } : {}),
    created: file.createdAt.toISOString(),
    modified: file.createdAt.toISOString(),
  };
}
