import { Inject, Injectable } from '@nestjs/common';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import {
  cloudEventSchema,
  consultationResultDataSchema,
  INBOUND_EVENT_TYPES,
  meetingRescheduledDataSchemaFor,
  type CloudEvent,
  type ConsultationResultData,
  type DirectoryMeetingRescheduledData,
  type InboundEventType,
  type RoundMeetingRescheduledData,
} from '@ratsweg/contracts';
import { InboundEventRepository, type InboundEventResult, type InboundEventRow } from '@ratsweg/persistence';
import type { z } from 'zod';
import { DirectoryService } from '../directory/directory.service.js';
import { canonicalJson, sha256 } from '../idempotency/idempotency.util.js';
import { ProblemException, localize, text } from '../problem-details/problem.exception.js';
import { RoundService } from '../round/round.service.js';
import { describeIssues, findControlCharacter } from '../validation/zod-body.pipe.js';
import { attributeField, readCloudEvent, type CloudEventMode } from './cloud-event.util.js';

/** A delivery still `processing` after this long is taken to have crashed; a repeated delivery applies it again. */
const LEASE_SECONDS = 300;

/** A validated event and what it asks for. */
export type InboundEvent = { envelope: CloudEvent; time: Date | null } & (
  | { type: 'consultation.result'; data: ConsultationResultData }
  | { type: 'meeting.rescheduled'; data: RoundMeetingRescheduledData | DirectoryMeetingRescheduledData }
);

export interface InboundEventResponse {
  id: string;
  source: string;
  type: string;
  /** `applied` the first time; `duplicate` when this event (same source and id) was applied before. */
  status: 'applied' | 'duplicate';
  /** The rounds the event was routed to. */
  rounds: string[];
  /** When the event was first received. */
  receivedAt: string;
}

/**
 * Events from integrations (a council information system): a meeting moved, a committee recorded
 * its result. They are routed to the same round commands the HTTP API offers, with the API key as
 * actor, and applied once per source and id however often they are delivered.
 */
@Injectable()
export class InboundEventService {
  constructor(
    @Inject(RATSWEG_CONFIG) private readonly config: RatswegConfig,
    @Inject(InboundEventRepository) private readonly events: InboundEventRepository,
    @Inject(RoundService) private readonly rounds: RoundService,
    @Inject(DirectoryService) private readonly directory: DirectoryService,
  ) {}

  private get tenant(): string {
    return this.config.RATSWEG_TENANT;
  }

  /** Reads and validates an event; a refusal here stores and changes nothing. */
  parse(headers: Record<string, string | string[] | undefined>, body: unknown): InboundEvent {
    const { mode, event } = readCloudEvent(headers, body);
    const control = findControlCharacter(event);
    if (control !== undefined) {
      const message = text('Steuerzeichen (z. B. NUL) sind nicht erlaubt.', 'Control characters (such as NUL) are not allowed.');
      throw new ProblemException('validation-failed', message, (locale) => [{ field: attributeField(mode, control || '(body)'), message: message(locale) }]);
    }
    const envelope = validate(cloudEventSchema, event, mode, '', text('Der Umschlag des CloudEvents ist ungültig.', 'The CloudEvent envelope is invalid.'));
    if (!(INBOUND_EVENT_TYPES as readonly string[]).includes(envelope.type)) {
      const supported = INBOUND_EVENT_TYPES.join(', ');
      const message = text(`Unbekannter Ereignistyp „${envelope.type}“; unterstützt: ${supported}.`, `Unknown event type "${envelope.type}"; supported: ${supported}.`);
      throw new ProblemException('event-type-unsupported', message, (locale) => [{ field: attributeField(mode, 'type'), message: message(locale) }]);
    }
    const type = envelope.type as InboundEventType;
    const time = envelope.time ? new Date(envelope.time) : null;
    const invalidData = text('Die Daten des Ereignisses sind ungültig.', 'The data of the event is invalid.');
    switch (type) {
      case 'consultation.result':
        return { envelope, time, type, data: validate(consultationResultDataSchema, envelope.data, mode, 'data', invalidData) };
      case 'meeting.rescheduled':
        return { envelope, time, type, data: validate(meetingRescheduledDataSchemaFor(envelope.data), envelope.data, mode, 'data', invalidData) };
    }
  }

