import { defineSubgraph, pgAdapter } from "@opsconductor/kit/subgraph";
import { envSchema } from "./env";
import { PrismaClient } from "./generated/prisma/client";
import { AuditResolver } from "./audit/audit.resolver";
import { auditExportRoute } from "./audit/audit.routes";
import { AuditService } from "./audit/audit.service";
import { auditHandlers } from "./events/record";
import { startRetention } from "./workers/retention.worker";

/** The audit subgraph: every domain event, append-only and hash-chained; query, verify, export, purge; its worker applies the retention daily. */
export default defineSubgraph({
  name: "audit",
  env: envSchema,
  prisma: (url, poolSize) => new PrismaClient({ adapter: pgAdapter(url, poolSize) }),
  schema: { resolvers: [AuditResolver] },
  services: ({ env, sql, transaction }) => ({
    audit: new AuditService(sql, transaction, {
      retentionDays: env.AUDIT_RETENTION_DAYS,
      exportMaxRows: env.AUDIT_EXPORT_MAX_ROWS,
      exportBatchSize: env.AUDIT_EXPORT_BATCH_SIZE,
    }),
  }),
  handlers: ({ audit }) => auditHandlers(audit),
  // Every event of the platform is recorded, in raw SQL: the consumer's transaction is a plain pg one.
  eventsOn: "sql",
  eventBindings: ["#"],
  routes: (app, { audit }, { logger }, auth) => auditExportRoute(app, audit, auth, logger),
  workers: ({ audit }, { env, logger }) =>
    startRetention({ redisUrl: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX, cron: env.AUDIT_RETENTION_CRON, retentionDays: env.AUDIT_RETENTION_DAYS }, audit, logger),
});
