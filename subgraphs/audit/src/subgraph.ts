import { defineSubgraph, pgAdapter } from "@opsconductor/kit/subgraph";
import { envSchema } from "./env";
import { PrismaClient } from "./generated/prisma/client";
import { AuditResolver } from "./audit/audit.resolver";
import { AuditService } from "./audit/audit.service";
import { auditHandlers } from "./events/record";

/** The audit subgraph: every domain event, append-only and hash-chained; query, verify, export, purge. */
export default defineSubgraph({
  name: "audit",
  env: envSchema,
  prisma: (url, poolSize) => new PrismaClient({ adapter: pgAdapter(url, poolSize) }),
  schema: { resolvers: [AuditResolver] },
  services: ({ env, sql }) => ({ audit: new AuditService(sql, env.AUDIT_RETENTION_DAYS, env.AUDIT_EXPORT_MAX_ROWS) }),
  handlers: ({ audit }) => auditHandlers(audit),
  eventBindings: ["#"],
});