  /** Applies the event once; a repeated delivery of an applied event answers `duplicate` and does nothing. */
  async receive(event: InboundEvent, actor: string): Promise<InboundEventResponse> {
    const { id, source } = event.envelope;
    const fingerprint = sha256(canonicalJson({ type: event.type, subject: event.envelope.subject ?? null, data: event.data }));
    const claim = await this.events.claim({ tenant: this.tenant, source, id, type: event.type, actor, fingerprint, time: event.time, leaseSeconds: LEASE_SECONDS });
    if (!claim.claimed) return this.duplicate(claim.existing, fingerprint);
    let result: InboundEventResult;
    try {
      result = await this.apply(event, actor, fingerprint);
    } catch (error) {
      if (error instanceof ProblemException && error.status < 500) {
        // Refused by the rounds (e.g. the stage is not open): recorded, and a later delivery is tried again.
        await this.events.markRejected(this.tenant, claim.claimId, { status: error.status, code: error.code, ...(error.detail ? { detail: localize(error.detail, 'en') } : {}) });
      } else {
        await this.events.release(this.tenant, claim.claimId);
      }
      throw error;
    }
    await this.events.markApplied(this.tenant, claim.claimId, result);
    return { id, source, type: event.type, status: 'applied', rounds: result.rounds, receivedAt: claim.receivedAt.toISOString() };
  }

  private async apply(event: InboundEvent, actor: string, fingerprint: string): Promise<InboundEventResult> {
    switch (event.type) {
      case 'consultation.result': {
        const { roundId, stageKey, ...decision } = event.data;
        // The update id makes Temporal record the decision once even if this event is applied again after a crash.
        await this.rounds.decide(roundId, stageKey, decision, actor, { updateId: `inbound-event-${sha256(`${this.tenant}\n${event.envelope.source}\n${event.envelope.id}\n${fingerprint}`)}` });
        return { rounds: [roundId] };
      }
      case 'meeting.rescheduled': {
        if ('meetingId' in event.data) return this.moveDirectoryMeeting(event.data, actor);
        const { roundId, meetingKey, start } = event.data;
        await this.rounds.rescheduleMeeting(roundId, meetingKey, { start }, actor);
        return { rounds: [roundId] };
      }
    }
  }

  /**
   * A meeting of the directory moved: it gets the new dates (in the directory's audit trail), and the
   * round it serves, if that round still runs, moves its deadlines and reminders with it. A meeting
   * serves at most one round (`meeting.round_id`).
   */
  private async moveDirectoryMeeting(data: DirectoryMeetingRescheduledData, actor: string): Promise<InboundEventResult> {
    const meeting = await this.directory.updateMeeting(data.meetingId, { start: data.start, ...(data.end !== undefined ? { end: data.end } : {}) }, actor);
    if (meeting.roundId === null) return { rounds: [] };
    const round = await this.rounds.get(meeting.roundId);
    return { rounds: round.status === 'running' ? [round.id] : [] };
  }

  private duplicate(existing: InboundEventRow, fingerprint: string): InboundEventResponse {
    if (existing.fingerprint !== fingerprint) {
      throw new ProblemException(
        'event-id-reused',
        text(
          `Unter Quelle und Id dieses Ereignisses kam bereits ein anderes (${existing.type}); jedes Ereignis braucht eine eigene Id.`,
          `Another event (${existing.type}) came with this source and id already; every event needs an id of its own.`,
        ),
      );
    }
    if (existing.status !== 'applied' || !existing.result) {
      throw new ProblemException(
        'event-in-progress',
        text('Dieses Ereignis wird gerade verarbeitet.', 'This event is being processed right now.'),
        undefined,
        { 'retry-after': '1' },
      );
    }
    return {
      id: existing.id,
      source: existing.source,
      type: existing.type,
      status: 'duplicate',
      rounds: existing.result.rounds,
      receivedAt: existing.receivedAt.toISOString(),
    };
  }
}

/** Parses with `schema`; the fields of a refusal are named as the sender wrote them (`ce-*` headers in binary mode, `data.*`). */
function validate<T extends z.ZodType>(schema: T, value: unknown, mode: CloudEventMode, prefix: string, detail: ReturnType<typeof text>): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ProblemException('validation-failed', detail, (locale) =>
    describeIssues(schema, value, locale, result.error.issues).map((issue) => {
      const path = issue.field === '(body)' ? '' : issue.field;
      const field = prefix ? (path ? `${prefix}.${path}` : prefix) : path || '(body)';
      return { field: attributeField(mode, field), message: issue.message };
    }),
  );
}
