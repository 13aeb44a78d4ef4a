import type { Redis } from "ioredis";
import { randomUUID } from "node:crypto";
import { createLogger } from "../src/logger";

/** Polls until check() is truthy (the kit's testing entry is not loaded here: it brings timers of its own). */
async function eventually(check: () => Promise<unknown>, timeoutMs: number, everyMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
import { createRedis, TokenRevocations } from "../src/revocation";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

describe("TokenRevocations on the real Redis", () => {
  const redis = createRedis(REDIS_URL, createLogger("kit-test", "silent"));
  const prefix = `opsc-kit-test-${randomUUID()}:`;
  const revocations = new TokenRevocations(redis, prefix, 120);
  afterAll(async () => {
    try {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  });

  it("stores the floor in epoch seconds (with milliseconds) with an expiry, per user", async () => {
    const userId = randomUUID();
    expect(await revocations.notBefore(userId)).toBeUndefined();
    await revocations.revokeIssuedBefore(userId, new Date("2026-01-02T03:04:05.678Z"));
    expect(await revocations.notBefore(userId)).toBe(Date.parse("2026-01-02T03:04:05.678Z") / 1000);
    const ttl = await redis.ttl(`${prefix}auth:tokens-not-before:${userId}`);
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
    expect(await revocations.notBefore(randomUUID())).toBeUndefined();
  });

  it("a later revocation moves the floor forward", async () => {
    const userId = randomUUID();
    await revocations.revokeIssuedBefore(userId, new Date(1_000_000_000_000));
    await revocations.revokeIssuedBefore(userId, new Date(1_000_000_060_000));
    expect(await revocations.notBefore(userId)).toBe(1_000_000_060);
  });
});

describe("TokenRevocations mirrored in memory (pub/sub)", () => {
  const logger = createLogger("kit-test", "silent");
  const prefix = `opsc-kit-test-${randomUUID()}:`;
  const connections: Redis[] = [];
  const connect = () => {
    const connection = createRedis(REDIS_URL, logger);
    connections.push(connection);
    return connection;
  };
  /** Another process (auth) that records revocations. */
  const writer = new TokenRevocations(connect(), prefix, 120);
  afterAll(async () => {
    const admin = connect();
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length) await admin.del(...keys);
    // Only those still open: ioredis arms a 2 s timer on disconnecting an ended connection that nothing clears.
    for (const connection of connections) if (connection.status !== "end") connection.disconnect();
  });

  /** A mirrored reader on its own two connections; resolves once it answers from memory. */
  async function mirrored(ttlSeconds = 120) {
    const redis = connect();
    const feed = connect();
    const reader = new TokenRevocations(redis, prefix, ttlSeconds);
    const stop = reader.mirrorWith(feed, logger);
    await eventually(async () => !((reader.notBefore(randomUUID()) as unknown) instanceof Promise), 5_000, 5);
    return { reader, redis, feed, stop };
  }

  it("loads the revocations stored before it started, then answers from memory (its command connection closed)", async () => {
    const userId = randomUUID();
    const sessionId = randomUUID();
    await writer.revokeIssuedBefore(userId, new Date(1_700_000_000_500));
    await writer.revokeSession(sessionId);
    const { reader, redis, stop } = await mirrored();
    redis.disconnect();
    expect(reader.notBefore(userId)).toBe(1_700_000_000.5);
    expect(reader.notBefore(userId, sessionId)).toBe(Number.POSITIVE_INFINITY);
    expect(reader.notBefore(randomUUID(), randomUUID())).toBeUndefined();
    stop();
  });

  it("sees a revocation announced after it started, in the order Redis delivers it", async () => {
    const { reader, stop } = await mirrored();
    const userId = randomUUID();
    await writer.revokeIssuedBefore(userId, new Date(1_700_000_000_000));
    await eventually(async () => reader.notBefore(userId) === 1_700_000_000, 5_000, 1);
    // A floor only rises: an older announcement arriving late does not lower it.
    await writer.revokeIssuedBefore(userId, new Date(1_800_000_000_000));
    await eventually(async () => reader.notBefore(userId) === 1_800_000_000, 5_000, 1);
    const sessionId = randomUUID();
    await writer.revokeSession(sessionId);
    await eventually(async () => reader.notBefore(randomUUID(), sessionId) === Number.POSITIVE_INFINITY, 5_000, 1);
    stop();
  });

  it("asks Redis directly while its subscription is down, and is back in sync (with what it missed) after reconnecting", async () => {
    const { reader, feed, stop } = await mirrored();
    feed.disconnect();
    await eventually(async () => feed.status === "end", 5_000, 5);
    const userId = randomUUID();
    await writer.revokeIssuedBefore(userId, new Date(1_750_000_000_000));
    const answer = reader.notBefore(userId);
    expect(answer).toBeInstanceOf(Promise);
    expect(await answer).toBe(1_750_000_000);
    await feed.connect();
    await eventually(async () => reader.notBefore(userId) === 1_750_000_000, 5_000, 5);
    stop();
  });

  it("forgets an entry when Redis expires its key", async () => {
    const shortLived = new TokenRevocations(connect(), prefix, 1);
    const { reader, stop } = await mirrored(1);
    const userId = randomUUID();
    await shortLived.revokeIssuedBefore(userId);
    await eventually(async () => reader.notBefore(userId) !== undefined, 5_000, 1);
    await eventually(async () => reader.notBefore(userId) === undefined, 5_000, 50);
    stop();
  });
});
