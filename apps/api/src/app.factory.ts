import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { parse as parseYaml } from 'yaml';
import { AppModule } from './app.module.js';
import { FILE_MEDIA_TYPES, FILE_SIZE_LIMIT_BYTES } from './file/stage-file.controller.js';
import { ProblemException, text } from './problem-details/problem.exception.js';
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
  // JSON (and YAML for templates) only: any other body is refused with 415 instead of reaching a route as a string.
  fastify.removeContentTypeParser(['text/plain']);
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
  // Stage files arrive as raw bodies of their own media type (only the upload route accepts them).
  fastify.addContentTypeParser([...FILE_MEDIA_TYPES], { parseAs: 'buffer', bodyLimit: FILE_SIZE_LIMIT_BYTES }, (_request, body, done) => done(null, body));
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
