# syntax=docker/dockerfile:1
# The Ratsweg worker: Temporal worker (round workflows and activities) and notification dispatcher,
# with the workflow code bundled once at build time (WORKFLOW_BUNDLE_PATH).
# Build from the repository root:  docker build -f infra/docker/worker.Dockerfile -t ratsweg-worker .

ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=true
COPY package.json package-lock.json nx.json tsconfig.base.json ./
COPY libs ./libs
COPY workflows ./workflows
COPY apps ./apps
COPY infra/docker/bundle-workflows.mjs ./infra/docker/
RUN npm ci --no-audit --no-fund \
 && npx nx run-many -t build --projects=worker \
 && node infra/docker/bundle-workflows.mjs /src/workflow-bundle.js

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
ENV NODE_ENV=production \
    WORKER_HTTP_HOST=0.0.0.0 \
    WORKER_HTTP_PORT=3001 \
    WORKFLOW_BUNDLE_PATH=/app/workflow-bundle.js
WORKDIR /app
COPY --from=deps --chown=root:root /app /app
COPY --from=build --chown=root:root /src/workflows/dist /app/workflows/dist
COPY --from=build --chown=root:root /src/apps/worker/dist /app/apps/worker/dist
COPY --from=build --chown=root:root /src/workflow-bundle.js /app/workflow-bundle.js
COPY --chown=root:root infra/docker/healthcheck.mjs /app/infra/docker/
USER 1000:1000
# Health, readiness and Prometheus metrics (the Temporal SDK's included); not for the public.
EXPOSE 3001
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "infra/docker/healthcheck.mjs", "http://127.0.0.1:3001/health/live"]
# SIGTERM drains: polling stops, in-flight tasks and mails finish; give it the grace period it needs.
STOPSIGNAL SIGTERM
CMD ["node", "--enable-source-maps", "apps/worker/dist/main.js"]
