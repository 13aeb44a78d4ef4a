import { randomUUID } from "node:crypto";
import { AmqpConnection } from "../src/amqp";
import { EventConsumer } from "../src/consumer";
import { SYSTEM_ACTOR, type EventEnvelope } from "../src/events";
import { createLogger } from "../src/logger";
import { emitEvent, OutboxRelay, type RelayOptions, type SqlTx } from "../src/outbox";
import { BrokerSpy, eventually, freshDatabase, uniqueSuffix } from "../src/testing";
import { KIT_TEST_SCHEMA, pgClient, type PgClient } from "./helpers/pg-client";

/**
 * Transactional outbox and idempotent consumer against the real PostgreSQL and RabbitMQ.
 * Everything on the broker is namespaced by a per-run suffix so running services are untouched.
 */
const DATABASE_URL = process.env.TEST_DATABASE_URL_KIT ?? `postgresql://postgres@127.0.0.1:5432/${process.env.OPSC_TEST_NAMESPACE ?? "opsc"}_test_kit`;
const RABBITMQ_URL = process.env.TEST_RABBITMQ_URL ?? "amqp://guest:guest@127.0.0.1:5672";
const run = uniqueSuffix();
const EXCHANGE = `opsconductor.test.${run}`;
const QUEUE = `kit-test-${run}.events`;
const DLQ = `${QUEUE}.dlq`;

const logLines: string[] = [];
const logger = createLogger("kit-test", "debug", (line) => logLines.push(line));
const logged = (msg: string) => logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((record) => record.msg === msg);

let db: PgClient;
let amqp: AmqpConnection;
let spy: BrokerSpy;

beforeAll(async () => {
  const url = new URL(DATABASE_URL);
  const name = url.pathname.slice(1);
  url.pathname = "/postgres";
  db = pgClient(await freshDatabase(url.toString(), name));
  await db.pool.query(KIT_TEST_SCHEMA);
  amqp = new AmqpConnection(RABBITMQ_URL, logger, "kit-test");
  spy = await BrokerSpy.open(RABBITMQ_URL, EXCHANGE);
});

afterAll(async () => {
  await amqp?.close();
  await spy?.close({ queues: [QUEUE, DLQ, `${QUEUE}.retry.1000ms`, `${QUEUE}.retry.5000ms`, `${QUEUE}.retry.30000ms`], deleteExchange: true });
  await db?.end();
});

beforeEach(async () => {
  await db.$executeRawUnsafe("TRUNCATE outbox_events, processed_events, effects");
  spy.clear();
});

const relayWith = (options: Partial<RelayOptions> = {}) => new OutboxRelay({ db, amqp, exchange: EXCHANGE, logger, intervalMs: 50, ...options });

/** Commits one auth.login.failed event per username, each in its own transaction. */
async function emitLoginFailures(usernames: string[]) {
  const envelopes: EventEnvelope[] = [];
  for (const username of usernames) {
    envelopes.push(
      await db.$transaction((tx) =>
        emitEvent(tx, "auth.login.failed", {
          actor: { userId: null, username, ip: "127.0.0.1", userAgent: "jest" },
          subject: { type: "credential", id: username },
          data: { username, reason: "invalid_credentials" },
        }),
      ),
    );
  }
  return envelopes;
}

async function emitUserDeleted(username: string) {
  return db.$transaction((tx) =>
    emitEvent(tx, "users.user.deleted", {
      actor: SYSTEM_ACTOR,
      subject: { type: "user", id: randomUUID() },
      data: { id: randomUUID(), username },
    }),
  );
}

const count = async (sql: string, ...values: unknown[]) =>
  Number((await db.$queryRawUnsafe<Array<{ n: string }>>(sql, ...values))[0]!.n);
const unpublished = () => count("SELECT count(*) AS n FROM outbox_events WHERE published_at IS NULL");

