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
