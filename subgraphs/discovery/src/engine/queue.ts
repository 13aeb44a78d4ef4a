import { BullQueue, bullPrefix, type Logger } from "@opsconductor/kit/subgraph";

// Where the workers and tests take it from.
export { bullPrefix };

/** The BullMQ queue of scans: one job per scan; payload = its id only (the scan row holds the rest). */
export const SCAN_QUEUE = "discovery-scans";

export interface ScanJob {
  scanId: string;
}

/** The Redis channel on which a cancel reaches the worker running the scan at once. */
export const cancelChannel = (keyPrefix: string) => `${keyPrefix}discovery:cancel`;

export class ScanQueue extends BullQueue<ScanJob> {
  constructor(redisUrl: string, keyPrefix: string, logger: Logger) {
    super(SCAN_QUEUE, redisUrl, keyPrefix, logger, "scan queue");
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
}
