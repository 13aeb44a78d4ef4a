import { liveChannel, liveTopic, liveTopics, publishLive } from "./live";

describe("live topics", () => {
  it("every topic says how a subscriber is authorized: the current state (state topics) or an authorize query (stream topics)", () => {
    for (const [field, topic] of Object.entries(liveTopics)) {
      const generic = liveTopic(field)!;
      expect(generic).toBe(topic);
      expect(Boolean(generic.current) !== Boolean(generic.authorize)).toBe(true);
    }
  });

  it("looks a field up without inherited keys", () => {
    expect(liveTopic("connectionTestBatchUpdated")?.owner).toBe("targets");
    expect(liveTopic("toString")).toBeUndefined();
    expect(liveTopic("__proto__")).toBeUndefined();
  });

  it("connectionTestBatchUpdated: one channel per batch, connectionTestBatch(id) per event and at subscribe time", () => {
    const topic = liveTopics.connectionTestBatchUpdated;
    expect(liveChannel("opsc:", topic.channel({ batchId: "b1" }))).toBe("opsc:live:targets.connection-test-batch.b1");
    expect(topic.query.field).toBe("connectionTestBatch");
    expect(topic.query.args({ batchId: "b1" }, { __typename: "ConnectionTestBatch", id: "b1" })).toEqual({ id: "b1" });
    expect(topic.current?.({ batchId: "b1" })).toEqual({ id: "b1" });
  });

  it("publishes only a valid small event, as JSON, on the prefixed channel", async () => {
    const published: Array<[string, string]> = [];
    const redis = { publish: async (channel: string, message: string) => published.push([channel, message]) };
    await publishLive(redis, "p:", "x.y", { __typename: "Run", id: "r1", status: "RUNNING" });
    expect(published).toEqual([["p:live:x.y", '{"__typename":"Run","id":"r1","status":"RUNNING"}']]);
    await expect(publishLive(redis, "p:", "x.y", { __typename: "Run", id: "r1", nested: { no: 1 } } as never)).rejects.toThrow();
    await expect(publishLive(redis, "p:", "x.y", { __typename: "", id: "r1" })).rejects.toThrow();
  });
});
