import { AmqpConnection } from "../src/amqp";
import { EventConsumer } from "../src/consumer";
import { SYSTEM_ACTOR, type EventEnvelope } from "../src/events";
import { createLogger } from "../src/logger";
import { emitEvent, OutboxRelay, type SqlTx } from "../src/outbox";
import { eventually, freshDatabase, startPrivateBroker, uniqueSuffix, type PrivateBroker } from "../src/testing";
import { KIT_TEST_SCHEMA, pgClient, type PgClient } from "./helpers/pg-client";

/**
 * The relay and consumer under broker trouble, on a private RabbitMQ node (restarting the shared one
 * would break everyone else's runs): unroutable events stay pending, failing handlers retry with
 * back-off, and both sides resume by themselves after the broker restarts.
 */
const namespace = process.env.OPSC_TEST_NAMESPACE ?? "opsc";
const offset = Number(process.env.OPSC_E2E_PORT_OFFSET ?? 0);
const ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres";
const run = uniqueSuffix();
const EXCHANGE = `opsconductor.test.${run}`;

const logLines: string[] = [];
const logger = createLogger("kit-test", "debug", (line) => logLines.push(line));
const logged = (msg: string) => logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((record) => record.msg === msg);

let broker: PrivateBroker;
let db: PgClient;
let amqp: AmqpConnection;

beforeAll(async () => {
  broker = await startPrivateBroker({ name: `opsc-${namespace}-kit`, port: 5680 + offset });
  db = pgClient(await freshDatabase(ADMIN_URL, `${namespace}_test_kit_reliable`));
  await db.pool.query(KIT_TEST_SCHEMA);
  amqp = new AmqpConnection(broker.url, logger, "kit-reliable-test");
}, 90_000);

afterAll(async () => {
  await amqp?.close();
  await db?.end();
  await broker?.destroy();
}, 90_000);

const count = async (sql: string, ...values: unknown[]) => Number((await db.$queryRawUnsafe<Array<{ n: string }>>(sql, ...values))[0]!.n);
const isPublished = async (id: string) => (await count("SELECT count(*) AS n FROM outbox_events WHERE id = $1::uuid AND published_at IS NOT NULL", id)) === 1;
const effectsOf = (eventId: string) => count("SELECT count(*) AS n FROM effects WHERE event_id = $1::uuid", eventId);

async function emit(type: "users.user.deleted" | "auth.login.failed", username: string): Promise<EventEnvelope> {
  return db.$transaction<EventEnvelope>((tx) =>
    type === "users.user.deleted"
      ? emitEvent(tx, type, { actor: SYSTEM_ACTOR, subject: { type: "user", id: username }, data: { id: "00000000-0000-4000-8000-000000000001", username } })
      : emitEvent(tx, type, { actor: SYSTEM_ACTOR, subject: { type: "credential", id: username }, data: { username, reason: "invalid_credentials" } }),
  );
}

const recordEffect = async (event: EventEnvelope, tx: SqlTx) => {
  await tx.$executeRawUnsafe("INSERT INTO effects (event_id, note) VALUES ($1::uuid, $2)", event.id, event.type);
};

describe("unroutable events (mandatory flag)", () => {
  it("stay pending with back-off, logged once per return, do not hold back routable ones, and go out once a queue is bound", async () => {
    const queue = `kit-unroutable-${run}`;
    // Only users.user.deleted is bound; auth.login.failed has nowhere to go.
    const deletions = new EventConsumer({ db, amqp, exchange: EXCHANGE, queue, handlers: { "users.user.deleted": recordEffect }, logger });
    await deletions.start();
    const relay = new OutboxRelay({ db, amqp, exchange: EXCHANGE, logger, intervalMs: 50, unroutableBackoffMs: { base: 400, max: 400 } });
    let all: EventConsumer | undefined;
    try {
      const lost = await emit("auth.login.failed", "nobody-listens");
      const routed = await emit("users.user.deleted", "routed");
      relay.start();
      await eventually(() => isPublished(routed.id), 15_000, 20);
      await eventually(async () => (await effectsOf(routed.id)) === 1, 15_000, 20);
      await eventually(async () => (await count("SELECT attempts AS n FROM outbox_events WHERE id = $1::uuid", lost.id)) >= 2, 15_000, 20);
      expect(await isPublished(lost.id)).toBe(false);
      const row = (await db.$queryRawUnsafe<Array<{ attempts: number; last_error: string }>>("SELECT attempts, last_error FROM outbox_events WHERE id = $1::uuid", lost.id))[0]!;
      expect(row.last_error).toMatch(/unroutable/);
      // Logged once per return, not once per poll (the relay polls every 50 ms, the back-off is 400 ms).
      const lines = logged("event unroutable, kept in the outbox").filter((record) => record.eventId === lost.id);
      expect(lines.length).toBeGreaterThanOrEqual(row.attempts - 1);
      expect(lines.length).toBeLessThanOrEqual(row.attempts);

      // A queue bound to `#` (as the audit trail's) makes it routable: it goes out at its next attempt.
      all = new EventConsumer({ db, amqp, exchange: EXCHANGE, queue: `${queue}-all`, handlers: { "auth.login.failed": recordEffect }, bindings: ["#"], logger });
      await all.start();
      await eventually(() => isPublished(lost.id), 15_000, 20);
      await eventually(async () => (await effectsOf(lost.id)) === 1, 15_000, 20);
    } finally {
      await relay.stop();
      await deletions.stop();
      await all?.stop();
    }
  }, 60_000);
});

