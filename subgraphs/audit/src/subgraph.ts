import { defineSubgraph, pgAdapter } from "@opsconductor/kit/subgraph";
import { envSchema } from "./env";
import { PrismaClient } from "./generated/prisma/client";
import { AuditItemResolver } from "./audit/audit.resolver";
import { AuditItemService } from "./audit/audit.service";

/** The audit subgraph. */
export default defineSubgraph({
  name: "audit",
  env: envSchema,
  prisma: (url, poolSize) => new PrismaClient({ adapter: pgAdapter(url, poolSize) }),
  schema: { resolvers: [AuditItemResolver] },
  services: ({ prisma, transaction }) => ({ audit: new AuditItemService(prisma, transaction) }),
});