describe("emitEvent + OutboxRelay", () => {
  it("emitEvent inside a rolled-back transaction leaves no outbox row and nothing is published", async () => {
    let emittedId = "";
    await expect(
      db.$transaction(async (tx) => {
        emittedId = (
          await emitEvent(tx, "auth.logout", { actor: SYSTEM_ACTOR, subject: { type: "user", id: "u" }, data: { userId: randomUUID(), allSessions: true } })
        ).id;
        throw new Error("business rule failed after the write");
      }),
    ).rejects.toThrow("business rule failed");
    expect(emittedId).not.toBe("");
    expect(await count("SELECT count(*) AS n FROM outbox_events WHERE id = $1::uuid", emittedId)).toBe(0);
    expect(await relayWith().drain()).toBe(0);
    await spy.settle();
    expect(spy.events()).toEqual([]);
  });

  it("emitEvent validates the payload against the registry before writing", async () => {
    await expect(
      db.$transaction((tx) =>
        emitEvent(tx, "auth.login.failed", { actor: SYSTEM_ACTOR, subject: { type: "credential", id: "x" }, data: { username: "x", reason: "bogus" as "locked" } }),
      ),
    ).rejects.toThrow();
    expect(await count("SELECT count(*) AS n FROM outbox_events")).toBe(0);
  });

  it("publishes each committed event exactly once: persistent, messageId = event id, routing key = type, then marks it", async () => {
    const envelopes = await emitLoginFailures(["ann", "ben", "cat"]);
    const relay = relayWith();
    expect(await relay.drain()).toBe(3);
    expect(await relay.drain()).toBe(0);
    await spy.settle();

    const seen = spy.events();
    expect(seen.map((message) => message.messageId)).toEqual(envelopes.map((envelope) => envelope.id));
    for (const [index, message] of seen.entries()) {
      expect(message.routingKey).toBe("auth.login.failed");
      expect(message.deliveryMode).toBe(2);
      expect(message.contentType).toBe("application/json");
      expect(JSON.parse(message.body)).toEqual(envelopes[index]);
    }
    expect(await unpublished()).toBe(0);
    expect(await count("SELECT count(*) AS n FROM outbox_events WHERE published_at IS NOT NULL")).toBe(3);
  });

  it("a running relay publishes promptly after kick() and stops cleanly", async () => {
    const relay = relayWith({ intervalMs: 60_000 });
    relay.start();
    try {
      // Let the first (empty) poll pass; the next one is a minute away, so only kick() can publish.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const [envelope] = await emitLoginFailures(["kicked"]);
      relay.kick();
      await eventually(async () => spy.events().some((message) => message.messageId === envelope!.id), 5_000, 20);
      await eventually(async () => (await unpublished()) === 0, 5_000, 20);
    } finally {
      await relay.stop();
    }
  });

  it("a relay stopped after its first batch, then restarted, publishes the rest: every event arrives exactly once", async () => {
    const envelopes = await emitLoginFailures(["e1", "e2", "e3", "e4", "e5", "e6", "e7"]);
    let stopping: Promise<void> | undefined;
    const first: OutboxRelay = relayWith({
      batchSize: 2,
      afterPublish: () => {
        // Stop while the first batch is in flight; stop() waits for it to be marked.
        stopping ??= first.stop();
      },
    });
    first.start();
    await eventually(async () => stopping !== undefined, 5_000, 10);
    await stopping;
    await spy.settle();
    expect(spy.events().map((message) => message.messageId)).toEqual(envelopes.slice(0, 2).map((envelope) => envelope.id));
    expect(await unpublished()).toBe(5);

    const second = relayWith({ batchSize: 2 });
    second.start();
    try {
      await eventually(async () => (await unpublished()) === 0, 10_000, 20);
    } finally {
      await second.stop();
    }
    await spy.settle();
    const ids = spy.events().map((message) => message.messageId);
    expect(ids).toEqual(envelopes.map((envelope) => envelope.id));
    expect(new Set(ids).size).toBe(envelopes.length);
  });

  it("several relays draining the same outbox concurrently publish every event exactly once (SKIP LOCKED)", async () => {
    const envelopes = await emitLoginFailures(Array.from({ length: 12 }, (_, i) => `c${i}`));
    const relays = [relayWith({ batchSize: 3 }), relayWith({ batchSize: 3 }), relayWith({ batchSize: 3 })];
    const published = await Promise.all(relays.map((relay) => relay.drain()));
    await Promise.all(relays.map((relay) => relay.stop()));
    expect(published.reduce((a, b) => a + b, 0)).toBe(12);
    await spy.settle();
    const ids = spy.events().map((message) => message.messageId).sort();
    expect(ids).toEqual(envelopes.map((envelope) => envelope.id).sort());
  });

  it("a crash after the broker confirmed but before marking republishes the batch on the next run", async () => {
    const envelopes = await emitLoginFailures(["d1", "d2"]);
    let crashes = 0;
    const relay = relayWith({
      afterPublish: () => {
        if (crashes++ === 0) throw new Error("simulated crash before marking");
      },
    });
    await expect(relay.drain()).rejects.toThrow("simulated crash before marking");
    expect(await unpublished()).toBe(2);
    expect(await relay.drain()).toBe(2);
    expect(await unpublished()).toBe(0);
    await spy.settle();
    const ids = envelopes.map((envelope) => envelope.id);
    expect(spy.events().map((message) => message.messageId)).toEqual([...ids, ...ids]);
  });
});

