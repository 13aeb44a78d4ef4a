import { Queue } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "@opsconductor/kit";

/** The BullMQ queue of scans: one job per scan; payload = its id only (the scan row holds the rest). */
export const SCAN_QUEUE = "discovery-scans";

export interface ScanJob {
  scanId: string;
}

/** Keys under REDIS_KEY_PREFIX, so stacks sharing one Redis never take each other's jobs. */
export const bullPrefix = (keyPrefix: string) => `${keyPrefix}bull`;
/** The Redis channel on which a cancel reaches the worker running the scan at once. */
export const cancelChannel = (keyPrefix: string) => `${keyPrefix}discovery:cancel`;

export class ScanQueue {
  readonly queue: Queue<ScanJob>;
  private readonly connection: Redis;

  constructor(redisUrl: string, keyPrefix: string, logger: Logger) {
    // BullMQ blocks on Redis and requires maxRetriesPerRequest: null on its connections.
    this.connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    this.connection.on("error", (error: Error) => logger.warn("scan queue redis error", { error: error.message }));
    this.queue = new Queue<ScanJob>(SCAN_QUEUE, { connection: this.connection, prefix: bullPrefix(keyPrefix) });
  }

  async add(scanId: string): Promise<void> {
    await this.queue.add(
      "scan",
      { scanId },
      {
        jobId: scanId,
        // A scan is not retried: one that fails is FAILED with its reason (started again by the user).
        attempts: 1,
        removeOnComplete: { age: 3_600, count: 1_000 },
        removeOnFail: { age: 24 * 3_600 },
      },
    );
  }

  /** Removes a scan's job if it has not started (a cancel of a QUEUED scan). */
  async removeWaiting(scanId: string): Promise<void> {
    const job = await this.queue.getJob(scanId);
    if (job && ["waiting", "delayed", "prioritized"].includes(await job.getState())) await job.remove().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.connection.disconnect();
  }
}
