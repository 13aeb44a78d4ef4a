import { defineSubgraph, pgAdapter } from "@opsconductor/kit/subgraph";
import { envSchema } from "./env";
import { PrismaClient } from "./generated/prisma/client";
import { ExecutionsItemResolver } from "./executions/executions.resolver";
import { ExecutionsItemService } from "./executions/executions.service";

/** The executions subgraph. */
export default defineSubgraph({
  name: "executions",
  env: envSchema,
  prisma: (url, poolSize) => new PrismaClient({ adapter: pgAdapter(url, poolSize) }),
  schema: { resolvers: [ExecutionsItemResolver] },
  services: ({ prisma, transaction }) => ({ executions: new ExecutionsItemService(prisma, transaction) }),
});
