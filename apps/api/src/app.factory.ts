import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { localeFrom } from './i18n/locale.util.js';
import { ProblemDetailsFilter, sendProblem, toProblem } from './problem-details/problem-details.filter.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;

const logger = new Logger('Http');

/** Builds the HTTP application; `main.ts` and the tests both start it from here. */
export async function createApiApp(): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, trustProxy: false });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, { bufferLogs: false });
  app.useGlobalFilters(new ProblemDetailsFilter());
  const fastify = app.getHttpAdapter().getInstance();
  // JSON only: any other body is refused with 415 instead of reaching a route as a string.
  fastify.removeContentTypeParser(['text/plain']);
  // Errors raised by Fastify itself (malformed JSON, wrong media type) become Problem Details too.
  fastify.setErrorHandler((error, request, reply) => {
    const locale = localeFrom(request.headers['accept-language']);
    const problem = toProblem(error, locale, logger);
    sendProblem(reply, request, problem.document, locale, problem.headers);
  });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Ratsweg API')
      .setDescription('Participation rounds and council decisions, carried by durable workflows.')
      .setVersion('1')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return app;
}
