import { Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import { callInternal, deviceTypesContract, type Logger, type Transact } from "@opsconductor/kit/subgraph";
import type { WorkerHandle } from "@opsconductor/kit/subgraph";
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import { bullPrefix, cancelChannel, SCAN_QUEUE, type ScanJob } from "../engine/queue";
import { ResultWriter } from "../engine/results";
import { runScan } from "../engine/scanner";
import type { Env } from "../env";
import { parseTargets } from "../scan/ranges";
import type { ScanService } from "../scan/scan.service";

/** How often a running scan looks for a cancel in the database (the Redis message is the fast path). */
const CANCEL_POLL_MS = 1_000;

/**
 * The scan worker process (`subgraph work subgraphs/discovery`): claims a queued scan, runs the
 * engine on it, streams results through the writer, and ends it COMPLETED, CANCELLED or FAILED.
 * A cancel arrives on a Redis channel (and is also seen by a database poll), aborting at once.
 */
export async function startScanWorker(deps: { env: Env; prisma: PrismaClient; scans: ScanService; logger: Logger; transaction: Transact<Prisma.TransactionClient> }): Promise<WorkerHandle> {
  const { env, prisma, scans, logger } = deps;
  const running = new Map<string, AbortController>();

  const deviceTypes = async (): Promise<Set<string>> => {
    try {
      const reply = await callInternal(env.TARGETS_URL, deviceTypesContract, { serviceToken: env.SERVICE_TOKEN, retries: 3 });
      return new Set(reply.deviceTypes.map((type) => type.key));
    } catch (error) {
      // The scan is still worth running; hosts then carry no device type.
      logger.warn("device types unavailable; scanning without them", { error: (error as Error).message });
      return new Set();
    }
  };

  const process = async (job: Job<ScanJob>) => {
    const { scanId } = job.data;
    const claimed = await prisma.scan.updateMany({ where: { id: scanId, status: "QUEUED" }, data: { status: "RUNNING", startedAt: new Date() } });
    if (!claimed.count) return "skipped";
    await scans.publish(scanId);
    const scan = await prisma.scan.findUniqueOrThrow({ where: { id: scanId } });
    const controller = new AbortController();
    running.set(scanId, controller);
    const poll = setInterval(() => {
      prisma.scan
        .findUnique({ where: { id: scanId }, select: { cancelRequestedAt: true } })
        .then((row) => {
          if (!row || row.cancelRequestedAt) controller.abort("cancel");
        })
        .catch((error: Error) => logger.warn("cancel poll failed", { scanId, error: error.message }));
    }, CANCEL_POLL_MS);
    const writer = new ResultWriter(deps.transaction, scanId, { batchHosts: env.RESULT_BATCH_HOSTS, flushMs: env.RESULT_FLUSH_MS, logger, published: () => scans.publish(scanId) });
    let status: "COMPLETED" | "CANCELLED" | "FAILED" = "COMPLETED";
    let error: string | null = null;
    try {
      // The stored ranges were validated at start; parsed again here, the engine applies the same refusals.
      const targets = parseTargets({ ranges: scan.ranges, exclude: scan.exclude }, { maxHosts: Number.MAX_SAFE_INTEGER, allowNonLoopback: env.SCAN_NON_LOOPBACK });
      await runScan(
        {
          targets,
          ports: scan.ports,
          hostDiscovery: scan.hostDiscovery,
          timeoutMs: scan.timeoutMs,
          concurrency: scan.concurrency,
          rateLimit: scan.rateLimit,
          bannerWaitMs: env.BANNER_WAIT_MS,
          deviceTypes: await deviceTypes(),
        },
        writer,
        controller.signal,
      );
      if (controller.signal.aborted) status = "CANCELLED";
    } catch (failure) {
      status = "FAILED";
      error = (failure as Error).message.slice(0, 500);
      logger.error("scan failed", { scanId, error });
    } finally {
      clearInterval(poll);
      running.delete(scanId);
      await writer.close();
    }
    await scans.finish(scanId, status, error);
    logger.info("scan finished", { scanId, status });
    return status;
  };

  const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  connection.on("error", (error: Error) => logger.warn("worker redis error", { error: error.message }));
  const worker = new Worker<ScanJob>(SCAN_QUEUE, process, { connection, prefix: bullPrefix(env.REDIS_KEY_PREFIX), concurrency: env.WORKER_CONCURRENCY });
  worker.on("error", (error) => logger.warn("scan worker error", { error: error.message }));
  // A job that failed outside `process` (stalled: its worker died) leaves no scan RUNNING forever.
  worker.on("failed", (job, failure) => {
    if (job) void scans.finish(job.data.scanId, "FAILED", failure.message.slice(0, 500)).catch(() => undefined);
  });

  const subscriber = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  subscriber.on("error", (error: Error) => logger.warn("cancel subscriber redis error", { error: error.message }));
  await subscriber.subscribe(cancelChannel(env.REDIS_KEY_PREFIX));
  subscriber.on("message", (_channel: string, scanId: string) => running.get(scanId)?.abort("cancel"));

  return {
    async stop() {
      // Scans in hand are cancelled (their results so far stay), not left RUNNING.
      for (const controller of running.values()) controller.abort("shutdown");
      await worker.close();
      await subscriber.quit().catch(() => subscriber.disconnect());
      connection.disconnect();
    },
  };
}
