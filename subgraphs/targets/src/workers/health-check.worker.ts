import { Queue, Worker } from "bullmq";
import { bullConnection, bullPrefix, type BullRedisOptions, type Logger } from "@opsconductor/kit/subgraph";
import type { ConnectivityService } from "../connectivity/connectivity.service";

/** Periodic health checks: one BullMQ job scheduler fires a check of every eligible target. */

export const HEALTH_QUEUE = "targets-health";
const SCHEDULER_ID = "check-all-targets";

export interface HealthCheckOptions extends BullRedisOptions {
  intervalSeconds: number;
  /** Also check targets whose address is not in 127.0.0.0/8 (off unless configured). */
  nonLoopback: boolean;
}

export interface HealthChecks {
  queue: Queue;
  stop(): Promise<void>;
}

/**
 * Registers (or updates) the repeatable job and runs a worker for it. Several replicas share one
 * scheduler id, so the checks run once per interval however many processes there are; a run
 * that takes longer than the interval delays the next one instead of overlapping it.
 */
export function startHealthChecks(options: HealthCheckOptions, connectivity: ConnectivityService, logger: Logger): HealthChecks {
  const connection = bullConnection(options.redisUrl, logger, "health-check");
  const prefix = bullPrefix(options.keyPrefix);
  const queue = new Queue(HEALTH_QUEUE, { connection, prefix });
  void queue
    .upsertJobScheduler(SCHEDULER_ID, { every: options.intervalSeconds * 1000 }, { name: "check-all", opts: { removeOnComplete: 50, removeOnFail: 50 } })
    .catch((error: Error) => logger.error("could not schedule periodic health checks", { error: error.message }));
  const workerConnection = connection.duplicate();
  const worker = new Worker(
    HEALTH_QUEUE,
    async () => {
      const outcome = await connectivity.runPeriodic({ nonLoopback: options.nonLoopback });
      logger.info("periodic health check finished", outcome);
      return outcome;
    },
    { connection: workerConnection, prefix, concurrency: 1 },
  );
  worker.on("failed", (_job, error) => logger.error("periodic health check failed", { error: error.message }));
  worker.on("error", (error) => logger.warn("health-check worker error", { error: error.message }));
  return {
    queue,
    async stop() {
      await worker.close();
      await queue.close();
      // Connections passed in are the caller's to close (BullMQ leaves them open).
      workerConnection.disconnect();
      connection.disconnect();
    },
  };
}
