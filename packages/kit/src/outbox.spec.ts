import { randomUUID } from "node:crypto";
import type { AmqpConnection } from "./amqp";
import { createLogger } from "./logger";
import { OutboxRelay, type SqlClient, type SqlTx } from "./outbox";
import { eventually } from "./testing";

/** A confirm channel that records publishes and whether it was closed. */
function fakeChannel() {
  return {
    published: [] as string[],
    closed: false,
    on() {},
    async assertExchange() {},
    publish(_exchange: string, routingKey: string) {
      this.published.push(routingKey);
      return true;
    },
    async waitForConfirms() {},
    async close() {
      this.closed = true;
    },
  };
}

describe("OutboxRelay channel handling", () => {
  it("closes the confirm channel of a failed batch instead of leaking one channel per failure", async () => {
    const channels: Array<ReturnType<typeof fakeChannel>> = [];
    const amqp = { get: async () => ({ createConfirmChannel: async () => channels[channels.push(fakeChannel()) - 1] }) } as unknown as AmqpConnection;
    let published = false;
    const row = { seq: 1n, id: randomUUID(), type: "auth.logout", payload: { occurredAt: new Date().toISOString() } };
    const tx: SqlTx = {
      $queryRawUnsafe: async <T>() => (published ? [] : [row]) as T,
      $executeRawUnsafe: async () => {
        published = true;
        return 1;
      },
    };
    const db = { ...tx, $transaction: <R>(fn: (inner: SqlTx) => Promise<R>) => fn(tx) } as SqlClient;
    let failures = 0;
    const relay = new OutboxRelay({
      db,
      amqp,
      exchange: "x",
      logger: createLogger("kit-test", "silent"),
      intervalMs: 5,
      afterPublish: () => {
        if (failures++ < 3) throw new Error("crash before marking");
      },
    });
    relay.start();
    await eventually(async () => published, 5_000, 5);
    await relay.stop();
    expect(channels).toHaveLength(4);
    expect(channels.every((channel) => channel.closed)).toBe(true);
  });
});

describe("OutboxRelay polling", () => {
  it("asks with one statement outside a transaction while nothing is due, and publishes a batch once something is", async () => {
    const channel = fakeChannel();
    const amqp = { get: async () => ({ createConfirmChannel: async () => channel }) } as unknown as AmqpConnection;
    const rows: Array<{ seq: bigint; id: string; type: string; payload: unknown; attempts: number }> = [];
    const calls: string[] = [];
    const probedAt: number[] = [];
    const tx: SqlTx = {
      $queryRawUnsafe: async <T>(query: string) => {
        calls.push(query.includes("EXISTS") ? "probe" : "select");
        if (query.includes("EXISTS")) probedAt.push(performance.now());
        return (query.includes("EXISTS") ? [{ due: rows.length > 0 }] : rows.splice(0)) as T;
      },
      $executeRawUnsafe: async () => 1,
    };
    const db = {
      ...tx,
      $transaction: <R>(fn: (inner: SqlTx) => Promise<R>) => {
        calls.push("transaction");
        return fn(tx);
      },
    } as SqlClient;
    const relay = new OutboxRelay({ db, amqp, exchange: "x", logger: createLogger("kit-test", "silent"), intervalMs: 5, idleMaxMs: 40 });
    relay.start();
    // The first pass (at start) claims in a transaction; the polls after it only ask, less and less often
    // while they find nothing (5 ms doubling up to 40 ms).
    await eventually(async () => probedAt.length >= 7, 5_000, 5);
    expect(calls.slice(0, 2)).toEqual(["transaction", "select"]);
    expect(calls.slice(2).every((call) => call === "probe")).toBe(true);
    const gaps = probedAt.slice(1).map((at, i) => at - probedAt[i]);
    expect(gaps[0]).toBeLessThan(gaps[gaps.length - 1]);
    expect(gaps[gaps.length - 1]).toBeGreaterThanOrEqual(35);
    // A row written by another process (no kick here) goes out at the next poll.
    rows.push({ seq: 1n, id: randomUUID(), type: "auth.logout", payload: { occurredAt: new Date().toISOString() }, attempts: 0 });
    await eventually(async () => channel.published.length === 1, 5_000, 5);
    await relay.stop();
    expect(channel.published).toEqual(["auth.logout"]);
  });
});
