import { defineSubgraph, pgAdapter } from "@opsconductor/kit/subgraph";
import { ScanQueue } from "./engine/queue";
import { envSchema } from "./env";
import { PrismaClient } from "./generated/prisma/client";
import { ScanService } from "./scan/scan.service";
import { discoverySchema } from "./schema";
import { startScanWorker } from "./workers/scan.worker";

/** The discovery subgraph: network scans, the hosts and services they find, and their import into targets. */
export default defineSubgraph({
  name: "discovery",
  env: envSchema,
  prisma: (url, poolSize) => new PrismaClient({ adapter: pgAdapter(url, poolSize) }),
  schema: discoverySchema,
  services({ prisma, transaction, env, logger, redis, onShutdown }) {
    const queue = new ScanQueue(env.REDIS_URL, env.REDIS_KEY_PREFIX, logger);
    onShutdown("scan queue", () => queue.close());
    const scans = new ScanService(prisma, transaction, queue, redis, {
      limits: {
        maxHosts: env.SCAN_MAX_HOSTS,
        allowNonLoopback: env.SCAN_NON_LOOPBACK,
        defaultConcurrency: env.SCAN_DEFAULT_CONCURRENCY,
        maxConcurrency: env.SCAN_MAX_CONCURRENCY,
      },
      keyPrefix: env.REDIS_KEY_PREFIX,
      targetsUrl: env.TARGETS_URL,
      serviceToken: env.SERVICE_TOKEN,
      logger,
    });
    return { scans, queue };
  },
  context: (base, { scans }) => ({ ...base, scans }),
  workers: ({ scans }, { env, prisma, logger, transaction }) => startScanWorker({ env, prisma, scans, logger, transaction }),
});
