# syntax=docker/dockerfile:1
# The Ratsweg API (NestJS on Fastify), with the built web application it serves at `/`.
# Build from the repository root:  docker build -f infra/docker/api.Dockerfile -t ratsweg-api .
# Migrations (one-shot, before a new version starts):  docker run --rm -e DATABASE_URL=… ratsweg-api node infra/docker/migrate.mjs

ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=true
COPY package.json package-lock.json nx.json tsconfig.base.json ./
COPY libs ./libs
COPY workflows ./workflows
COPY apps ./apps
RUN npm ci --no-audit --no-fund \
 && npx nx run-many -t build --projects=api,web

# Production dependencies only; the workspace packages are linked to the built libs below.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=build /src/libs /app/libs
COPY --from=build /src/workflows/package.json /app/workflows/package.json
COPY --from=build /src/apps/api/package.json /app/apps/api/package.json
COPY --from=build /src/apps/worker/package.json /app/apps/worker/package.json
COPY --from=build /src/apps/web/package.json /app/apps/web/package.json
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force \
 && find libs -mindepth 2 -maxdepth 2 ! -name dist ! -name package.json -exec rm -rf {} +

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 WEB_DIST_DIR=/app/apps/web/dist
WORKDIR /app
COPY --from=deps --chown=root:root /app /app
COPY --from=build --chown=root:root /src/workflows/dist /app/workflows/dist
COPY --from=build --chown=root:root /src/apps/api/dist /app/apps/api/dist
COPY --from=build --chown=root:root /src/apps/web/dist /app/apps/web/dist
COPY --chown=root:root infra/docker/migrate.mjs infra/docker/healthcheck.mjs /app/infra/docker/
# The image's files belong to root; the process runs as the unprivileged `node` user (uid 1000).
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "infra/docker/healthcheck.mjs", "http://127.0.0.1:3000/health/live"]
STOPSIGNAL SIGTERM
CMD ["node", "--enable-source-maps", "apps/api/dist/main.js"]
