import { Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import { callInternal, deviceTypesContract, InternalCallError, snmpCommunityContract, type Logger, type Transact } from "@opsconductor/kit/subgraph";
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
    const claim = await claimScan(prisma, scanId);
    if (claim === "skipped") return "skipped";
    if (claim.recovered) {
      if (claim.cancelRequested) {
        await scans.finish(scanId, "CANCELLED", null);
        return "CANCELLED";
      }
      logger.warn("scan re-run from the start: the worker running it died", { scanId, attempt: claim.attempt });
    }
    const attempt = claim.attempt;
    // Asked for now, used at the first classification: the scan does not wait for the targets service.
    const types = deviceTypes();
    const [, scan] = await Promise.all([scans.publish(scanId), prisma.scan.findUniqueOrThrow({ where: { id: scanId } })]);
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
    const writer = new ResultWriter(deps.transaction, scanId, { attempt, batchHosts: env.RESULT_BATCH_HOSTS, flushMs: env.RESULT_FLUSH_MS, logger, published: () => scans.publish(scanId) });
    let status: "COMPLETED" | "CANCELLED" | "FAILED" = "COMPLETED";
    let error: string | null = null;
    try {
      // The stored ranges were validated at start; parsed again here, the engine applies the same refusals.
      // The community is fetched now and kept in memory for this scan only (never in the row or the job).
      const snmp = scan.snmpCredentialId ? { community: await snmpCommunity(scan.snmpCredentialId, scanId), port: scan.snmpPort } : null;
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
          deviceTypes: types,
          snmp,
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
    // Only this attempt's own outcome counts: a worker that lost the scan (it was re-run elsewhere) changes nothing.
    await scans.finish(scanId, status, error, undefined, attempt);
    logger.info("scan finished", { scanId, status, attempt });
    return status;
  };

  const snmpCommunity = async (credentialId: string, scanId: string): Promise<string> => {
    try {
      const { community } = await callInternal(env.TARGETS_URL, snmpCommunityContract, { params: { id: credentialId }, body: { scanId }, serviceToken: env.SERVICE_TOKEN, retries: 3 });
      return community;
    } catch (error) {
      const failure = error instanceof InternalCallError ? error.failure?.message : null;
      throw new Error(`the SNMP credential could not be used: ${failure ?? (error as Error).message}`);
    }
  };

  const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  connection.on("error", (error: Error) => logger.warn("worker redis error", { error: error.message }));
  const worker = new Worker<ScanJob>(SCAN_QUEUE, process, {
    connection,
    prefix: bullPrefix(env.REDIS_KEY_PREFIX),
    concurrency: env.WORKER_CONCURRENCY,
    // A worker that dies holding a scan stops renewing its lock; after about SCAN_LOCK_MS a live worker
    // (or this one restarted) finds the job stalled and BullMQ hands it out again: the scan is re-run.
    lockDuration: env.SCAN_LOCK_MS,
    stalledInterval: env.SCAN_LOCK_MS,
    maxStalledCount: env.SCAN_MAX_RECOVERIES,
  });
  worker.on("error", (error) => logger.warn("scan worker error", { error: error.message }));
  // A job that failed outside `process` (stalled more often than SCAN_MAX_RECOVERIES) leaves no scan RUNNING forever.
  worker.on("failed", (job, failure) => {
    if (!job) return;
    const message = /stalled/i.test(failure.message) ? `its worker died ${env.SCAN_MAX_RECOVERIES + 1} times (re-run after each of the first ${env.SCAN_MAX_RECOVERIES}); given up` : failure.message;
    void scans.finish(job.data.scanId, "FAILED", message.slice(0, 500)).catch(() => undefined);
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

/**
 * Takes a scan up: a QUEUED one, or a RUNNING one whose job BullMQ handed out again because the worker
 * running it died (its lock ran out). A recovered scan starts over — what the dead worker wrote is
 * removed and the counters reset in the same transaction — under a new attempt number, so a worker
 * that was only stuck and wakes up again can no longer write into it (see ResultWriter and finish).
 */
export async function claimScan(prisma: PrismaClient, scanId: string): Promise<"skipped" | { attempt: number; recovered: boolean; cancelRequested: boolean }> {
  return prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRawUnsafe<Array<{ status: string; run_attempts: number; cancel_requested_at: Date | null }>>(
      "SELECT status::text, run_attempts, cancel_requested_at FROM scans WHERE id = $1::uuid FOR UPDATE",
      scanId,
    );
    if (!row || (row.status !== "QUEUED" && row.status !== "RUNNING")) return "skipped";
    const recovered = row.status === "RUNNING";
    const attempt = row.run_attempts + 1;
    if (recovered) await tx.discoveredHost.deleteMany({ where: { scanId } });
    await tx.scan.update({
      where: { id: scanId },
      data: {
        status: "RUNNING",
        runAttempts: attempt,
        ...(recovered ? { hostsDone: 0, hostsUp: 0, portsProbed: 0, openPorts: 0 } : { startedAt: new Date() }),
      },
    });
    return { attempt, recovered, cancelRequested: !!row.cancel_requested_at };
  });
}
