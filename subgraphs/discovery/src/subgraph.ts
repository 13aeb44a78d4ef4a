import { defineSubgraph, pgAdapter } from "@opsconductor/kit/subgraph";
import { ScanQueue } from "./engine/queue";
import { envSchema } from "./env";
import { PrismaClient } from "./generated/prisma/client";
import { ScanService } from "./scan/scan.service";
import { discoverySchema } from "./schema";
import { startScanWorker } from "./workers/scan.worker";
import { TemplateScheduler } from "./template/template-scheduler";
import { TemplateService } from "./template/template.service";

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
    const scheduler = new TemplateScheduler(env.REDIS_URL, env.REDIS_KEY_PREFIX, logger);
    onShutdown("template scheduler", () => scheduler.close());
    const templates = new TemplateService(prisma, scans, scheduler, logger);
    return { scans, queue, scheduler, templates };
  },
  context: (base, { scans, templates }) => ({ ...base, scans, templates }),
  workers: ({ scans, scheduler, templates }, { env, prisma, logger, transaction }) => {
    // Schedule ticks are handled by the workers (however many run, one scan per tick).
    scheduler.startWorker((id, at) => templates.fire(id, at), () => templates.scheduled(), env.TEMPLATE_RECONCILE_MS);
    return startScanWorker({ env, prisma, scans, logger, transaction });
  },
});
