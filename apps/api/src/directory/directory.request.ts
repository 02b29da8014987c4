import { isoInstantSchema, standingOrdersSchema } from '@ratsweg/domain';
import { BODY_CLASSIFICATIONS, MEETING_STATES, MEMBERSHIP_ROLES, PERSON_LOCALES } from '@ratsweg/persistence';
import { z } from 'zod';

/** A calendar date `YYYY-MM-DD` that exists. */
export const isoDateSchema = z
  .string()
  .refine((value) => /^\d{4}-\d{2}-\d{2}$/.test(value) && isRealDate(value), {
    message: 'expected a date YYYY-MM-DD',
  });

/** False for dates that do not exist (month 13, 30 February): `new Date` would throw or roll over. */
function isRealDate(value: string): boolean {
  const time = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(time) && new Date(time).toISOString().startsWith(value);
}

const name = z.string().trim().min(1).max(300);
const shortName = z.string().trim().min(1).max(100);
const optionalText = (max: number) => z.string().trim().min(1).max(max).nullable().optional();
const key = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a key of lower-case letters, digits and hyphens');
const id = z.uuid();

/** A later date must not lie before an earlier one; the issue names the later field. */
function notBefore(earlier: string, later: string, message: string) {
  return (value: Record<string, unknown>, ctx: z.core.$RefinementCtx): void => {
    const from = value[earlier];
    const to = value[later];
    if (typeof from === 'string' && typeof to === 'string' && Date.parse(to) < Date.parse(from)) {
      ctx.addIssue({ code: 'custom', path: [later], message });
    }
  };
}

export const tenantRequestSchema = z.strictObject({
  name,
  shortName,
  /** Amtlicher Gemeindeschlüssel. */
  ags: z.string().regex(/^\d{8}$/, 'expected the Amtlicher Gemeindeschlüssel: exactly 8 digits'),
  /** The Geschäftsordnung's deadline rules; the defaults (7 days' notice, 3 when urgent) when absent. */
  standingOrders: standingOrdersSchema.optional(),
  website: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
    .max(2_000)
    .nullable()
    .optional(),
});
export type TenantRequest = z.infer<typeof tenantRequestSchema>;

export const endRequestSchema = z.strictObject({ endDate: isoDateSchema });
export type EndRequest = z.infer<typeof endRequestSchema>;

export const createBodyRequestSchema = z
  .strictObject({
    key,
    name,
    shortName,
    classification: z.enum(BODY_CLASSIFICATIONS),
    startDate: isoDateSchema,
    endDate: isoDateSchema.nullable().optional(),
  })
  .superRefine(notBefore('startDate', 'endDate', 'must not be before startDate'));
export type CreateBodyRequest = z.infer<typeof createBodyRequestSchema>;

export const updateBodyRequestSchema = z.strictObject({
  key: key.optional(),
  name: name.optional(),
  shortName: shortName.optional(),
  classification: z.enum(BODY_CLASSIFICATIONS).optional(),
  startDate: isoDateSchema.optional(),
});
export type UpdateBodyRequest = z.infer<typeof updateBodyRequestSchema>;

const personFields = {
  givenName: name,
  familyName: name,
  formOfAddress: optionalText(50),
  title: optionalText(100),
  email: z.email().max(320).nullable().optional(),
  locale: z.enum(PERSON_LOCALES).optional(),
};

export const createPersonRequestSchema = z.strictObject(personFields);
export type CreatePersonRequest = z.infer<typeof createPersonRequestSchema>;

export const updatePersonRequestSchema = z.strictObject({ ...personFields, givenName: name.optional(), familyName: name.optional() });
export type UpdatePersonRequest = z.infer<typeof updatePersonRequestSchema>;

export const createMembershipRequestSchema = z
  .strictObject({
    personId: id,
    bodyId: id,
    role: z.enum(MEMBERSHIP_ROLES),
    votingRight: z.boolean().optional(),
    startDate: isoDateSchema,
    endDate: isoDateSchema.nullable().optional(),
  })
  .superRefine(notBefore('startDate', 'endDate', 'must not be before startDate'));
