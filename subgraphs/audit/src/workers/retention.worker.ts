import { Queue, Worker } from "bullmq";
import { bullConnection, bullPrefix, type BullRedisOptions, type Logger, type WorkerHandle } from "@opsconductor/kit/subgraph";
import type { AuditService } from "../audit/audit.service";

/** Retention on a schedule: one BullMQ job scheduler fires `applyRetention` (AUDIT_RETENTION_CRON, UTC). */
export const RETENTION_QUEUE = "audit-retention";
const SCHEDULER_ID = "apply-retention";

export interface RetentionOptions extends BullRedisOptions {
  /** Cron pattern (5 fields, or 6 with seconds); empty: not scheduled (the scheduler is removed). */
  cron: string;
  retentionDays: number;
}

/**
 * Registers (or updates, or with an empty pattern removes) the job scheduler and runs a worker for it.
 * Every replica upserts the same scheduler id, so BullMQ makes one job per tick however many worker
 * processes there are, and exactly one of them takes it; a failed run is retried with back-off.
 */
export async function startRetention(options: RetentionOptions, audit: AuditService, logger: Logger): Promise<WorkerHandle> {
  const connection = bullConnection(options.redisUrl, logger, "retention");
  const prefix = bullPrefix(options.keyPrefix);
  const queue = new Queue(RETENTION_QUEUE, { connection, prefix });
  if (options.cron) {
    await queue.upsertJobScheduler(
      SCHEDULER_ID,
      { pattern: options.cron, tz: "UTC" },
      { name: "purge", opts: { attempts: 3, backoff: { type: "exponential", delay: 60_000 }, removeOnComplete: 50, removeOnFail: 50 } },
    );
    logger.info("audit retention scheduled", { cron: options.cron, retentionDays: options.retentionDays });
  } else {
    await queue.removeJobScheduler(SCHEDULER_ID);
    logger.warn("audit retention is not scheduled (AUDIT_RETENTION_CRON is empty)");
  }
  const workerConnection = connection.duplicate();
  const worker = new Worker(
    RETENTION_QUEUE,
    async () => {
      const purged = await audit.applyRetention(options.retentionDays);
      logger.info("audit retention applied", { purged, retentionDays: options.retentionDays });
      return { purged };
    },
    { connection: workerConnection, prefix, concurrency: 1 },
  );
  worker.on("failed", (_job, error) => logger.error("audit retention failed", { error: error.message }));
  worker.on("error", (error) => logger.warn("retention worker error", { error: error.message }));
  return {
    async stop() {
      await worker.close();
      await queue.close();
      // Connections passed in are the caller's to close (BullMQ leaves them open).
      workerConnection.disconnect();
      connection.disconnect();
    },
  };
}