describe("EventConsumer", () => {
  let consumer: EventConsumer;
  const effectsOf = (eventId: string) => count("SELECT count(*) AS n FROM effects WHERE event_id = $1::uuid", eventId);
  const processed = (eventId: string) => count("SELECT count(*) AS n FROM processed_events WHERE id = $1::uuid", eventId);

  /** Writes the effect, then fails for usernames starting with "fail-": the write must roll back. */
  async function onUserDeleted(event: EventEnvelope<"users.user.deleted">, tx: SqlTx) {
    await tx.$executeRawUnsafe("INSERT INTO effects (event_id, note) VALUES ($1::uuid, $2)", event.id, event.data.username);
    if (event.data.username.startsWith("fail-")) throw new Error(`handler failed for ${event.data.username}`);
  }

  beforeAll(async () => {
    consumer = new EventConsumer({ db, amqp, exchange: EXCHANGE, queue: QUEUE, handlers: { "users.user.deleted": onUserDeleted }, logger, deliveryLimit: 2 });
    await consumer.start();
    await eventually(async () => (await spy.channel.checkQueue(QUEUE)).consumerCount === 1, 5_000, 20);
  });
  afterAll(async () => {
    await consumer?.stop();
  });

  it("declares a durable quorum queue with a dead-letter queue", async () => {
    // Re-declaring with other arguments would fail with PRECONDITION_FAILED if the queue were not quorum.
    const channel = await spy.connection.createChannel();
    await expect(channel.assertQueue(QUEUE, { durable: true, arguments: { "x-queue-type": "quorum", "x-delivery-limit": 2, "x-dead-letter-exchange": "opsconductor.dlx", "x-dead-letter-routing-key": QUEUE } })).resolves.toMatchObject({ queue: QUEUE });
    await expect(channel.checkQueue(DLQ)).resolves.toMatchObject({ queue: DLQ });
    await channel.close();
  });

  it("process() applies an event once: a redelivered copy is skipped (processed_events dedupe)", async () => {
    const envelope = await emitUserDeleted("dedupe-direct");
    await expect(consumer.process(envelope)).resolves.toBe(true);
    await expect(consumer.process(envelope)).resolves.toBe(false);
    expect(await effectsOf(envelope.id)).toBe(1);
    expect(await processed(envelope.id)).toBe(1);
  });

  it("process() concurrently on two copies still applies the effect once", async () => {
    const envelope = await emitUserDeleted("dedupe-race");
    const results = await Promise.all([consumer.process(envelope), consumer.process(envelope)]);
    expect(results.sort()).toEqual([false, true]);
    expect(await effectsOf(envelope.id)).toBe(1);
  });

  it("process() ignores (and does not record) events without a handler", async () => {
    const [envelope] = await emitLoginFailures(["nobody-handles-this"]);
    await expect(consumer.process(envelope!)).resolves.toBe(false);
    expect(await processed(envelope!.id)).toBe(0);
  });

  it("relay crash after confirm: the broker delivers the batch twice, the real consumer applies each effect once", async () => {
    const envelopes = [await emitUserDeleted("twice-1"), await emitUserDeleted("twice-2")];
    const ids = envelopes.map((envelope) => envelope.id);
    logLines.length = 0;
    let crashes = 0;
    const relay = relayWith({
      afterPublish: () => {
        if (crashes++ === 0) throw new Error("simulated crash before marking");
      },
    });
    await expect(relay.drain()).rejects.toThrow("simulated crash");
    expect(await relay.drain()).toBe(2);
    await relay.stop();

    await spy.settle();
    expect(spy.events().map((message) => message.messageId)).toEqual([...ids, ...ids]);
    await eventually(async () => logged("duplicate event skipped").length === 2 && logged("event processed").length === 2, 10_000, 20);
    for (const id of ids) {
      expect(await effectsOf(id)).toBe(1);
      expect(await processed(id)).toBe(1);
    }
    expect(logged("duplicate event skipped").map((record) => record.eventId).sort()).toEqual([...ids].sort());
  });

  it("sends a message that fails to parse straight to <queue>.dlq", async () => {
    const notJson = `garbage-${randomUUID()}`;
    const badEnvelope = `invalid-${randomUUID()}`;
    spy.channel.publish(EXCHANGE, "users.user.deleted", Buffer.from("{not json"), { messageId: notJson });
    const invalid = { id: randomUUID(), type: "users.user.deleted", occurredAt: new Date().toISOString(), actor: SYSTEM_ACTOR, subject: { type: "user", id: "x" }, data: { id: "not-a-uuid" } };
    spy.channel.publish(EXCHANGE, "users.user.deleted", Buffer.from(JSON.stringify(invalid)), { messageId: badEnvelope });

    // x-death records why and from where the broker dead-lettered each message.
    const dead = new Map<string, { reason?: string; queue?: string }>();
    await eventually(async () => {
      for (const message of await spy.drainQueue(DLQ)) {
        const [death] = (message.properties.headers?.["x-death"] ?? []) as Array<{ reason?: string; queue?: string }>;
        dead.set(message.properties.messageId as string, { reason: death?.reason, queue: death?.queue });
      }
      return dead.has(notJson) && dead.has(badEnvelope);
    }, 10_000, 50);
    expect(dead.get(notJson)).toEqual({ reason: "rejected", queue: QUEUE });
    expect(dead.get(badEnvelope)).toEqual({ reason: "rejected", queue: QUEUE });
    expect(logged("unparseable event, dead-lettering").length).toBeGreaterThanOrEqual(2);
    expect(await processed(invalid.id)).toBe(0);
  });

  it("a handler that throws leaves no processed row and no half-applied effect", async () => {
    const envelope = await emitUserDeleted("fail-direct");
    await expect(consumer.process(envelope)).rejects.toThrow("handler failed for fail-direct");
    expect(await effectsOf(envelope.id)).toBe(0);
    expect(await processed(envelope.id)).toBe(0);
  });

  it("a delivered event whose handler keeps failing is retried (after a back-off) up to the delivery limit, then dead-lettered, with nothing applied", async () => {
    const envelope = await emitUserDeleted("fail-delivered");
    logLines.length = 0;
    const relay = relayWith();
    expect(await relay.drain()).toBe(1);
    await relay.stop();

    const dead = await eventually(async () => (await spy.drainQueue(DLQ)).find((message) => message.properties.messageId === envelope.id), 10_000, 50);
    expect(JSON.parse(dead.content.toString("utf8"))).toMatchObject({ id: envelope.id, type: "users.user.deleted" });
    // Attempt 1 failed and went to the retry queue; attempt 2 (the limit) failed and was dead-lettered.
    expect(logged("event handler failed").filter((record) => record.eventId === envelope.id)).toEqual([expect.objectContaining({ attempt: 1 })]);
    expect(logged("event handler failed, dead-lettering").filter((record) => record.eventId === envelope.id)).toEqual([expect.objectContaining({ attempt: 2 })]);
    expect(await effectsOf(envelope.id)).toBe(0);
    expect(await processed(envelope.id)).toBe(0);
  });
});
