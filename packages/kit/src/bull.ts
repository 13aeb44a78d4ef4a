import { Queue } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "./logger";

/** BullMQ keys under REDIS_KEY_PREFIX, so stacks sharing one Redis never take each other's jobs. */
export const bullPrefix = (keyPrefix: string) => `${keyPrefix}bull`;

/** A Redis connection for a BullMQ queue or worker: BullMQ blocks on Redis and requires maxRetriesPerRequest: null. */
export function bullConnection(url: string, logger: Logger, what: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  redis.on("error", (error: Error) => logger.warn(`${what} redis error`, { error: error.message }));
  return redis;
}

/** A service's BullMQ queue on a connection of its own; `close()` closes both. Subclasses add the typed `add`. */
export abstract class BullQueue<T> {
  readonly queue: Queue<T>;
  protected readonly connection: Redis;

  constructor(name: string, redisUrl: string, keyPrefix: string, logger: Logger, what: string) {
    this.connection = bullConnection(redisUrl, logger, what);
    this.queue = new Queue<T>(name, { connection: this.connection, prefix: bullPrefix(keyPrefix) });
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.connection.disconnect();
  }
}
