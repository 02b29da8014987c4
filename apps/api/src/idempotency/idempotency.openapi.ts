import type { OpenAPIObject, ParameterObject, ResponseObject } from '@nestjs/swagger';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';

const KEY_PARAMETER: ParameterObject = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes the request safe to repeat: the first request with a key does the work and its answer (status, headers such as Location, body) ' +
    'is kept for 24 hours; the same request with the same key gets that answer again, with `Idempotency-Replayed: true`, and changes nothing. ' +
    'Keys belong to the caller. The same key with another request: 422 `idempotency-key-reused`; while the first still runs: ' +
    '409 `idempotency-key-in-progress` with Retry-After. A request that fails leaves the key free for a retry. Use a new random key (a UUID) per operation.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$' },
  example: '5f0c8a4e-2d5b-4a36-9a8e-7f1b2c3d4e5f',
};

const REPLAYED_HEADER = {
  description: '`true` when this is the stored answer to an earlier request with the same Idempotency-Key',
  schema: { type: 'string', enum: ['true'] },
};

const IDEMPOTENCY_PROBLEMS: Record<string, string> = {
  '400': 'a malformed Idempotency-Key (`idempotency-key-invalid`)',
  '409': 'the first request with this Idempotency-Key is still running (`idempotency-key-in-progress`, with Retry-After)',
  '422': 'this Idempotency-Key was used for another request (`idempotency-key-reused`)',
};

/**
 * Describes the `Idempotency-Key` header on every POST operation of the document (the interceptor
 * honours it on every POST route, so a new route is described without doing anything).
 */
export function documentIdempotencyKey(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    const operation = item.post;
    if (!operation) continue;
    const parameters = (operation.parameters ?? []).filter((parameter) => !('name' in parameter && parameter.name.toLowerCase() === 'idempotency-key'));
    operation.parameters = [...parameters, KEY_PARAMETER];
    for (const [status, response] of Object.entries(operation.responses)) {
      if (!/^2\d\d$/.test(status) || !response || '$ref' in response) continue;
      response.headers = { ...response.headers, 'Idempotency-Replayed': REPLAYED_HEADER };
    }
    for (const [status, what] of Object.entries(IDEMPOTENCY_PROBLEMS)) {
      const existing = operation.responses[status] as ResponseObject | undefined;
      operation.responses[status] = existing
        ? { ...existing, description: `${existing.description}; also: ${what}` }
        : { ...PROBLEM_RESPONSE, description: `${PROBLEM_RESPONSE.description}: ${what}` };
    }
  }
  return document;
}
