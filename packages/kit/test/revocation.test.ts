import { randomUUID } from "node:crypto";
import { createLogger } from "../src/logger";
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
