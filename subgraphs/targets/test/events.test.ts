import type { RequestContext } from "@opsconductor/kit/subgraph";
import { BrokerSpy, eventually, outboxEvents } from "@opsconductor/kit/testing";
import { randomUUID } from "node:crypto";
import { startTargets, suffix, uniqueHost } from "./harness";

const RABBITMQ_URL = process.env.TEST_RABBITMQ_URL ?? "amqp://guest:guest@127.0.0.1:5672";

const writer = (): RequestContext => ({
  requestId: "test",
  user: { id: randomUUID(), username: "writer", roles: ["operator"], permissions: ["targets:read", "targets:write"] },
  actor: { userId: null, username: "writer", ip: null, userAgent: null },
});

describe("kit transaction()", () => {
  it("kicks the outbox relay once after each committed change and never after a refused one", async () => {
    const h = await startTargets({ OUTBOX_RELAY_ENABLED: "true" });
    try {
      const kick = jest.spyOn(h.subgraph.relay!, "kick");
      const service = h.subgraph.services.targets;
      const ctx = writer();
      const created = await service.create(ctx, { name: `hook-${suffix()}`, address: uniqueHost() });
      expect(kick).toHaveBeenCalledTimes(1);
      await service.update(ctx, created.id, { port: 2022 });
      await service.delete(ctx, created.id);
      expect(kick).toHaveBeenCalledTimes(3);

      await expect(service.create(ctx, { name: "", address: uniqueHost() })).rejects.toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
      await expect(service.delete(ctx, created.id)).rejects.toMatchObject({ extensions: { code: "NOT_FOUND" } });
      expect(kick).toHaveBeenCalledTimes(3);
    } finally {
      await h.stop();
    }
  });
});

describe("outbox relay", () => {
  it("publishes a created target's event to RabbitMQ once, as the envelope in its outbox row, and marks the row published", async () => {
    // Its own exchange, so this run's messages are the only ones its queue can see.
    const exchange = `opsconductor.test.targets-${suffix()}`;
    const spy = await BrokerSpy.open(RABBITMQ_URL, exchange);
    const h = await startTargets({ OUTBOX_RELAY_ENABLED: "true", EVENTS_EXCHANGE: exchange, RABBITMQ_URL });
    try {
      const userId = randomUUID();
      const token = h.signer.sign({ id: userId, username: "relay-writer", permissions: ["targets:write"] });
      const name = `relay-${suffix()}`;
      const address = uniqueHost();
      const created = await h.graphql<{ createTarget: { id: string } }>(
        `mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }`,
        { input: { name, address, port: 2222, tags: ["Relay"] } },
        { token },
      );
      const id = created.data!.createTarget.id;
      await eventually(async () => {
        const rows = await h.db.$queryRawUnsafe<Array<{ published_at: Date | null }>>(
          "SELECT published_at FROM outbox_events WHERE payload->'subject'->>'id' = $1",
          id,
        );
        return rows.length === 1 && rows[0].published_at !== null;
      });
      // The marker is routed after everything the broker confirmed, so a second copy would be seen too.
      await spy.settle();

      const [row] = await outboxEvents(h.db, { subjectId: id });
      // Other tests' rows in the shared test database may go out on this exchange too: only this target's count.
      const messages = spy.events().filter((message) => (JSON.parse(message.body) as { subject: { id: string } }).subject.id === id);
      expect(messages).toHaveLength(1);
      const [message] = messages;
      expect(message).toMatchObject({ routingKey: "targets.target.created", messageId: row!.id, deliveryMode: 2, contentType: "application/json" });
      const envelope = JSON.parse(message!.body) as Record<string, unknown>;
      expect(envelope).toEqual(row);
      expect(envelope).toMatchObject({
        id: row!.id,
        type: "targets.target.created",
        occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        actor: { userId, username: "relay-writer" },
        subject: { type: "Target", id },
        data: { id, name, address, port: 2222, tags: ["relay"] },
      });
    } finally {
      await h.stop();
      await spy.close({ deleteExchange: true });
    }
  });
});

describe("permission denials", () => {
  it("a FORBIDDEN mutation writes targets.permission.denied (actor, field, missing permission) to the outbox, and nothing of the refused work", async () => {
    const h = await startTargets();
    try {
      const userId = randomUUID();
      const token = h.signer.sign({ id: userId, username: "reader-only", permissions: ["targets:read"] });
      const name = `denied-${suffix()}`;
      const result = await h.graphql(
        `mutation Sneaky($input: CreateTargetInput!) { createTarget(input: $input) { id } }`,
        { input: { name, address: uniqueHost() } },
        { token, headers: { "user-agent": "denial-test" } },
      );
      expect(result.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      const denials = (await outboxEvents(h.db, { type: "targets.permission.denied" })).filter((event) => event.actor.userId === userId);
      expect(denials).toHaveLength(1);
      expect(denials[0]).toMatchObject({
        actor: { userId, username: "reader-only", userAgent: "denial-test" },
        subject: { type: "Operation", id: "createTarget" },
        data: { operationName: "Sneaky", operationType: "mutation", field: "createTarget", requiredPermissions: ["targets:write"] },
      });
      expect(await outboxEvents(h.db, { contains: name })).toEqual([]);
    } finally {
      await h.stop();
    }
  });
});
