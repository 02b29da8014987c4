import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import { NestFactory } from '@nestjs/core';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { parse as parseYaml } from 'yaml';
import { AppModule } from './app.module.js';
import { FILE_MEDIA_TYPES, FILE_SIZE_LIMIT_BYTES } from './file/stage-file.controller.js';
import { ProblemException, text } from './problem-details/problem.exception.js';
import { localeFrom } from './i18n/locale.util.js';
import { MetricsService } from './metrics/metrics.service.js';
import { ProblemDetailsFilter, sendProblem, toProblem } from './problem-details/problem-details.filter.js';
import { documentIdempotencyKey } from './idempotency/idempotency.openapi.js';
import { documentAccess } from './auth/access.openapi.js';
import { CLOUD_EVENTS_MEDIA_TYPE } from './event/cloud-event.util.js';
import { documentInboundEvents } from './event/inbound-event.openapi.js';
import { serveWebApp } from './web/web-app.js';
import { securityHeaders } from './http/security-headers.util.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;

const logger = new Logger('Http');

/** Builds the HTTP application; `main.ts` and the tests both start it from here. */
export async function createApiApp(): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, trustProxy: false });
  // Fastify's own JSON parser only: no URL-encoded forms (a JSON API has no use for them, and forms can be posted across sites).
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, { bufferLogs: false, bodyParser: false });
  app.useGlobalFilters(new ProblemDetailsFilter());
  const config = app.get<RatswegConfig>(RATSWEG_CONFIG);
  await harden(app, config);
  countRequests(app);
  await serveWebApp(app, new Logger('Web'), config.WEB_DIST_DIR);
  const fastify = app.getHttpAdapter().getInstance();
  // JSON (and YAML for templates) only: any other body is refused with 415 instead of reaching a route as a string.
  fastify.removeContentTypeParser(['text/plain']);
  // JSON must be valid UTF-8: Fastify's parser would silently turn broken bytes into U+FFFD.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let decoded: string;
    try {
      decoded = utf8.decode(body as Buffer);
    } catch {
      done(new ProblemException('malformed-body', text('Der Anfragetext ist kein gültiges UTF-8.', 'The request body is not valid UTF-8.')), undefined);
      return;
    }
    void parseJson(request, decoded, done);
  });
  fastify.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml'], { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseYaml(body as string, { maxAliasCount: 50 }));
    } catch {
      done(new ProblemException('malformed-body', text('Der Anfragetext ist kein gültiges YAML.', 'The request body is not valid YAML.')), undefined);
    }
  });
  // Errors raised by Fastify itself (malformed JSON, wrong media type) become Problem Details too.
  fastify.setErrorHandler((error, request, reply) => {
    const locale = localeFrom(request.headers['accept-language']);
    const problem = toProblem(error, locale, logger);
    sendProblem(reply, request, problem.document, locale, problem.headers);
  });
  // Structured-mode CloudEvents (POST /api/v1/events) are JSON under a media type of their own.
  fastify.addContentTypeParser(CLOUD_EVENTS_MEDIA_TYPE, { parseAs: 'string' }, fastify.getDefaultJsonParser('error', 'error'));
  // Stage files arrive as raw bodies of their own media type (only the upload route accepts them).
  fastify.addContentTypeParser([...FILE_MEDIA_TYPES], { parseAs: 'buffer', bodyLimit: FILE_SIZE_LIMIT_BYTES }, (_request, body, done) => done(null, body));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Ratsweg API')
      .setDescription('Participation rounds and council decisions, carried by durable workflows.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'a session token from POST /api/v1/auth/login, or an API key' })
      .addCookieAuth('ratsweg_session')
      .build(),
  );
  documentInboundEvents(document);
  documentAccess(document, Object.keys(RATE_LIMITED_ROUTES));
  // Last: every POST operation, including those added above, takes an Idempotency-Key.
  documentIdempotencyKey(document);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return app;
}

/** Every answer is counted and timed by method, route pattern (never the raw URL) and status class. */
function countRequests(app: NestFastifyApplication): void {
  const metrics = app.get(MetricsService);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', async (request, reply) => {
      metrics.observeRequest(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
    });
}

/** Routes limited per client address and minute, and the setting that sizes each limit. */
export const RATE_LIMITED_ROUTES: Record<string, (config: RatswegConfig) => number> = {
  'POST /api/v1/auth/login': (config) => config.RATE_LIMIT_LOGIN_PER_MINUTE,
  // each start of an OpenID Connect sign-in stores a row until its callback
  'GET /api/v1/auth/oidc/login': (config) => config.RATE_LIMIT_LOGIN_PER_MINUTE,
  'GET /api/v1/auth/oidc/callback': (config) => config.RATE_LIMIT_LOGIN_PER_MINUTE,
  'POST /api/v1/rounds/:id/comments': (config) => config.RATE_LIMIT_COMMENTS_PER_MINUTE,
};

function routeKey(request: { method: string; routeOptions: { url?: string } }): string {
  return `${request.method} ${request.routeOptions.url ?? ''}`;
}

/** Cookies, security headers, rate limits, CORS (off unless configured) and no caching of API answers. */
async function harden(app: NestFastifyApplication, config: RatswegConfig): Promise<void> {
  await app.register(fastifyCookie);
  const headers = securityHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Swagger UI sets inline styles.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  // On every answer, errors and 404s included; a route may still set its own (the printable audit protocol sets its CSP).
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (_request, reply, done) => {
      void reply.headers(headers);
      done();
    });
  await app.register(fastifyRateLimit, {
    global: true,
    allowList: (request) => !(routeKey(request) in RATE_LIMITED_ROUTES),
    max: (request) => RATE_LIMITED_ROUTES[routeKey(request)]?.(config) ?? Number.MAX_SAFE_INTEGER,
    timeWindow: 60_000,
    keyGenerator: (request) => `${routeKey(request)}|${request.ip}`,
    errorResponseBuilder: (_request, context) =>
      new ProblemException(
        'rate-limited',
        text(`Bitte in ${Math.ceil(context.ttl / 1000)} Sekunden erneut versuchen.`, `Please try again in ${Math.ceil(context.ttl / 1000)} seconds.`),
        undefined,
        { 'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))) },
      ),
  });
  const origins = (config.CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  if (origins.length > 0) app.enableCors({ origin: origins, credentials: true, maxAge: 600 });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (request, reply, payload) => {
      // Answers may carry personal data: no shared or browser cache keeps them unless a route says otherwise.
      if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
      if (request.headers.authorization || request.headers.cookie) {
        // Added to what is there (CORS varies by Origin), never in its place.
        const present = String(reply.getHeader('vary') ?? '')
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean);
        const missing = ['Authorization', 'Cookie'].filter((name) => !present.some((other) => other.toLowerCase() === name.toLowerCase()));
        void reply.header('vary', [...present, ...missing].join(', '));
      }
      return payload;
    });
}
