import { defineSubgraph, pgAdapter } from "@opsconductor/kit/subgraph";
import { envSchema } from "./env";
import { PrismaClient } from "./generated/prisma/client";
import { JobsItemResolver } from "./jobs/jobs.resolver";
import { JobsItemService } from "./jobs/jobs.service";

/** The jobs subgraph. */
export default defineSubgraph({
  name: "jobs",
  env: envSchema,
  prisma: (url, poolSize) => new PrismaClient({ adapter: pgAdapter(url, poolSize) }),
  schema: { resolvers: [JobsItemResolver] },
  services: ({ prisma, transaction }) => ({ jobs: new JobsItemService(prisma, transaction) }),
});