describe("consumer redelivery", () => {
  it("retries a failing handler with back-off through the retry queues, applies the effect once, and dead-letters after the limit", async () => {
    const queue = `kit-retry-${run}`;
    const attempts = new Map<string, number[]>();
    const consumer = new EventConsumer({
      db,
      amqp,
      exchange: EXCHANGE,
      queue,
      deliveryLimit: 3,
      retryDelaysMs: [500, 1_000],
      logger,
      handlers: {
        "users.user.deleted": async (event, tx) => {
          attempts.set(event.id, [...(attempts.get(event.id) ?? []), Date.now()]);
          await recordEffect(event, tx);
          // "flaky" succeeds on its third attempt; "broken" never does.
          if (event.data.username === "broken" || attempts.get(event.id)!.length < 3) throw new Error(`handler failed for ${event.data.username}`);
        },
      },
    });
    await consumer.start();
    const relay = new OutboxRelay({ db, amqp, exchange: EXCHANGE, logger, intervalMs: 50 });
    try {
      const flaky = await emit("users.user.deleted", "flaky");
      const broken = await emit("users.user.deleted", "broken");
      await relay.drain();
      await eventually(async () => (await effectsOf(flaky.id)) === 1, 20_000, 20);
      const times = attempts.get(flaky.id)!;
      expect(times).toHaveLength(3);
      // Back-off between attempts: at least the retry queue's delay (minus timer slack).
      expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(450);
      expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(950);

      const model = await amqp.get();
      const channel = await model.createChannel();
      try {
        const dead = await eventually(async () => {
          const message = await channel.get(`${queue}.dlq`);
          if (message) channel.ack(message);
          return message && message.properties.messageId === broken.id ? message : undefined;
        }, 20_000, 100);
        expect(JSON.parse(dead.content.toString("utf8"))).toMatchObject({ id: broken.id });
        expect(attempts.get(broken.id)).toHaveLength(3);
        expect(await effectsOf(broken.id)).toBe(0);
      } finally {
        await channel.close();
      }
    } finally {
      await relay.stop();
      await consumer.stop();
    }
  }, 60_000);
});

describe("broker restart", () => {
  it("relay and consumer resume by themselves: every event published once marked, applied exactly once, nothing left pending", async () => {
    const queue = `kit-restart-${run}`;
    const consumer = new EventConsumer({ db, amqp, exchange: EXCHANGE, queue, handlers: { "users.user.deleted": recordEffect }, logger });
    await consumer.start();
    const relay = new OutboxRelay({ db, amqp, exchange: EXCHANGE, logger, intervalMs: 50 });
    relay.start();
    const ids: string[] = [];
    try {
      for (let i = 0; i < 30; i += 1) ids.push((await emit("users.user.deleted", `before-${i}`)).id);
      const restarting = broker.restart();
      // Events written while the broker is down wait in the outbox.
      for (let i = 0; i < 30; i += 1) {
        ids.push((await emit("users.user.deleted", `during-${i}`)).id);
        relay.kick();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await restarting;
      for (let i = 0; i < 30; i += 1) ids.push((await emit("users.user.deleted", `after-${i}`)).id);
      relay.kick();
      await eventually(async () => (await count("SELECT count(*) AS n FROM outbox_events WHERE published_at IS NULL AND id = ANY($1::uuid[])", ids)) === 0, 60_000, 100);
      await eventually(async () => (await count("SELECT count(DISTINCT event_id) AS n FROM effects WHERE event_id = ANY($1::uuid[])", ids)) === ids.length, 60_000, 100);
      expect(await count("SELECT count(*) AS n FROM effects WHERE event_id = ANY($1::uuid[])", ids)).toBe(ids.length);
      // The outage was logged, but not once per poll.
      expect(logged("outbox relay failed, will retry").length).toBeLessThanOrEqual(5);
    } finally {
      await relay.stop();
      await consumer.stop();
    }
  }, 120_000);
});
