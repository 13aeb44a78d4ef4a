import type { RequestContext } from "@opsconductor/kit/subgraph";
import { eventually } from "@opsconductor/kit/testing";
import { randomUUID } from "node:crypto";
import { startTargets, suffix, uniqueHost } from "./harness";

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
  it("publishes a created target's event to RabbitMQ and marks its outbox row published", async () => {
    const h = await startTargets({ OUTBOX_RELAY_ENABLED: "true" });
    try {
      const token = h.signer.sign({ id: randomUUID(), permissions: ["targets:write"] });
      const created = await h.graphql<{ createTarget: { id: string } }>(`mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }`,
        { input: { name: `relay-${suffix()}`, address: uniqueHost() } },
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
    } finally {
      await h.stop();
    }
  });
});
