import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/audit-hash.util.js';
import { BODY_CLASSIFICATIONS, type BodyClassification } from '../directory/body.entity.js';
import type { MeetingState } from '../directory/meeting.entity.js';
import type { MembershipRole } from '../directory/membership.entity.js';
import { isObject, type OparlObject } from './oparl-fetch.client.js';

/** The fields of a `body` row that come from an OParl Organization (the key is chosen once, at creation). */
export interface ImportedBodyFields {
  name: string;
  shortName: string;
  classification: BodyClassification;
  startDate: string;
  endDate: string | null;
}

export interface ImportedPersonFields {
  givenName: string;
  familyName: string;
  formOfAddress: string | null;
  title: string | null;
  email: string | null;
}

/** Person and body as OParl URLs; the importer resolves them to local ids. */
export interface OparlMembershipFields {
  person: string;
  organization: string;
  role: MembershipRole;
  votingRight: boolean;
  startDate: string | null;
  endDate: string | null;
}

export interface OparlMeetingFields {
  organization: string;
  name: string;
  /** ISO instant (UTC). */
  start: string;
  end: string | null;
  location: string | null;
  state: MeetingState;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const BODY_KEY = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** sha256 of the canonical JSON (keys sorted at every level, instants as ISO strings) of `value`. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** The OParl type name of an object, e.g. `Organization` for `https://schema.oparl.org/1.1/Organization`. */
export function oparlType(object: OparlObject): string | undefined {
  return typeof object.type === 'string' ? object.type.replace(/^.*\//, '') : undefined;
}

export function mapOrganization(object: OparlObject): ImportedBodyFields | undefined {
  const name = text(object.name) ?? text(object.shortName);
  if (!name) return undefined;
  const startDate = date(object.startDate) ?? date(object.created) ?? '1970-01-01';
  const endDate = date(object.endDate);
  return {
    name,
    shortName: text(object.shortName) ?? name,
    classification: classify(text(object.classification)) ?? classify(text(object.organizationType)) ?? 'committee',
    startDate,
    endDate: endDate && endDate >= startDate ? endDate : null,
  };
}

/** Best effort from OParl's free-text `classification` / `organizationType` (German or Ratsweg's own values). */
export function classify(value: string | undefined): BodyClassification | undefined {
  if (!value) return undefined;
  const lower = value.toLowerCase().trim();
  if ((BODY_CLASSIFICATIONS as readonly string[]).includes(lower)) return lower as BodyClassification;
  if (/ausschuss|kommission/.test(lower)) return 'committee';
  if (/beirat/.test(lower)) return 'advisory_board';
  if (/arbeitskreis|arbeitsgruppe|arbeitsgemeinschaft/.test(lower)) return 'working_group';
  if (/vorstand/.test(lower)) return 'administrative_board';
  if (/verwaltung|dezernat|fachbereich|referat|\bamt\b/.test(lower)) return 'department';
  if (/^rat\b|\brat$|stadtrat|gemeinderat|kreistag|ratsversammlung|bezirksvertretung|stadtverordnetenversammlung|bürgerschaft/.test(lower)) {
    return 'council';
  }
  return undefined;
}

/** A body key from the short name (or name): lower case, ASCII, dashes, at most 63 characters. */
export function bodyKeySlug(value: string): string {
  const slug = value
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return BODY_KEY.test(slug) ? slug : 'gremium';
}

/** `base`, else `base-2`, `base-3` … (still at most 63 characters), whichever `taken` does not hold. */
export function uniqueBodyKey(base: string, taken: (key: string) => boolean): string {
  if (!taken(base)) return base;
  for (let suffix = 2; ; suffix += 1) {
    const tail = `-${suffix}`;
    const candidate = `${base.slice(0, 63 - tail.length).replace(/-+$/, '')}${tail}`;
    if (!taken(candidate)) return candidate;
  }
}

export function mapPerson(object: OparlObject): ImportedPersonFields | undefined {
  const name = text(object.name);
  let familyName = text(object.familyName);
  let givenName = text(object.givenName);
  const titles = Array.isArray(object.title) ? object.title.map(text).filter((value): value is string => !!value) : [];
  if (!familyName && name) {
    // Only a full name: the last word is the family name, titles are left out of the given names.
    const words = name.split(/\s+/).filter((word) => !titles.includes(word));
    familyName = words.pop();
    givenName ??= words.join(' ') || undefined;
  }
  if (!familyName) return undefined;
  const email = Array.isArray(object.email) ? object.email.map(text).find(Boolean) : text(object.email);
  return {
    givenName: givenName ?? '',
    familyName,
    formOfAddress: text(object.formOfAddress) ?? null,
    title: titles.length > 0 ? titles.join(' ') : (text(object.title) ?? null),
    email: email ?? null,
  };
}

/** `person` is the URL of the person that embeds the membership, when it has no `person` of its own. */
export function mapMembership(object: OparlObject, person?: string): OparlMembershipFields | undefined {
  const personUrl = text(object.person) ?? person;
  const organization = text(object.organization);
  if (!personUrl || !organization) return undefined;
  const startDate = date(object.startDate) ?? date(object.created) ?? null;
  const endDate = date(object.endDate);
  return {
    person: personUrl,
    organization,
    role: mapRole(text(object.role)),
    votingRight: typeof object.votingRight === 'boolean' ? object.votingRight : true,
    startDate,
    endDate: endDate && (!startDate || endDate >= startDate) ? endDate : null,
  };
}

/** Vorsitz → chair, Stellvertretender Vorsitz → deputy_chair, Schriftführung → secretary, everything else → member. */
export function mapRole(role: string | undefined): MembershipRole {
  const lower = (role ?? '').toLowerCase().trim();
  if (/vorsitz/.test(lower) && /stellv/.test(lower)) return 'deputy_chair';
  if (/^(\d+\.\s*)?stellvertreter(in)?( de[rs] vorsitzenden)?$/.test(lower) || lower === 'deputy_chair') return 'deputy_chair';
  if (/vorsitz/.test(lower) || lower === 'chair') return 'chair';
  if (/schriftf/.test(lower) || lower === 'secretary') return 'secretary';
  return 'member';
}

export function mapMeeting(object: OparlObject): OparlMeetingFields | undefined {
  const organizations = Array.isArray(object.organization) ? object.organization : [object.organization];
  const organization = text(organizations[0]);
  const start = instant(object.start);
  if (!organization || !start) return undefined;
  const end = instant(object.end);
  return {
    organization,
    name: text(object.name) ?? `Sitzung am ${start.slice(0, 10)}`,
    start,
    end: end && end >= start ? end : null,
    location: place(object.location),
    state: meetingState(object),
  };
}

/** `cancelled: true` wins; else OParl's free-text `meetingState`; else scheduled. */
export function meetingState(object: OparlObject): MeetingState {
  if (object.cancelled === true) return 'cancelled';
  const state = (text(object.meetingState) ?? '').toLowerCase();
  if (/abgesagt|ausgefallen|cancel/.test(state)) return 'cancelled';
  if (/durchgeführt|stattgefunden|abgeschlossen|beendet|held/.test(state)) return 'held';
  if (/eingeladen|einladung|invited/.test(state)) return 'invited';
  return 'scheduled';
}

function place(location: unknown): string | null {
  if (!isObject(location)) return null;
  const description = text(location.description);
  if (description) return description;
  const street = text(location.streetAddress);
  const locality = [text(location.postalCode), text(location.locality)].filter(Boolean).join(' ');
  const room = text(location.room);
  return [room, street, locality].filter(Boolean).join(', ') || null;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function date(value: unknown): string | undefined {
  const candidate = text(value)?.slice(0, 10);
  return candidate && ISO_DATE.test(candidate) && !Number.isNaN(Date.parse(`${candidate}T00:00:00Z`)) ? candidate : undefined;
}

function instant(value: unknown): string | undefined {
  const candidate = text(value);
  if (!candidate) return undefined;
  const parsed = Date.parse(candidate);
  return Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString();
}
