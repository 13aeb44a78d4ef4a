import type * as amqp from "amqplib";
import { randomUUID } from "node:crypto";
import type { AmqpConnection } from "./amqp";
import { EventConsumer } from "./consumer";
import { SYSTEM_ACTOR } from "./events";
import { createLogger } from "./logger";
import type { SqlClient, SqlTx } from "./outbox";

/** Just enough of an amqplib channel to drive deliveries by hand; settling throws once "closed". */
class FakeChannel {
  closed = false;
  settled: Array<{ kind: "ack" | "nack"; requeue?: boolean }> = [];
  retried: Array<{ queue: string; attempt: unknown }> = [];
  deliver?: (message: amqp.ConsumeMessage | null) => void;
  on() {}
  async assertExchange() {}
  async assertQueue() {}
  async bindQueue() {}
  async prefetch() {}
  async consume(_queue: string, onMessage: (message: amqp.ConsumeMessage | null) => void) {
    this.deliver = onMessage;
    return { consumerTag: "tag" };
  }
  ack() {
    if (this.closed) throw new Error("Channel closed");
    this.settled.push({ kind: "ack" });
  }
  nack(_message: unknown, _allUpTo?: boolean, requeue?: boolean) {
    if (this.closed) throw new Error("Channel closed");
    this.settled.push({ kind: "nack", requeue });
  }
  sendToQueue(queue: string, _content: Buffer, options: { headers?: Record<string, unknown> }, confirmed: (error: unknown) => void) {
    if (this.closed) throw new Error("Channel closed");
    this.retried.push({ queue, attempt: options.headers?.["x-opsc-attempt"] });
    confirmed(null);
    return true;
  }
  async cancel() {}
  async close() {
    this.closed = true;
  }
}

function setup(handler: (tx: SqlTx) => Promise<void> = async () => undefined) {
  const channel = new FakeChannel();
  const amqpConnection = { get: async () => ({ createConfirmChannel: async () => channel }) } as unknown as AmqpConnection;
  const processed = new Set<string>();
  const tx: SqlTx = {
    $executeRawUnsafe: async (_sql, id) => {
      if (processed.has(id as string)) return 0;
      processed.add(id as string);
      return 1;
    },
    $queryRawUnsafe: async <T>() => [] as T,
  };
  const db = { ...tx, $transaction: <R>(fn: (inner: SqlTx) => Promise<R>) => fn(tx) } as SqlClient;
  const lines: string[] = [];
  const consumer = new EventConsumer({
    db,
    amqp: amqpConnection,
    exchange: "x",
    queue: "q",
    handlers: { "auth.logout": (_event, inner) => handler(inner) },
    logger: createLogger("kit-test", "debug", (line) => lines.push(line)),
  });
  const inflight = () => [...(consumer as unknown as { inflight: Set<Promise<void>> }).inflight];
  const messages = () => lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
  return { channel, consumer, inflight, messages };
}

const message = (body: unknown, headers: Record<string, unknown> = {}) =>
  ({ content: Buffer.from(typeof body === "string" ? body : JSON.stringify(body)), fields: { routingKey: "auth.logout" }, properties: { headers } }) as unknown as amqp.ConsumeMessage;
const logout = () => ({
  id: randomUUID(),
  type: "auth.logout",
  occurredAt: new Date().toISOString(),
  actor: SYSTEM_ACTOR,
  subject: { type: "user", id: "u" },
  data: { userId: randomUUID(), allSessions: false },
});

describe("EventConsumer message settlement", () => {
  it("acks a processed event and acks a duplicate without a second effect", async () => {
    const effects: string[] = [];
    const { channel, consumer, inflight } = setup(async () => void effects.push("applied"));
    await consumer.start();
    const event = logout();
    channel.deliver!(message(event));
    channel.deliver!(message(event));
    await Promise.all(inflight());
    expect(channel.settled).toEqual([{ kind: "ack" }, { kind: "ack" }]);
    expect(effects).toEqual(["applied"]);
  });

  it("rejects an unparseable message without requeue, so it dead-letters", async () => {
    const { channel, consumer, inflight } = setup();
    await consumer.start();
    channel.deliver!(message("{nope"));
    await Promise.all(inflight());
    expect(channel.settled).toEqual([{ kind: "nack", requeue: false }]);
  });

  it("moves a message whose handler failed to the retry queue of its attempt (confirmed copy, then ack), then dead-letters the last attempt", async () => {
    const { channel, consumer, inflight } = setup(async () => {
      throw new Error("db down");
    });
    await consumer.start();
    // Distinct events: the fake's dedupe does not roll back with the failed handler.
    channel.deliver!(message(logout()));
    channel.deliver!(message(logout(), { "x-opsc-attempt": 2 }));
    channel.deliver!(message(logout(), { "x-opsc-attempt": 4 }));
    channel.deliver!(message(logout(), { "x-opsc-attempt": 5 }));
    await Promise.all(inflight());
    // Handlers settle concurrently: compare without order.
    const byAttempt = (a: { attempt: unknown }, b: { attempt: unknown }) => Number(a.attempt) - Number(b.attempt);
    expect(channel.retried.sort(byAttempt)).toEqual([
      { queue: "q.retry.1000ms", attempt: 2 },
      { queue: "q.retry.5000ms", attempt: 3 },
      { queue: "q.retry.30000ms", attempt: 5 },
    ]);
    expect(channel.settled.filter((settled) => settled.kind === "ack")).toHaveLength(3);
    expect(channel.settled.filter((settled) => settled.kind === "nack")).toEqual([{ kind: "nack", requeue: false }]);
  });

  it("survives a channel that closed while the handler ran (no unhandled rejection; the broker redelivers)", async () => {
    let release!: () => void;
    const { channel, consumer, inflight, messages } = setup(() => new Promise<void>((resolve) => (release = resolve)));
    await consumer.start();
    channel.deliver!(message(logout()));
    const [work] = inflight();
    await channel.close();
    release();
    await expect(work).resolves.toBeUndefined();
    expect(messages()).toContain("could not settle message; the broker will redeliver it");
  });
});
