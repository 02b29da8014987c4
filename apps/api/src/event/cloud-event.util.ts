import { ProblemException, text } from '../problem-details/problem.exception.js';

export const CLOUD_EVENTS_MEDIA_TYPE = 'application/cloudevents+json';

/** How the event came: one JSON document (structured mode), or attributes in `ce-*` headers and the data as the body (binary mode). */
export type CloudEventMode = 'structured' | 'binary';

export interface ReceivedCloudEvent {
  mode: CloudEventMode;
  /** Context attributes and `data`, not yet validated. */
  event: Record<string, unknown>;
}

/** `application/json`, or any `…+json` type, is JSON data. */
export function isJsonMediaType(mediaType: string): boolean {
  return mediaType === 'application/json' || /^[a-z0-9!#$&^_.-]+\/[a-z0-9!#$&^_.-]+\+json$/.test(mediaType);
}

export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Reads a CloudEvent from an HTTP request as the CloudEvents HTTP protocol binding 1.0 defines it.
 * Only JSON data is accepted (the supported event types carry JSON objects).
 */
export function readCloudEvent(headers: Record<string, string | string[] | undefined>, body: unknown): ReceivedCloudEvent {
  const mediaType = mediaTypeOf(typeof headers['content-type'] === 'string' ? headers['content-type'] : undefined);
  if (mediaType === CLOUD_EVENTS_MEDIA_TYPE) {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw invalid('(body)', 'Ein CloudEvent im strukturierten Modus ist ein JSON-Objekt.', 'A structured-mode CloudEvent is a JSON object.');
    }
    if ('data_base64' in body) throw jsonDataOnly();
    const event = body as Record<string, unknown>;
    if (typeof event.datacontenttype === 'string' && !isJsonMediaType(mediaTypeOf(event.datacontenttype))) throw jsonDataOnly();
    return { mode: 'structured', event };
  }
  const attributes = Object.keys(headers).filter((name) => name.startsWith('ce-'));
  if (attributes.length === 0) {
    throw invalid(
      '(body)',
      `Kein CloudEvent: bitte als ${CLOUD_EVENTS_MEDIA_TYPE} senden (strukturierter Modus) oder die Attribute als ce-*-Header (binärer Modus).`,
      `Not a CloudEvent: send it as ${CLOUD_EVENTS_MEDIA_TYPE} (structured mode), or its attributes as ce-* headers (binary mode).`,
    );
  }
  if (!isJsonMediaType(mediaType) || Buffer.isBuffer(body)) throw jsonDataOnly();
  const event: Record<string, unknown> = { datacontenttype: mediaType };
  for (const header of attributes) {
    const value = headers[header];
    const name = header.slice(3);
    if (typeof value !== 'string') throw invalid(header, 'Der Header darf nur einmal vorkommen.', 'The header must be given once.');
    try {
      // Header values are percent-encoded where they are not printable ASCII.
      event[name] = decodeURIComponent(value);
    } catch {
      throw invalid(header, 'Ungültige Prozent-Kodierung.', 'Invalid percent-encoding.');
    }
  }
  event.data = body;
  return { mode: 'binary', event };
}

/** Where an attribute of the event came from, for error messages: the header in binary mode. */
export function attributeField(mode: CloudEventMode, attribute: string): string {
  return mode === 'binary' && attribute !== 'data' && !attribute.startsWith('data.') ? `ce-${attribute}` : attribute;
}

function invalid(field: string, de: string, en: string): ProblemException {
  const message = text(de, en);
  return new ProblemException('validation-failed', message, (locale) => [{ field, message: message(locale) }]);
}

function jsonDataOnly(): ProblemException {
  return new ProblemException(
    'unsupported-media-type',
    text(
      'Ereignisdaten werden nur als JSON angenommen (datacontenttype application/json).',
      'Event data is accepted as JSON only (datacontenttype application/json).',
    ),
  );
}
