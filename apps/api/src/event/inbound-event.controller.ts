import { applyDecorators, Body, Controller, Headers, Inject, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { INBOUND_EVENT_TYPES } from '@ratsweg/contracts';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';
import { CLOUD_EVENTS_MEDIA_TYPE } from './cloud-event.util.js';
import { INBOUND_EVENT_DOCS } from './inbound-event.openapi.js';
import { InboundEventService, type InboundEventResponse } from './inbound-event.service.js';

const ANSWER_SCHEMA = {
  type: 'object',
  required: ['id', 'source', 'type', 'status', 'rounds', 'receivedAt'],
  properties: {
    id: { type: 'string' },
    source: { type: 'string' },
    type: { type: 'string', enum: [...INBOUND_EVENT_TYPES] },
    status: { type: 'string', enum: ['applied', 'duplicate'] },
    rounds: { type: 'array', items: { type: 'string', format: 'uuid' }, description: 'the rounds the event was routed to' },
    receivedAt: { type: 'string', format: 'date-time', description: 'when the event was first received' },
  },
};

const CE_HEADERS: [string, string][] = [
  ['ce-specversion', 'binary mode: `1.0`'],
  ['ce-id', 'binary mode: the event id, unique per source'],
  ['ce-source', 'binary mode: the sender, a URI-reference'],
  ['ce-type', `binary mode: ${INBOUND_EVENT_TYPES.join(' or ')}`],
  ['ce-time', 'binary mode, optional: RFC 3339'],
];
const ApiCloudEventHeaders = applyDecorators(...CE_HEADERS.map(([name, description]) => ApiHeader({ name, description, required: false })));

@ApiTags('events')
@ApiBearerAuth()
@Controller('api/v1/events')
export class InboundEventController {
  constructor(@Inject(InboundEventService) private readonly events: InboundEventService) {}

  @Post()
  @ApiOperation({
    summary: 'Receive a CloudEvent 1.0 from an integration (API key with scope `events`)',
    description:
      'Structured (`application/cloudevents+json`) or binary mode (`ce-*` headers, `application/json` data). Supported types:\n\n' +
      INBOUND_EVENT_TYPES.map((type) => `- \`${type}\`: ${INBOUND_EVENT_DOCS[type].description}`).join('\n') +
      '\n\nThe rounds record the change with the API key (`api-key:<id>`) as actor. An event is applied once per `source` and `id`: ' +
      'delivered again, it is answered 200 `duplicate` and changes nothing. An event the rounds refuse (e.g. the stage is not open) ' +
      'is answered with their problem and may be delivered again later.',
  })
  @ApiConsumes(CLOUD_EVENTS_MEDIA_TYPE, 'application/json')
  @ApiCloudEventHeaders
  @ApiResponse({ status: 202, description: 'Applied: `{ id, source, type, status: "applied", rounds, receivedAt }`', schema: ANSWER_SCHEMA })
  @ApiResponse({ status: 200, description: 'Applied before: `status: "duplicate"`, nothing changed', schema: ANSWER_SCHEMA })
  @ApiResponse({ status: 400, ...PROBLEM_RESPONSE, description: 'Not a valid CloudEvent, or invalid data (the field names the attribute or `data.*`)' })
  @ApiResponse({ status: 401, ...PROBLEM_RESPONSE })
  @ApiResponse({ status: 403, ...PROBLEM_RESPONSE, description: 'Not an API key with scope `events`' })
  @ApiResponse({ status: 404, ...PROBLEM_RESPONSE, description: 'No such round, stage or meeting' })
  @ApiResponse({ status: 409, ...PROBLEM_RESPONSE, description: 'The round refused it (stage not open, round ended), or the event is being processed' })
  @ApiResponse({ status: 415, ...PROBLEM_RESPONSE, description: 'Data other than JSON' })
  @ApiResponse({ status: 422, ...PROBLEM_RESPONSE, description: 'Unknown `type` (`event-type-unsupported`), or another event under the same source and id' })
  @ApiResponse({ status: 503, ...PROBLEM_RESPONSE })
  async receive(
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<InboundEventResponse> {
    const event = this.events.parse(headers, body);
    const answer = await this.events.receive(event, principal.actor);
    void reply.status(answer.status === 'applied' ? 202 : 200);
    return answer;
  }
}
