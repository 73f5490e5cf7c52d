# mini-istiod image: `docker build -t mini-istiod:dev .` (scripts/kind-up.sh does this for kind).
FROM node:20-slim AS build
WORKDIR /app
# A C compiler for dist/native/malloc-trim.node (scripts/build-native.mjs); the image that runs
# the server needs only the glibc it already has.
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# `prepare` (proto generation + tsc) needs the sources, so it runs after they are copied. Only
# what the build reads is copied: never a host node_modules/ or dist/.
# `npm install`, not `npm ci`: npm >= 11.6.2 refuses this lock file under `npm ci` because the
# platform-specific optional packages of other platforms are missing from it (npm/cli#8805);
# `npm install` resolves them from the same pinned versions.
RUN npm install --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json buf.gen.yaml ./
COPY protos ./protos
COPY scripts/gen-protos.mjs scripts/build-native.mjs ./scripts/
COPY src ./src
COPY bin ./bin
RUN npm run gen && npm run build && npm prune --omit=dev

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
# glibc keeps freed native memory in many arenas; these return it (see docs/performance.md).
# `serve` would otherwise run itself again as a child to get them (src/cli/serve-malloc-tuning.ts):
# set here, the server is the container's only process and receives SIGTERM directly.
ENV MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=32768 MALLOC_TRIM_THRESHOLD_=262144
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
USER node
# xDS (gRPC), debug HTTP, validating admission webhook (HTTPS, with --webhook-cert/--webhook-key).
EXPOSE 15010 15014 15017
ENTRYPOINT ["node", "bin/mini-istiod.js"]
CMD ["serve", "--in-cluster", "--debug-host=0.0.0.0"]
