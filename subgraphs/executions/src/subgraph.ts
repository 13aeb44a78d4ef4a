import { defineSubgraph, internalRoutes, pgAdapter } from "@opsconductor/kit/subgraph";
import { createContext } from "./context";
import { RunEngine } from "./engine/engine";
import { ExecutionQueue } from "./engine/queue";
import { envSchema } from "./env";
import { PrismaClient } from "./generated/prisma/client";
import { startRunRoute } from "./internal/start-run.route";
import { RunService } from "./run/run.service";
import { executionsSchema } from "./schema";
import { startExecutionWorker } from "./workers/execution.worker";

/** The executions subgraph: runs of jobs on targets, their results and live output; its workers execute them. */
export default defineSubgraph({
  name: "executions",
  env: envSchema,
  // A worker runs hundreds of targets at once, each writing its own state and output.
  prisma: (url, poolSize) => new PrismaClient({ adapter: pgAdapter(url, Math.max(poolSize, 20)) }),
  schema: executionsSchema,
  services({ prisma, transaction, env, logger, redis, onShutdown }) {
    const queue = new ExecutionQueue(env.REDIS_URL, env.REDIS_KEY_PREFIX, logger);
    onShutdown("execution queue", () => queue.close());
    const engine = new RunEngine(prisma, transaction, queue, redis, env.REDIS_KEY_PREFIX, logger);
    const runs = new RunService(prisma, transaction, engine, queue, {
      jobsUrl: env.JOBS_URL,
      targetsUrl: env.TARGETS_URL,
      serviceToken: env.SERVICE_TOKEN,
      secretsKey: env.EXECUTIONS_SECRETS_KEY,
    });
    return { runs, engine, queue };
  },
  context: (base, { runs }) => createContext(base, { runs }),
  routes: (app, { runs }, { env, logger }) => internalRoutes(app, { serviceToken: env.SERVICE_TOKEN, logger, routes: [startRunRoute(runs)] }),
  workers: ({ engine, queue }, { env, prisma, logger, redis }) => startExecutionWorker({ env, prisma, engine, queue, redis, logger }),
});
