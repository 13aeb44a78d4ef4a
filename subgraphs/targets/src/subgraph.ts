import { defineSubgraph, pgAdapter } from "@opsconductor/kit/subgraph";
import { createContext } from "./context";
import { envSchema } from "./env";
import { PrismaClient } from "./generated/prisma/client";
import { targetsSchema } from "./schema";
import { seedDemoTargets } from "./seed";
import { TargetService } from "./target/target.service";

/** The targets subgraph: the inventory of managed hosts and devices. */
export default defineSubgraph({
  name: "targets",
  env: envSchema,
  prisma: (url, poolSize) => new PrismaClient({ adapter: pgAdapter(url, poolSize) }),
  schema: targetsSchema,
  services: ({ prisma, transaction }) => ({ targets: new TargetService(prisma, transaction) }),
  context: (base, { targets }) => createContext(base, targets),
  async seed({ prisma }) {
    const inserted = await seedDemoTargets(prisma);
    return inserted ? `targets seed: inserted ${inserted} demo targets` : "targets seed: targets exist, nothing changed";
  },
});
