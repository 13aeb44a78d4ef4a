# One image recipe for every service, from the repository root:
#   docker build --build-arg SERVICE=targets -t opsconductor/targets .     (SERVICE=gateway for the gateway)
# docker-compose.yml (generated from the service registry by `npm run compose`) builds each service this way.
ARG NODE_IMAGE=node:20-bookworm-slim

# Only the workspaces the service depends on: package.json files and lockfile first (cached install), then sources.
FROM ${NODE_IMAGE} AS prune
WORKDIR /app
ARG SERVICE
COPY . .
RUN test -n "${SERVICE}" || (echo "--build-arg SERVICE=<name> is required" && exit 1) \
 && npx --no-install turbo prune "@opsconductor/${SERVICE}" --docker \
 || (npm install --no-save --no-audit --no-fund turbo@2.11.11 && npx turbo prune "@opsconductor/${SERVICE}" --docker)

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ARG SERVICE
COPY --from=prune /app/out/json/ .
RUN npm ci --no-audit --no-fund
COPY --from=prune /app/out/full/ .
ENV TURBO_TELEMETRY_DISABLED=1
RUN if [ -d "prisma/${SERVICE}" ]; then DATABASE_URL=postgresql://build@localhost/build npx prisma generate --config "prisma/${SERVICE}/prisma.config.ts"; fi \
 && npx turbo run build --filter="@opsconductor/${SERVICE}" \
 && npm prune --omit=dev --no-audit --no-fund

# Runtime: built output and production dependencies only.
FROM ${NODE_IMAGE}
WORKDIR /app
ARG SERVICE
ENV NODE_ENV=production HOST=0.0.0.0 SERVICE=${SERVICE}
COPY --from=build /app /app
USER node
# A subgraph applies its pending migrations, then serves; the gateway just serves.
CMD ["sh", "-c", "if [ \"$SERVICE\" = gateway ]; then exec node gateway/dist/index.js; fi; npx --no-install prisma migrate deploy --config \"prisma/$SERVICE/prisma.config.ts\" && exec node packages/kit/dist/bin/subgraph.js serve \"subgraphs/$SERVICE\""]
