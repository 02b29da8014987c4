import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { localeFrom, type Locale } from '../i18n/locale.util.js';
import { PROBLEM_CATALOG, problemCodeForStatus, type ProblemCode } from './problem-catalog.js';
import { isDatabaseUnavailable } from './database-unavailable.util.js';
import { localize, ProblemException, type InvalidField } from './problem.exception.js';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: InvalidField[];
}

/** The one place where errors become HTTP answers: RFC 9457 Problem Details, never a stack trace. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const locale = localeFrom(request.headers['accept-language']);
    const problem = toProblem(exception, locale, this.logger);
    sendProblem(reply, request, problem.document, locale, problem.headers);
  }
}

export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  document: ProblemDocument,
  locale: Locale,
  headers: Record<string, string> = {},
): void {
  void reply
    .status(document.status)
    .headers({ ...headers, 'content-language': locale, 'cache-control': 'no-store' })
    .type('application/problem+json; charset=utf-8')
    .send(JSON.stringify({ ...document, instance: request.url.split('?')[0] }));
}

export function toProblem(
  exception: unknown,
  locale: Locale,
  logger: Logger,
): { document: ProblemDocument; headers?: Record<string, string> } {
  if (exception instanceof ProblemException) {
    const detail = exception.detail === undefined ? undefined : localize(exception.detail, locale);
    const errors = exception.errors === undefined ? undefined : localize(exception.errors, locale);
    return {
      document: build(exception.code, locale, detail, errors),
      ...(exception.headers ? { headers: exception.headers } : {}),
    };
  }
  // Nest wraps errors that Fastify raises before a route runs (bad JSON, wrong media type,
  // body too large) in an HttpException; the original names what went wrong.
  const fastifyCode = fastifyErrorCode(exception instanceof HttpException ? exception.cause : exception);
  if (fastifyCode === 'FST_ERR_CTP_INVALID_JSON_BODY' || fastifyCode === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return { document: build('malformed-body', locale) };
  }
  if (exception instanceof HttpException) {
    return { document: build(problemCodeForStatus(exception.getStatus()), locale) };
  }
  const fastifyStatus = fastifyCode ? (exception as { statusCode?: unknown }).statusCode : undefined;
  if (typeof fastifyStatus === 'number' && fastifyStatus < 500) {
    return { document: build(problemCodeForStatus(fastifyStatus), locale) };
  }
  if (isDatabaseUnavailable(exception)) {
    // PostgreSQL restarting or unreachable: nothing was changed, the client may retry.
    logger.warn(`database unavailable: ${exception instanceof Error ? exception.message : String(exception)}`);
    const detail = locale === 'de' ? 'Die Datenbank ist gerade nicht erreichbar. Bitte später erneut versuchen.' : 'The database cannot be reached right now. Please try again later.';
    return { document: build('service-unavailable', locale, detail), headers: { 'retry-after': '5' } };
  }
  logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  return { document: build('internal-error', locale) };
}

function build(code: ProblemCode, locale: Locale, detail?: string, errors?: InvalidField[]): ProblemDocument {
  const kind = PROBLEM_CATALOG[code];
  return {
    type: `/problems/${code}`,
    title: kind.title[locale],
    status: kind.status,
    ...(detail ? { detail } : {}),
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

function fastifyErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code } = error as { code?: unknown };
  return typeof code === 'string' && code.startsWith('FST_') ? code : undefined;
}
