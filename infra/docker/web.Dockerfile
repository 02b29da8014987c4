# syntax=docker/dockerfile:1
# The Ratsweg web application: its static build served by unprivileged nginx, which forwards the
# API's public paths (/api/, /oparl/) to the API service named by API_UPSTREAM (host:port).
# Build from the repository root:  docker build -f infra/docker/web.Dockerfile -t ratsweg-web .

ARG NODE_IMAGE=node:20.20.2-bookworm-slim
ARG NGINX_IMAGE=nginxinc/nginx-unprivileged:1.28.0-alpine

FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=true
COPY package.json package-lock.json nx.json tsconfig.base.json ./
COPY libs ./libs
COPY workflows ./workflows
COPY apps ./apps
RUN npm ci --no-audit --no-fund \
 && npx nx run-many -t build --projects=web

FROM ${NGINX_IMAGE} AS runtime
# The image's entrypoint renders /etc/nginx/templates/*.template with these variables at start.
ENV API_UPSTREAM=api:3000 NGINX_ENVSUBST_FILTER=^API_UPSTREAM$
COPY --chown=root:root infra/docker/nginx/default.conf.template /etc/nginx/templates/default.conf.template
COPY --from=build --chown=root:root /src/apps/web/dist /usr/share/nginx/html
# nginx-unprivileged runs as uid 101 and listens on 8080.
USER 101
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]
