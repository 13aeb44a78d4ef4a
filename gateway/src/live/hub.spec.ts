import { createLogger } from "@opsconductor/kit/gateway";
import { LiveHub, type RedisSubscriber } from "./hub";

/** An in-memory stand-in for an ioredis connection in subscriber mode, recording its commands. */
function fakeRedis() {
  const commands: string[] = [];
  let onMessage: (channel: string, message: string) => void = () => undefined;
  let failNext = false;
  const redis: RedisSubscriber = {
    subscribe: async (channel) => {
      commands.push(`SUBSCRIBE ${channel}`);
      if (failNext) {
        failNext = false;
        throw new Error("redis down");
      }
    },
    unsubscribe: async (channel) => void commands.push(`UNSUBSCRIBE ${channel}`),
    on: (_event, listener) => (onMessage = listener),
  };
  return { redis, commands, publish: (channel: string, message: string) => onMessage(channel, message), failNextSubscribe: () => (failNext = true) };
}

const logger = createLogger("hub-spec", "silent");

describe("LiveHub", () => {
  it("subscribes a channel once for many listeners, fans each message out, and unsubscribes when the last leaves", async () => {
    const fake = fakeRedis();
    const hub = new LiveHub(fake.redis, logger);
    const a: string[] = [];
    const b: string[] = [];
    const first = hub.listen("p:live:x", (message) => a.push(message));
    const second = hub.listen("p:live:x", (message) => b.push(message));
    await Promise.all([first.ready, second.ready]);
    expect(fake.commands).toEqual(["SUBSCRIBE p:live:x"]);
    fake.publish("p:live:x", "1");
    fake.publish("p:live:other", "ignored");
    expect([a, b]).toEqual([["1"], ["1"]]);
    first.close();
    first.close();
    expect(fake.commands).toEqual(["SUBSCRIBE p:live:x"]);
    fake.publish("p:live:x", "2");
    expect([a, b]).toEqual([["1"], ["1", "2"]]);
    second.close();
    expect(fake.commands).toEqual(["SUBSCRIBE p:live:x", "UNSUBSCRIBE p:live:x"]);
    expect(hub.channelCount).toBe(0);
    const third = hub.listen("p:live:x", () => undefined);
    await third.ready;
    expect(fake.commands).toEqual(["SUBSCRIBE p:live:x", "UNSUBSCRIBE p:live:x", "SUBSCRIBE p:live:x"]);
  });

  it("reports a failed SUBSCRIBE to the listeners waiting on it, and the next listener tries again", async () => {
    const fake = fakeRedis();
    const hub = new LiveHub(fake.redis, logger);
    fake.failNextSubscribe();
    const failed = hub.listen("c", () => undefined);
    await expect(failed.ready).rejects.toThrow("redis down");
    const retried = hub.listen("c", () => undefined);
    await expect(retried.ready).resolves.toBeUndefined();
    expect(fake.commands).toEqual(["SUBSCRIBE c", "SUBSCRIBE c"]);
  });

  it("keeps delivering to the other listeners when one throws", () => {
    const fake = fakeRedis();
    const hub = new LiveHub(fake.redis, logger);
    const seen: string[] = [];
    hub.listen("c", () => {
      throw new Error("boom");
    });
    hub.listen("c", (message) => seen.push(message));
    fake.publish("c", "m");
    expect(seen).toEqual(["m"]);
  });
});
