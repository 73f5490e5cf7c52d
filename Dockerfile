# mini-istiod image: `docker build -t mini-istiod:dev .` (scripts/kind-up.sh does this for kind).
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# `prepare` (proto generation + tsc) needs the sources, so it runs after they are copied. Only
# what the build reads is copied: never a host node_modules/ or dist/.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json buf.gen.yaml ./
COPY protos ./protos
COPY scripts/gen-protos.mjs ./scripts/
COPY src ./src
COPY bin ./bin
RUN npm run gen && npm run build && npm prune --omit=dev

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
USER node
EXPOSE 15010 15014
ENTRYPOINT ["node", "bin/mini-istiod.js"]
CMD ["serve", "--in-cluster", "--debug-host=0.0.0.0"]
