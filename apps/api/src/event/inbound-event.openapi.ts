import type { OpenAPIObject } from '@nestjs/swagger';
import {
  consultationResultDataSchema,
  directoryMeetingRescheduledDataSchema,
  roundMeetingRescheduledDataSchema,
  type InboundEventType,
} from '@ratsweg/contracts';
import { z } from 'zod';
import { CLOUD_EVENTS_MEDIA_TYPE } from './cloud-event.util.js';

export const INBOUND_EVENTS_PATH = '/api/v1/events';

const jsonSchema = (schema: z.ZodType): Record<string, unknown> => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

/** Each supported event type, what it does and its `data`. */
export const INBOUND_EVENT_DOCS: Record<InboundEventType, { description: string; data: Record<string, unknown> }> = {
  'meeting.rescheduled': {
    description:
      'A meeting moved. Either `{ roundId, meetingKey, start }` — the meeting of a round, as `PUT /api/v1/rounds/{id}/meetings/{meetingKey}` — ' +
      'or `{ meetingId, start, end? }` — a meeting of the directory (`GET /api/v1/meetings/{id}`): it gets the new dates, and the running round ' +
      'it serves (a meeting serves at most one) moves its deadlines and reminders with it.',
    data: { oneOf: [jsonSchema(roundMeetingRescheduledDataSchema), jsonSchema(directoryMeetingRescheduledDataSchema)] },
  },
  'consultation.result': {
    description:
      "A body's result on a stage: recorded as the stage's decision, as `POST /api/v1/rounds/{id}/stages/{stageKey}/decision` takes it " +
      '(outcome, resolution text, votes, next meeting for `postponed`).',
    data: jsonSchema(consultationResultDataSchema),
  },
};

const ATTRIBUTES = {
  specversion: { type: 'string', enum: ['1.0'] },
  id: { type: 'string', minLength: 1, maxLength: 255, description: 'unique per source; a repeated event (same source and id) is applied once' },
  source: { type: 'string', format: 'uri-reference', example: 'https://ris.example.org/sessionnet' },
  time: { type: 'string', format: 'date-time', description: 'RFC 3339' },
  datacontenttype: { type: 'string', enum: ['application/json'], description: 'JSON only; may be left out' },
  subject: { type: 'string' },
  dataschema: { type: 'string', format: 'uri' },
};

function structured(type: InboundEventType): Record<string, unknown> {
  const { description, data } = INBOUND_EVENT_DOCS[type];
  return {
    type: 'object',
    title: type,
    description,
    required: ['specversion', 'id', 'source', 'type', 'data'],
    properties: { ...ATTRIBUTES, type: { type: 'string', enum: [type] }, data },
    additionalProperties: { description: 'extension attributes: names of 1–20 lower-case letters and digits', oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
  };
}

/**
 * The request body of `POST /api/v1/events` in both CloudEvents modes, which decorators cannot
 * express: the whole event as `application/cloudevents+json`, or only its data as `application/json`
 * with the attributes in `ce-*` headers.
 */
export function documentInboundEvents(document: OpenAPIObject): OpenAPIObject {
  const operation = document.paths[INBOUND_EVENTS_PATH]?.post;
  if (!operation) return document;
  const types = Object.keys(INBOUND_EVENT_DOCS) as InboundEventType[];
  operation.requestBody = {
    required: true,
    description:
      `Structured mode: the event as \`${CLOUD_EVENTS_MEDIA_TYPE}\`. Binary mode: the data as \`application/json\` and the attributes in ` +
      '`ce-specversion`, `ce-id`, `ce-source`, `ce-type` (and `ce-time`, `ce-subject`) headers, percent-encoded where not printable ASCII.',
    content: {
      [CLOUD_EVENTS_MEDIA_TYPE]: {
        schema: { oneOf: types.map(structured), discriminator: { propertyName: 'type' } },
        examples: {
          'consultation.result': {
            value: {
              specversion: '1.0',
              id: 'sitzung-4711-top-3',
              source: 'https://ris.example.org/sessionnet',
              type: 'consultation.result',
              time: '2030-04-09T18:12:00+02:00',
              datacontenttype: 'application/json',
              data: { roundId: '0f5d8c7e-3a8b-4c5e-9f1a-2b3c4d5e6f70', stageKey: 'fachausschuss', outcome: 'approved', votes: { yes: 11, no: 2, abstain: 1 } },
            },
          },
          'meeting.rescheduled': {
            value: {
              specversion: '1.0',
              id: 'sitzung-4711-verlegt-1',
              source: 'https://ris.example.org/sessionnet',
              type: 'meeting.rescheduled',
              data: { meetingId: '5b0c3f38-1d1e-4b8a-9b57-2f9e3f1f8c11', start: '2030-04-16T17:00:00+02:00' },
            },
          },
        },
      },
      'application/json': { schema: { oneOf: types.map((type) => ({ title: type, ...INBOUND_EVENT_DOCS[type].data })) } },
    },
  };
  return document;
}
