import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Paths that belong to the API and never get the web application's index.html. */
export const API_PATH_PREFIXES = ['/api', '/oparl', '/health', '/metrics'] as const;

/** apps/web/dist, seen from apps/api/dist/web/web-app.js. */
const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** Hashed file names never change content: browsers may keep them for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export function isApiPath(path: string): boolean {
  return API_PATH_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`));
}

/**
 * Serves the built web application (apps/web/dist) at `/`: its files as they are, and
 * index.html for every other GET path the client-side router knows — never for API paths,
 * which keep their Problem Details 404. These are plain Fastify routes, outside Nest: no access
 * rule applies (everything here is public by nature) and they are not in the OpenAPI document.
 * Without a build the API starts all the same and says so.
 */
export async function serveWebApp(app: NestFastifyApplication, logger: Logger, directory: string | undefined): Promise<boolean> {
  const root = resolve(directory ?? DEFAULT_WEB_DIST);
  if (!existsSync(resolve(root, 'index.html'))) {
    logger.warn(`No web application at ${root} (build it with \`npx nx run web:build\`); the API runs without it`);
    return false;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // One route per built file, found at start; unknown paths fall through to the routes below.
    wildcard: false,
    index: false,
    serveDotFiles: false,
    dotfiles: 'deny',
    cacheControl: false,
    setHeaders: (reply: FastifyReply, path: string) => {
      void reply.header('cache-control', /[\\/]assets[\\/]/.test(path) ? IMMUTABLE : 'no-cache');
    },
  });
  const fastify = app.getHttpAdapter().getInstance();
  const index = (request: FastifyRequest, reply: FastifyReply): FastifyReply | Promise<FastifyReply> => {
    const path = request.url.split('?')[0] ?? '/';
    // API paths, and paths of files that do not exist (an old asset), get the API's 404.
    if (isApiPath(path) || /\.[a-z0-9]+$/i.test(path)) return reply.callNotFound() as unknown as FastifyReply;
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').sendFile('index.html');
  };
  fastify.get('/', index);
  fastify.get('/*', index);
  logger.log(`Serving the web application from ${root}`);
  return true;
}
