import type { StandingOrders } from '@ratsweg/domain';
import type {
  BodyClassification,
  BodyEntity,
  LegislativeTermEntity,
  MeetingEntity,
  MeetingState,
  MembershipEntity,
  MembershipRole,
  PersonEntity,
  PersonLocale,
  TenantEntity,
} from '@ratsweg/persistence';

/** `createdAt` and `modifiedAt` of every directory record (OParl `created`/`modified`). */
interface Stamped {
  createdAt: string;
  modifiedAt: string;
}

export interface TenantResponse extends Stamped {
  key: string;
  name: string;
  shortName: string;
  ags: string;
  standingOrders: StandingOrders;
  website: string | null;
}

export interface LegislativeTermResponse extends Stamped {
  id: string;
  name: string;
  startDate: string;
  endDate: string;
}

export interface BodyResponse extends Stamped {
  id: string;
  key: string;
  name: string;
  shortName: string;
  classification: BodyClassification;
  startDate: string;
  endDate: string | null;
}

export interface PersonResponse extends Stamped {
  id: string;
  givenName: string;
  familyName: string;
  formOfAddress: string | null;
  title: string | null;
  email: string | null;
  locale: PersonLocale;
}

export interface MembershipResponse extends Stamped {
  id: string;
  personId: string;
  bodyId: string;
  role: MembershipRole;
  votingRight: boolean;
  startDate: string;
  endDate: string | null;
}

export interface MeetingResponse extends Stamped {
  id: string;
  bodyId: string;
  name: string;
  start: string;
  end: string | null;
  location: string | null;
  state: MeetingState;
  roundId: string | null;
  meetingKey: string | null;
}

export interface ListResponse<T> {
  data: T[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  next?: string;
}

function stamps(row: { createdAt: Date; modifiedAt: Date }): Stamped {
  return { createdAt: row.createdAt.toISOString(), modifiedAt: row.modifiedAt.toISOString() };
}

export function presentTenant(row: TenantEntity): TenantResponse {
  return {
    key: row.key,
    name: row.name,
    shortName: row.shortName,
    ags: row.ags,
    standingOrders: row.standingOrders,
    website: row.website,
    ...stamps(row),
  };
}

export function presentLegislativeTerm(row: LegislativeTermEntity): LegislativeTermResponse {
  return { id: row.id, name: row.name, startDate: row.startDate, endDate: row.endDate, ...stamps(row) };
}

export function presentBody(row: BodyEntity): BodyResponse {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    shortName: row.shortName,
    classification: row.classification,
    startDate: row.startDate,
    endDate: row.endDate,
    ...stamps(row),
  };
}

export function presentPerson(row: PersonEntity): PersonResponse {
  return {
    id: row.id,
    givenName: row.givenName,
    familyName: row.familyName,
    formOfAddress: row.formOfAddress,
    title: row.title,
    email: row.email,
    locale: row.locale,
    ...stamps(row),
  };
}

export function presentMembership(row: MembershipEntity): MembershipResponse {
  return {
    id: row.id,
    personId: row.personId,
    bodyId: row.bodyId,
    role: row.role,
    votingRight: row.votingRight,
    startDate: row.startDate,
    endDate: row.endDate,
    ...stamps(row),
  };
}

export function presentMeeting(row: MeetingEntity): MeetingResponse {
  return {
    id: row.id,
    bodyId: row.bodyId,
    name: row.name,
    start: row.start.toISOString(),
    end: row.end?.toISOString() ?? null,
    location: row.location,
    state: row.state,
    roundId: row.roundId,
    meetingKey: row.meetingKey,
    ...stamps(row),
  };
}
