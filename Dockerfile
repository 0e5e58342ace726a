# PromptRCA worker image: `docker build -t promptrca .`; every setting comes from the environment
# (see docs/CONFIGURATION.md). The default command is a worker; any other command works too,
# e.g. `docker run --rm promptrca queue status`, and `promptrca` is on PATH inside the container.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json

FROM node:24-bookworm-slim
ENV NODE_ENV=production
# Node 24 gives the young generation 64 MiB on its own; what 50 investigations in flight allocate
# then peaks the worker at about 290 MiB. 16 MiB semi-spaces keep it near 215 MiB at the same CPU
# per investigation (docs/BENCHMARKS.md, pipeline). A NODE_OPTIONS of your own replaces this one.
ENV NODE_OPTIONS=--max-semi-space-size=16
# /metrics and the probes bind loopback unless told otherwise; in a container, its own interfaces are the way in.
ENV PROMPTRCA_METRICS_HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Bundled scenarios, so that PROMPTRCA_AWS_REPLAY=examples/<name>.json runs offline demos.
COPY examples ./examples
# `promptrca` on PATH, as package.json's bin names it, so that operators run the runbook's commands in
# a running container: `kubectl exec deploy/promptrca-worker -- promptrca queue status`.
RUN chmod 755 dist/src/cli.js && ln -s /app/dist/src/cli.js /usr/local/bin/promptrca
USER node
ENTRYPOINT ["promptrca"]
CMD ["worker"]
