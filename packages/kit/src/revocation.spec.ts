import type { Redis } from "ioredis";
import { TokenRevocations } from "./revocation";

/** The few commands TokenRevocations uses, over a Map, with the TTL each key was given. */
function fakeRedis() {
  const values = new Map<string, string>();
  const ttls = new Map<string, number>();
  const published: Array<{ channel: string; message: string }> = [];
  const redis = {
    multi() {
      const queued: Array<() => unknown> = [];
      const transaction = {
        set(key: string, value: string, mode: string, seconds: number) {
          expect(mode).toBe("EX");
          queued.push(() => {
            values.set(key, value);
            ttls.set(key, seconds);
            return "OK";
          });
          return transaction;
        },
        publish(channel: string, message: string) {
          queued.push(() => published.push({ channel, message }));
          return transaction;
        },
        async exec() {
          return queued.map((command) => [null, command()]);
        },
      };
      return transaction;
    },
    async get(key: string) {
      return values.get(key) ?? null;
    },
    async mget(...keys: string[]) {
      return keys.map((key) => values.get(key) ?? null);
    },
  };
  return { redis: redis as unknown as Redis, values, ttls, published };
}

describe("TokenRevocations", () => {
  it("keeps a per-user floor in epoch seconds with milliseconds, expiring with the token lifetime", async () => {
    const { redis, ttls } = fakeRedis();
    const revocations = new TokenRevocations(redis, "p:", 960);
    expect(await revocations.notBefore("u1")).toBeUndefined();
    await revocations.revokeIssuedBefore("u1", new Date(1_700_000_000_123));
    expect(await revocations.notBefore("u1")).toBe(1_700_000_000.123);
    expect(await revocations.notBefore("u1", "any-session")).toBe(1_700_000_000.123);
    expect(ttls.get("p:auth:tokens-not-before:u1")).toBe(960);
  });

  it("announces each revocation on <prefix>auth:revocations in the transaction that stores it", async () => {
    const { redis, published } = fakeRedis();
    const revocations = new TokenRevocations(redis, "p:", 960);
    const before = Date.now();
    await revocations.revokeIssuedBefore("u1", new Date(1_700_000_000_123));
    await revocations.revokeSession("s1", new Date(1_700_000_001_000));
    expect(published.map((entry) => entry.channel)).toEqual(["p:auth:revocations", "p:auth:revocations"]);
    const [user, session] = published.map((entry) => JSON.parse(entry.message) as Record<string, unknown>);
    expect(user).toMatchObject({ kind: "user", id: "u1", at: 1_700_000_000.123 });
    expect(session).toMatchObject({ kind: "session", id: "s1", at: 1_700_000_001 });
    // The entry lives as long as the key: the TTL from now, not from `at`.
    expect(user!.expiresAt).toBeGreaterThanOrEqual(before + 960_000);
    expect(user!.expiresAt).toBeLessThanOrEqual(Date.now() + 960_000);
  });

  it("marks a revoked session under <prefix>auth:session-revoked:<sid>; its tokens get +Infinity, other sessions the user's floor", async () => {
    const { redis, ttls, values } = fakeRedis();
    const revocations = new TokenRevocations(redis, "p:", 960);
    await revocations.revokeSession("s1");
    expect(values.has("p:auth:session-revoked:s1")).toBe(true);
    expect(ttls.get("p:auth:session-revoked:s1")).toBe(960);
    expect(await revocations.notBefore("u1", "s1")).toBe(Number.POSITIVE_INFINITY);
    expect(await revocations.notBefore("u1", "s2")).toBeUndefined();
    // Without a session id only the floor counts (tokens issued before sessions had ids).
    expect(await revocations.notBefore("u1")).toBeUndefined();
    await revocations.revokeIssuedBefore("u1", new Date(1_700_000_000_000));
    expect(await revocations.notBefore("u1", "s2")).toBe(1_700_000_000);
    expect(await revocations.notBefore("u1", "s1")).toBe(Number.POSITIVE_INFINITY);
  });
});
