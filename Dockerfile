# KastleX gateway image. Build: docker build -t kastlex .   Run: docker run -p 8092:8092 -e KASTLEX_KAFKA_CLUSTER=kafka:9092 kastlex
# Configured by the same KASTLEX_* environment variables as `npm start` (see README).

# Build stage: full Debian image with the compilers node-gyp needs (librdkafka, the admin addon,
# uWebSockets.js), cargo, which fetches the uWebSockets sources (scripts/uws-source.mjs), and libzstd's
# headers, without which librdkafka is built without zstd.
FROM node:20-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends cargo libzstd-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json binding.gyp* ./
COPY native ./native
COPY scripts/uws-source.mjs ./scripts/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY workers ./workers
COPY test ./test
COPY bench ./bench
COPY scripts ./scripts
# Only what runs: the gateway's JavaScript, the addon, and the production packages without sources,
# tests and other platforms' binaries (about 25 MB instead of 660; test/integration/runtime-tree.test.ts
# starts the gateway from exactly this folder).
RUN npm run build && node scripts/runtime-tree.mjs /runtime

# Runtime stage: the folder laid out above.
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libssl3 zlib1g libzstd1 ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
# Two malloc arenas and a young generation of 2 × 8 MB, as `npm start` sets them (src/malloc-arenas.ts,
# src/v8-flags.ts); on 2 cores or fewer add --v8-pool-size=1 to NODE_OPTIONS.
ENV MALLOC_ARENA_MAX=2 NODE_OPTIONS=--max-semi-space-size=8
COPY --from=build /runtime ./
USER node
EXPOSE 8092 8093
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.KASTLEX_HTTP_PORT||8092)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The gateway itself, not `npm start`'s supervisor: the container runtime restarts it when it dies
# (docker-compose.yml: restart: unless-stopped; Kubernetes: the pod's restartPolicy). Its graceful stop
# takes up to 16 s: give `docker stop` / terminationGracePeriodSeconds more than that.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