export type CreateMembershipRequest = z.infer<typeof createMembershipRequestSchema>;

export const updateMembershipRequestSchema = z.strictObject({
  role: z.enum(MEMBERSHIP_ROLES).optional(),
  votingRight: z.boolean().optional(),
  startDate: isoDateSchema.optional(),
});
export type UpdateMembershipRequest = z.infer<typeof updateMembershipRequestSchema>;

export const createLegislativeTermRequestSchema = z
  .strictObject({ name, startDate: isoDateSchema, endDate: isoDateSchema })
  .superRefine(notBefore('startDate', 'endDate', 'must not be before startDate'));
export type CreateLegislativeTermRequest = z.infer<typeof createLegislativeTermRequestSchema>;

const meetingFields = {
  name,
  start: isoInstantSchema,
  end: isoInstantSchema.nullable().optional(),
  location: optionalText(500),
  state: z.enum(MEETING_STATES).optional(),
  /** The participation round this meeting serves, with the template's meeting key; both or neither. */
  roundId: id.nullable().optional(),
  meetingKey: key.nullable().optional(),
};

export const createMeetingRequestSchema = z
  .strictObject({ bodyId: id, ...meetingFields })
  .superRefine(notBefore('start', 'end', 'must not be before start'))
  .superRefine((meeting, ctx) => {
    if ((meeting.roundId ?? null) === null && (meeting.meetingKey ?? null) !== null) {
      ctx.addIssue({ code: 'custom', path: ['roundId'], message: 'is required with meetingKey' });
    }
    if ((meeting.roundId ?? null) !== null && (meeting.meetingKey ?? null) === null) {
      ctx.addIssue({ code: 'custom', path: ['meetingKey'], message: 'is required with roundId' });
    }
  });
export type CreateMeetingRequest = z.infer<typeof createMeetingRequestSchema>;

export const updateMeetingRequestSchema = z.strictObject({
  ...meetingFields,
  name: name.optional(),
  start: isoInstantSchema.optional(),
});
export type UpdateMeetingRequest = z.infer<typeof updateMeetingRequestSchema>;

const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** `next` of the previous page. */
  cursor: z.string().min(1).max(2_000).optional(),
};

export const listQuerySchema = z.strictObject(pageQuery);
export type ListQuery = z.infer<typeof listQuerySchema>;

export const listBodiesQuerySchema = z.strictObject({
  ...pageQuery,
  classification: z.enum(BODY_CLASSIFICATIONS).optional(),
  /** Only bodies that exist on this day. */
  on: isoDateSchema.optional(),
});
export type ListBodiesQuery = z.infer<typeof listBodiesQuerySchema>;

export const listPersonsQuerySchema = z.strictObject({
  ...pageQuery,
  /** Words that must each appear in the given or family name. */
  q: z.string().trim().min(1).max(200).optional(),
});
export type ListPersonsQuery = z.infer<typeof listPersonsQuerySchema>;

/** An instant PostgreSQL can hold and a person would mean: years 1900..9999. */
const filterInstant = isoInstantSchema.refine(
  (text) => {
    const time = Date.parse(text);
    return Number.isFinite(time) && time >= Date.UTC(1900, 0, 1) && time < Date.UTC(10_000, 0, 1);
  },
  { message: 'expected an instant between the years 1900 and 9999' },
);

export const listMeetingsQuerySchema = z
  .strictObject({
    ...pageQuery,
    body: id.optional(),
    round: id.optional(),
    /** Meetings that start at or after this instant. */
    from: filterInstant.optional(),
    /** Meetings that start before this instant. */
    until: filterInstant.optional(),
  })
  .superRefine(notBefore('from', 'until', 'must not be before from'));
export type ListMeetingsQuery = z.infer<typeof listMeetingsQuerySchema>;

export const listMembershipsQuerySchema = z.strictObject({
  ...pageQuery,
  body: id.optional(),
  person: id.optional(),
  /** Only those who are members on this day. */
  on: isoDateSchema.optional(),
});
export type ListMembershipsQuery = z.infer<typeof listMembershipsQuerySchema>;
