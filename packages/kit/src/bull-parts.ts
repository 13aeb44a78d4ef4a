import type { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";

/** Where a service's BullMQ queues live. */
export interface BullRedisOptions {
  redisUrl: string;
  /** REDIS_KEY_PREFIX, so stacks sharing one Redis never take each other's jobs. */
  keyPrefix: string;
}

/** What a BullMQ job scheduler holds: its queue, maybe a worker and a reconcile timer, and their connections. */
export interface BullSchedulerParts {
  timer?: NodeJS.Timeout;
  worker?: Worker;
  queue: Queue;
  workerConnection?: Redis;
  connection: Redis;
}

/** Stops a job scheduler in order: no more reconciles, the worker finishes its job, then the queue and connections close. */
export async function closeBullScheduler(parts: BullSchedulerParts): Promise<void> {
  clearInterval(parts.timer);
  await parts.worker?.close();
  await parts.queue.close();
  parts.workerConnection?.disconnect();
  parts.connection.disconnect();
}
