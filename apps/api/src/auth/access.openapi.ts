import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';
import { PROBLEM_RESPONSE } from '../problem-details/problem-response.js';
import { ACCESS_POLICY } from './access-policy.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/**
 * Describes who may call each operation, from the access table itself: the security schemes,
 * `x-ratsweg-access` with the audiences, and the 401/403 (and 429 on rate-limited routes)
 * Problem Details a caller can get.
 */
export function documentAccess(document: OpenAPIObject, rateLimited: readonly string[]): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation: OperationObject | undefined = item[method];
      if (!operation) continue;
      const key = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
      const rule = ACCESS_POLICY[key] ?? [];
      (operation as OperationObject & { 'x-ratsweg-access': readonly string[] })['x-ratsweg-access'] = rule;
      const who = rule.includes('public') ? 'everyone, without an account' : rule.join(', ');
      operation.description = [operation.description, `Access: ${who}.`].filter(Boolean).join('\n\n');
      if (rule.includes('public')) {
        operation.security = [];
      } else {
        operation.security = [{ bearer: [] }, { cookie: [] }];
        operation.responses['401'] ??= { ...PROBLEM_RESPONSE, description: 'not signed in, or the credentials are invalid or expired (`unauthorized`)' };
        operation.responses['403'] ??= { ...PROBLEM_RESPONSE, description: 'the role does not allow this (`forbidden`), or a second factor must be set up first (`mfa-enrollment-required`)' };
      }
      if (rateLimited.includes(key)) {
        operation.responses['429'] ??= { ...PROBLEM_RESPONSE, description: 'too many requests from this address (`rate-limited`), with Retry-After' };
      }
    }
  }
  return document;
}
