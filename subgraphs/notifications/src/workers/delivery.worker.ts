import { Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "@opsconductor/kit";
import type { WorkerHandle } from "@opsconductor/kit/subgraph";
import type { DeliveryService } from "../delivery/delivery.service";
import { bullPrefix, DELIVERY_QUEUE, type DeliveryJob } from "../delivery/queue";
import type { Env } from "../env";

/**
 * The delivery worker (`subgraph work subgraphs/notifications`): a dispatcher hands committed PENDING
 * deliveries to the queue, and a BullMQ worker sends them, retried with exponential back-off until
 * NOTIFICATIONS_MAX_ATTEMPTS (then FAILED, the job dead in BullMQ's failed set). Replicas may run side by side.
 */
export async function startDeliveryWorker(deps: { env: Env; deliveries: DeliveryService; logger: Logger }): Promise<WorkerHandle> {
  const { env, deliveries, logger } = deps;
  const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  connection.on("error", (error: Error) => logger.warn("delivery worker redis error", { error: error.message }));
  const worker = new Worker<DeliveryJob>(DELIVERY_QUEUE, (job: Job<DeliveryJob>) => deliveries.attempt(job.data.deliveryId), {
    connection,
    prefix: bullPrefix(env.REDIS_KEY_PREFIX),
    concurrency: env.NOTIFICATIONS_WORKER_CONCURRENCY,
  });
  worker.on("error", (error: Error) => logger.warn("delivery worker error", { error: error.message }));

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = deliveries
      .dispatchPending()
      .then((count) => {
        if (count) logger.debug("deliveries queued", { count });
      })
      .catch((error: Error) => logger.warn("delivery dispatch failed", { error: error.message }))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, env.NOTIFICATIONS_DISPATCH_INTERVAL_MS);
      });
  };
  tick();

  // The reaper (see DeliveryService.reapStuck): no delivery stays PENDING because its job went missing.
  let reaperTimer: NodeJS.Timeout | undefined;
  let reaping: Promise<void> = Promise.resolve();
  const reap = () => {
    reaping = deliveries
      .reapStuck(env.NOTIFICATIONS_STUCK_AFTER_MS)
      .then((outcome) => {
        if (outcome.requeued || outcome.failed) logger.info("stuck deliveries reaped", outcome);
      })
      .catch((error: Error) => logger.warn("delivery reaper failed", { error: error.message }))
      .finally(() => {
        if (!stopped) reaperTimer = setTimeout(reap, env.NOTIFICATIONS_REAPER_INTERVAL_MS);
      });
  };
  reaperTimer = setTimeout(reap, env.NOTIFICATIONS_REAPER_INTERVAL_MS);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (reaperTimer) clearTimeout(reaperTimer);
      await Promise.all([running, reaping]);
      await worker.close();
      connection.disconnect();
    },
  };
}
