import { isoInstantSchema } from '@ratsweg/domain';
import { z } from 'zod';
import { decisionRequestSchema, rescheduleMeetingRequestSchema } from './round.request.js';

/** The event types `POST /api/v1/events` understands. */
export const INBOUND_EVENT_TYPES = ['meeting.rescheduled', 'consultation.result'] as const;
export type InboundEventType = (typeof INBOUND_EVENT_TYPES)[number];

/** The context attributes CloudEvents 1.0 defines; any other attribute is an extension. */
export const CLOUD_EVENT_ATTRIBUTES = ['specversion', 'id', 'source', 'type', 'datacontenttype', 'dataschema', 'subject', 'time'] as const;

/** Extension attribute names: lower-case letters and digits, at most 20 (CloudEvents 1.0, "Attribute Naming Convention"). */
const EXTENSION_NAME = /^[a-z0-9]{1,20}$/;

/** RFC 3986: an optional scheme, then only unreserved, reserved and percent-encoded characters. */
const URI_REFERENCE = /^(?:[A-Za-z][A-Za-z0-9+.-]*:)?[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/;
const BROKEN_PERCENT = /%(?![0-9A-Fa-f]{2})/;
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:/;

const uriReference = z
  .string()
  .min(1)
  .max(2048)
  .refine((value) => URI_REFERENCE.test(value) && !BROKEN_PERCENT.test(value), { message: 'expected a URI-reference (RFC 3986)' });

const key = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a key of lower-case letters, digits and hyphens');

/**
 * A CloudEvent 1.0 as JSON (structured mode), or the attributes of one in `ce-*` headers
 * (binary mode). `time` is RFC 3339 with an offset; extension attributes are allowed.
 */
export const cloudEventSchema = z
  .object({
    specversion: z.literal('1.0', { error: 'expected "1.0"' }),
    id: z.string().min(1).max(255),
    source: uriReference,
    type: z.string().min(1).max(255),
    time: z.iso.datetime({ offset: true, error: 'expected an RFC 3339 date-time with time zone' }).optional(),
    datacontenttype: z.string().min(1).max(255).optional(),
    dataschema: uriReference.refine((value) => ABSOLUTE_URI.test(value), { message: 'expected an absolute URI' }).optional(),
    subject: z.string().min(1).max(1024).optional(),
    data: z.unknown().optional(),
  })
  .catchall(z.union([z.string().max(2048), z.number(), z.boolean()]))
  .superRefine((event, context) => {
    for (const name of Object.keys(event)) {
      if (name === 'data' || (CLOUD_EVENT_ATTRIBUTES as readonly string[]).includes(name)) continue;
      if (!EXTENSION_NAME.test(name)) {
        context.addIssue({ code: 'custom', path: [name], message: 'extension attribute names are 1–20 lower-case letters and digits' });
      }
    }
  });
export type CloudEvent = z.infer<typeof cloudEventSchema>;

/** `consultation.result`: a body's decision on a stage, as `POST /api/v1/rounds/{id}/stages/{stageKey}/decision` takes it. */
export const consultationResultDataSchema = decisionRequestSchema.extend({ roundId: z.uuid(), stageKey: key });
export type ConsultationResultData = z.infer<typeof consultationResultDataSchema>;

/** `meeting.rescheduled` of a round's meeting, as `PUT /api/v1/rounds/{id}/meetings/{meetingKey}` takes it. */
export const roundMeetingRescheduledDataSchema = rescheduleMeetingRequestSchema.extend({ roundId: z.uuid(), meetingKey: key });
export type RoundMeetingRescheduledData = z.infer<typeof roundMeetingRescheduledDataSchema>;

/** `meeting.rescheduled` of a directory meeting (`GET /api/v1/meetings/{id}`): it moves, and the round it serves follows. */
export const directoryMeetingRescheduledDataSchema = z
  .strictObject({ meetingId: z.uuid(), start: isoInstantSchema, end: isoInstantSchema.nullable().optional() })
  .superRefine((data, context) => {
    if (data.end && Date.parse(data.end) < Date.parse(data.start)) context.addIssue({ code: 'custom', path: ['end'], message: 'must not be before start' });
  });
export type DirectoryMeetingRescheduledData = z.infer<typeof directoryMeetingRescheduledDataSchema>;

/** Which of the two forms of `meeting.rescheduled` data is meant: the one naming `meetingId` is the directory's. */
export function meetingRescheduledDataSchemaFor(data: unknown): typeof roundMeetingRescheduledDataSchema | typeof directoryMeetingRescheduledDataSchema {
  return typeof data === 'object' && data !== null && 'meetingId' in data ? directoryMeetingRescheduledDataSchema : roundMeetingRescheduledDataSchema;
}
