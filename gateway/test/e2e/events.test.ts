import * as amqp from "amqplib";
import { Client } from "pg";
import { gql, loginAsAdmin, restartService, stack, unique } from "./stack";

const CREATE = `mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }`;

interface Received {
  messageId: string;
  persistent: boolean;
  body: { id: string; type: string; actor: Record<string, unknown>; subject: { id: string }; data: Record<string, unknown> };
}

/** An exclusive queue bound to targets.target.created that records every delivery. */
async function listen() {
  const connection = await amqp.connect("amqp://guest:guest@127.0.0.1:5672");
  const channel = await connection.createChannel();
  await channel.assertExchange(stack().exchange, "topic", { durable: true });
  const { queue } = await channel.assertQueue("", { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, stack().exchange, "targets.target.created");
  const received: Received[] = [];
  await channel.consume(queue, (message) => {
    if (!message) return;
    received.push({
      messageId: String(message.properties.messageId),
      persistent: message.properties.deliveryMode === 2,
      body: JSON.parse(message.content.toString()),
    });
    channel.ack(message);
  });
  return { received, close: () => connection.close() };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function outboxState(targetId: string) {
  const client = new Client({ connectionString: stack().envs.targets.DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query(
      "SELECT id::text, published_at FROM outbox_events WHERE type = 'targets.target.created' AND payload->'subject'->>'id' = $1",
      [targetId],
    );
    return rows as Array<{ id: string; published_at: Date | null }>;
  } finally {
    await client.end();
  }
}

describe("transactional outbox → RabbitMQ", () => {
  let listener: Awaited<ReturnType<typeof listen>>;
  let token: string;
  beforeAll(async () => {
    listener = await listen();
    token = (await loginAsAdmin()).accessToken;
  });
  afterAll(async () => {
    await listener.close();
  });

  it("puts targets.target.created on RabbitMQ exactly once per created target", async () => {
    const created = await gql<{ createTarget: { id: string } }>(CREATE, { input: { name: unique("evt"), address: "10.60.0.1", port: 2201 } }, token);
    const id = created.data!.createTarget.id;
    await settle(1500);
    const mine = listener.received.filter((message) => message.body.subject.id === id);
    expect(mine).toHaveLength(1);
    expect(mine[0].body.type).toBe("targets.target.created");
    expect(mine[0].messageId).toBe(mine[0].body.id);
    expect(mine[0].persistent).toBe(true);
    expect(mine[0].body.actor).toEqual(expect.objectContaining({ username: "admin" }));
  });

  it("delivers exactly once when the relay is stopped and restarted mid-way", async () => {
    // Stop the targets service's relay: restart it with the relay switched off.
    await restartService("targets", { OUTBOX_RELAY_ENABLED: "false" });
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const created = await gql<{ createTarget: { id: string } }>(CREATE, { input: { name: unique("held"), address: `10.61.0.${i + 1}`, port: 22 } }, token);
      expect(created.errors).toBeUndefined();
      ids.push(created.data!.createTarget.id);
    }
    await settle(1000);
    expect(listener.received.filter((message) => ids.includes(message.body.subject.id))).toHaveLength(0);
    for (const id of ids) {
      const rows = await outboxState(id);
      expect(rows).toHaveLength(1);
      expect(rows[0].published_at).toBeNull();
    }

    // Restart with the relay on: the held events go out, each exactly once.
    await restartService("targets");
    await settle(2000);
    for (const id of ids) {
      const deliveries = listener.received.filter((message) => message.body.subject.id === id);
      expect(deliveries).toHaveLength(1);
      expect((await outboxState(id))[0].published_at).not.toBeNull();
    }
  });
});
