import { BullQueue, bullPrefix, type Logger } from "@opsconductor/kit/subgraph";

// Where the workers and tests take it from.
export { bullPrefix };

/** The BullMQ queue of deliveries to send: payload = the delivery id only (never a secret or the message). */
export const DELIVERY_QUEUE = "notifications-deliveries";
export interface DeliveryJob {
  deliveryId: string;
}

export class DeliveryQueue extends BullQueue<DeliveryJob> {
  constructor(
    redisUrl: string,
    keyPrefix: string,
    logger: Logger,
    private readonly retry: { attempts: number; backoffMs: number },
  ) {
    super(DELIVERY_QUEUE, redisUrl, keyPrefix, logger, "delivery queue");
  }

  /** Idempotent per delivery and round (job id = `<delivery id>.<retries>`); BullMQ retries with exponential back-off. */
  async add(deliveries: Array<{ id: string; retries: number }>): Promise<void> {
    if (!deliveries.length) return;
    await this.queue.addBulk(
      deliveries.map(({ id, retries }) => ({
        name: "send",
        data: { deliveryId: id },
        opts: {
          jobId: `${id}.${retries}`,
          attempts: this.retry.attempts,
          backoff: { type: "exponential", delay: this.retry.backoffMs },
          // Kept a day so a re-dispatch of the same delivery stays a no-op; the row is the history.
          removeOnComplete: { age: 24 * 3_600 },
          removeOnFail: { age: 7 * 24 * 3_600 },
        },
      })),
    );
  }

  /** Where a delivery's job is: waiting, delayed, active, completed, failed, … or `unknown` (no such job). */
  state(jobId: string): Promise<string> {
    return this.queue.getJobState(jobId);
  }

  /** Removes a finished job, so the same job id can be queued again. */
  async remove(jobId: string): Promise<void> {
    await this.queue.remove(jobId);
  }
}
