import { Redis } from "ioredis";

/**
 * Deletes every Redis key under `prefix`, so a test or bench stack starts from (and leaves) empty
 * state as it does with its databases: throttle counts, revocations, queues and job schedulers of an
 * earlier run otherwise carry over and make the outcome depend on what ran before.
 */
export async function clearRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  if (!prefix || prefix.length < 3) throw new Error(`refusing to clear Redis under the prefix '${prefix}'`);
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    const pattern = `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`;
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}
