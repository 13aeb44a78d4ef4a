import { createLogger, forbidden, liveChannel, liveTopics, unauthenticated, type AuthUser } from "@opsconductor/kit/gateway";
import { buildSchema, type ExecutionResult, type FormattedExecutionResult } from "graphql";
import { LiveHub, type RedisSubscriber } from "./hub";
import { CLOSE_UNAUTHORIZED, LiveConnection, LiveLayer, type LiveExecutor } from "./layer";
import { prepareSubscription, type PreparedSubscription } from "./operation";
import type { LiveStream } from "./stream";

const schema = buildSchema(`
  type User { id: ID! username: String! }
  type ConnectionTestBatch { id: ID! total: Int! done: Int! createdBy: User }
  type Run { id: ID! status: String! }
  type RunOutputChunk { id: ID! text: String! }
  type Query { connectionTestBatch(id: ID!): ConnectionTestBatch run(id: ID!): Run runOutputChunk(id: ID!): RunOutputChunk }
  type Subscription {
    connectionTestBatchUpdated(batchId: ID!): ConnectionTestBatch!
    runOutput(runId: ID!, targetId: ID): RunOutputChunk!
  }
`);
const PREFIX = "spec:";
const BATCH = `subscription($id: ID!) { connectionTestBatchUpdated(batchId: $id) { done total } }`;

/** A JWT-shaped token (the layer reads only `exp` from it; the fake verify decides validity). */
const token = (name: string, exp = Math.floor(Date.now() / 1000) + 900) =>
  `h.${Buffer.from(JSON.stringify({ sub: name, exp })).toString("base64url")}.${name}`;

function harness() {
  const commands: string[] = [];
  let deliver: (channel: string, message: string) => void = () => undefined;
  const redis: RedisSubscriber = {
    subscribe: async (channel) => void commands.push(`SUBSCRIBE ${channel}`),
    unsubscribe: async (channel) => void commands.push(`UNSUBSCRIBE ${channel}`),
    on: (_event, listener) => (deliver = listener),
  };
  const users = new Map<string, AuthUser>();
  const revoked = new Set<string>();
  const batches = new Map<string, { id: string; done: number; total: number }>();
  const gate: { wait?: Promise<void> } = {};
  const executions: Array<{ variables: Record<string, unknown>; token: string }> = [];
  const execute = jest.fn<ReturnType<LiveExecutor>, Parameters<LiveExecutor>>(async (query, variables, session) => {
    executions.push({ variables, token: session.token });
    if (gate.wait) await gate.wait;
    const key = query.text.match(/\{\s+(\w+)(?::|\()/)?.[1] ?? "";
    if (!session.user.permissions.includes("targets:read")) {
      return { data: { [key]: null }, errors: [{ message: forbidden("Missing permission: targets:read").message, path: [key], extensions: { code: "FORBIDDEN" } }] };
    }
    const batch = batches.get(String(variables.live_id));
    return { data: { [key]: batch ? { ...batch } : null } } as FormattedExecutionResult;
  });
  const verify = async (value: string) => {
    const user = users.get(value);
    if (!user) throw unauthenticated("Invalid access token");
    if (revoked.has(value)) throw unauthenticated("Access token has been revoked");
    const exp = JSON.parse(Buffer.from(value.split(".")[1], "base64url").toString()).exp as number;
    if (exp * 1000 <= Date.now()) throw unauthenticated("Access token expired");
    return user;
  };
  const logger = createLogger("layer-spec", "silent");
  const layer = new LiveLayer({ hub: new LiveHub(redis, logger), prefix: PREFIX, execute, verify, logger, tokenCheckMs: 0 });
  const closes: Array<{ code: number; reason: string }> = [];

  async function connect(name: string, permissions = ["targets:read"], tokenValue = token(name)) {
    users.set(tokenValue, { id: `user-${name}`, username: name, roles: [], permissions });
    const connection = await layer.connect(tokenValue, { ip: "127.0.0.1", userAgent: "spec" }, (code, reason) => closes.push({ code, reason }));
    return { connection, token: tokenValue };
  }
  function subscribe(connection: LiveConnection, query = BATCH, variables: Record<string, unknown> = { id: "b1" }) {
    const prepared = prepareSubscription(schema, { query, variables }, {}) as PreparedSubscription;
    if (Array.isArray(prepared)) throw new Error(JSON.stringify(prepared));
    return layer.subscribe(connection, prepared);
  }
  const publish = (channel: string, event: Record<string, unknown>) => deliver(liveChannel(PREFIX, channel), JSON.stringify(event));
  const batchEvent = (id = "b1") => publish(`targets.connection-test-batch.${id}`, { __typename: "ConnectionTestBatch", id });
  return { layer, commands, users, revoked, batches, gate, executions, execute, connect, subscribe, publish, batchEvent, closes };
}

/** Waits until every queued promise callback and I/O callback has run. */
const settle = async () => {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

async function take(stream: LiveStream<ExecutionResult>, count: number): Promise<ExecutionResult[]> {
  const results: ExecutionResult[] = [];
  for (let i = 0; i < count; i += 1) {
    const next = await stream.next();
    if (next.done) break;
    results.push(JSON.parse(JSON.stringify(next.value)));
  }
  return results;
}
const done = (stream: LiveStream<ExecutionResult>) => stream.next().then((result) => result.done);

describe("LiveLayer", () => {
  it("sends the current state first, then the query's answer after each event, in order", async () => {
    const h = harness();
    h.batches.set("b1", { id: "b1", done: 0, total: 3 });
    const { connection } = await h.connect("ann");
    const stream = h.subscribe(connection);
    expect(await take(stream, 1)).toEqual([{ data: { connectionTestBatchUpdated: { id: "b1", done: 0, total: 3 } } }]);
    for (let progress = 1; progress <= 3; progress += 1) {
      h.batches.get("b1")!.done = progress;
      h.batchEvent();
      expect((await take(stream, 1))[0].data).toEqual({ connectionTestBatchUpdated: { id: "b1", done: progress, total: 3 } });
    }
    h.batchEvent("b2");
    await settle();
    expect(h.execute).toHaveBeenCalledTimes(4);
    expect(h.commands).toEqual(["SUBSCRIBE spec:live:targets.connection-test-batch.b1"]);
    expect(h.executions.every((execution) => execution.token === connection.session.token)).toBe(true);
  });

  it("refuses at subscribe time with the query's error (FORBIDDEN) and completes, leaving the channel", async () => {
    const h = harness();
    h.batches.set("b1", { id: "b1", done: 0, total: 1 });
    const { connection } = await h.connect("viewer", []);
    const stream = h.subscribe(connection);
    const [result] = await take(stream, 1);
    expect(result).toEqual({ data: null, errors: [expect.objectContaining({ message: "Missing permission: targets:read", extensions: { code: "FORBIDDEN" } })] });
    expect(await done(stream)).toBe(true);
    expect(h.commands).toEqual(["SUBSCRIBE spec:live:targets.connection-test-batch.b1", "UNSUBSCRIBE spec:live:targets.connection-test-batch.b1"]);
    expect(h.layer.stats).toMatchObject({ subscriptions: 0, channels: 0 });
  });

  it("answers NOT_FOUND when the topic's query answers null, and completes", async () => {
    const h = harness();
    const { connection } = await h.connect("ann");
    const stream = h.subscribe(connection, BATCH, { id: "missing" });
    const [result] = await take(stream, 1);
    expect(result.errors).toEqual([expect.objectContaining({ message: 'Not found: connectionTestBatch(id: "missing")', extensions: { code: "NOT_FOUND" } })]);
    expect(await done(stream)).toBe(true);
  });

  async function sharing(sharedAcrossUsers: boolean, subscribers: Array<[string, string[]]>) {
    const h = harness();
    h.batches.set("b1", { id: "b1", done: 0, total: 9 });
    const streams: Array<LiveStream<ExecutionResult>> = [];
    for (const [name, permissions] of subscribers) {
      const { connection } = await h.connect(name, permissions, token(name + streams.length));
      h.users.set(connection.session.token, { ...connection.session.user, id: `user-${name}` });
      const prepared = prepareSubscription(schema, { query: BATCH, variables: { id: "b1" } }, {}) as PreparedSubscription;
      streams.push(h.layer.subscribe(connection, { ...prepared, topic: { ...prepared.topic, sharedAcrossUsers } }));
    }
    for (const stream of streams) await take(stream, 1);
    h.execute.mockClear();
    h.batches.get("b1")!.done = 1;
    h.batchEvent();
    const payloads = await Promise.all(streams.map((stream) => take(stream, 1)));
    expect(payloads.map(([payload]) => (payload.data as { connectionTestBatchUpdated: { done: number } }).connectionTestBatchUpdated.done)).toEqual(subscribers.map(() => 1));
    expect(h.commands).toHaveLength(1);
    return h.execute.mock.calls.map(([, , session]) => session.user.id);
  }
  const reader = ["targets:read"];
  const admin = ["targets:read", "targets:write"];

  it("runs one execution per event for subscribers with the same document, variables and user; another user gets their own", async () => {
    const executedAs = await sharing(false, [["ann", reader], ["ann", reader], ["ann", reader], ["bob", reader]]);
    expect(executedAs.sort()).toEqual(["user-ann", "user-bob"]);
  });

  it("on a topic shared across users: one execution per event per permission set, whoever the subscribers are", async () => {
    const executedAs = await sharing(true, [["ann", reader], ["bob", reader], ["cid", reader], ["dee", admin], ["eve", admin]]);
    expect(executedAs).toHaveLength(2);
  });

  it("every topic of the supergraph that shares across users has a query guarded by permissions only (listed here on purpose)", () => {
    const shared = Object.entries(liveTopics).filter(([, topic]) => (topic as { sharedAcrossUsers?: boolean }).sharedAcrossUsers).map(([field]) => field);
    // Adding a topic here is a claim that its answers never depend on who asks: review its resolvers first.
    expect(shared.sort()).toEqual(["connectionTestBatchUpdated", "runOutput", "runUpdated"]);
  });

  it("delivers in order and merges events whose query has not started yet (it reads the newer state anyway)", async () => {
    const h = harness();
    h.batches.set("b1", { id: "b1", done: 0, total: 9 });
    const { connection } = await h.connect("ann");
    const stream = h.subscribe(connection);
    await take(stream, 1);
    let release!: () => void;
    h.gate.wait = new Promise<void>((resolve) => (release = resolve));
    h.batches.get("b1")!.done = 1;
    h.batchEvent();
    await settle();
    for (let progress = 2; progress <= 5; progress += 1) {
      h.batches.get("b1")!.done = progress;
      h.batchEvent();
    }
    h.gate.wait = undefined;
    release();
    const seen = (await take(stream, 2)).map((payload) => (payload.data as { connectionTestBatchUpdated: { done: number } }).connectionTestBatchUpdated.done);
    // The first query ran while 2..5 were published; those four merged into one query, run after it.
    expect(seen).toEqual([5, 5]);
    expect(h.execute).toHaveBeenCalledTimes(3);
  });

  it("closes the connection (4401, with the reason) when its token is refused at an event, ending its subscriptions and channels", async () => {
    const h = harness();
    h.batches.set("b1", { id: "b1", done: 0, total: 9 });
    const { connection, token: value } = await h.connect("ann");
    const stream = h.subscribe(connection);
    await take(stream, 1);
    h.revoked.add(value);
    h.batchEvent();
    expect(await done(stream)).toBe(true);
    expect(h.closes).toEqual([{ code: CLOSE_UNAUTHORIZED, reason: "Access token has been revoked" }]);
    expect(h.commands.at(-1)).toBe("UNSUBSCRIBE spec:live:targets.connection-test-batch.b1");
    expect(h.layer.stats).toEqual({ connections: 0, subscriptions: 0, channels: 0 });
  });

  it("skips an event whose token check could not run (Redis slow), keeping the connection; the next event is delivered", async () => {
    const h = harness();
    h.batches.set("b1", { id: "b1", done: 0, total: 9 });
    const { connection, token: value } = await h.connect("ann");
    const stream = h.subscribe(connection);
    await take(stream, 1);
    const user = h.users.get(value)!;
    h.users.delete(value);
    const verify = (h.layer as unknown as { options: { verify(token: string): Promise<unknown> } }).options;
    const original = verify.verify;
    verify.verify = async () => {
      throw unauthenticated("Cannot verify access token right now");
    };
    h.batchEvent();
    await settle();
    verify.verify = original;
    h.users.set(value, user);
    h.batches.get("b1")!.done = 2;
    h.batchEvent();
    expect((await take(stream, 1))[0].data).toEqual({ connectionTestBatchUpdated: { id: "b1", done: 2, total: 9 } });
    expect(connection.closed).toBe(false);
    expect(h.closes).toEqual([]);
  });

  it("closes connections whose token was recalled at the periodic check, and when the token expires", async () => {
    const h = harness();
    h.batches.set("b1", { id: "b1", done: 0, total: 9 });
    const recalled = await h.connect("ann");
    const kept = await h.connect("bob");
    h.revoked.add(recalled.token);
    await h.layer.checkTokens();
    expect(recalled.connection.closed).toBe(true);
    expect(kept.connection.closed).toBe(false);
    const expiring = await h.connect("eve", ["targets:read"], token("eve", Date.now() / 1000 + 0.3));
    const stream = h.subscribe(expiring.connection);
    await take(stream, 1);
    expect(await done(stream)).toBe(true);
    expect(h.closes).toEqual([
      { code: CLOSE_UNAUTHORIZED, reason: "Access token has been revoked" },
      { code: CLOSE_UNAUTHORIZED, reason: "Access token expired" },
    ]);
  });

  it("ends a subscription whose event query is refused (FORBIDDEN, NOT_FOUND) but reports other failures and goes on", async () => {
    const h = harness();
    h.batches.set("b1", { id: "b1", done: 0, total: 9 });
    const { connection } = await h.connect("ann");
    const stream = h.subscribe(connection);
    await take(stream, 1);
    h.execute.mockImplementationOnce(async () => ({ data: null, errors: [{ message: "Internal error", extensions: { code: "INTERNAL_SERVER_ERROR" } }] }));
    h.batchEvent();
    expect(await take(stream, 1)).toEqual([{ data: null, errors: [expect.objectContaining({ message: "Internal error" })] }]);
    h.batches.delete("b1");
    h.batchEvent();
    expect((await take(stream, 1))[0].errors).toEqual([expect.objectContaining({ extensions: { code: "NOT_FOUND" } })]);
    expect(await done(stream)).toBe(true);
  });

  it("leaves the Redis channel at once when the client leaves, even while an event's query is running", async () => {
    const h = harness();
    h.batches.set("b1", { id: "b1", done: 0, total: 9 });
    const { connection } = await h.connect("ann");
    const stream = h.subscribe(connection);
    await take(stream, 1);
    h.gate.wait = new Promise<void>(() => undefined);
    h.batchEvent();
    await settle();
    await stream.return();
    expect(h.commands).toEqual(["SUBSCRIBE spec:live:targets.connection-test-batch.b1", "UNSUBSCRIBE spec:live:targets.connection-test-batch.b1"]);
    expect(h.layer.stats).toMatchObject({ subscriptions: 0, channels: 0 });
  });

  it("stream topics: authorizes without sending, then runs the query per accepted event with the event's arguments", async () => {
    const h = harness();
    const { connection } = await h.connect("ann");
    h.execute.mockImplementation(async (query, variables) => {
      if (query.text.includes("run(id:")) return { data: { runOutput: { __typename: "Run" } } };
      return { data: { runOutput: { id: variables.live_id, text: `chunk ${String(variables.live_id)}` } } };
    });
    const stream = h.subscribe(connection, `subscription { runOutput(runId: "r1", targetId: "t1") { id text } }`, {});
    await settle();
    expect(h.execute.mock.calls[0][0].text).toContain("runOutput: run(id: $live_id)");
    h.publish("executions.run-output.r1", { __typename: "RunOutputChunk", id: "c1", targetId: "t1" });
    h.publish("executions.run-output.r1", { __typename: "RunOutputChunk", id: "c2", targetId: "t2" });
    h.publish("executions.run-output.r1", { __typename: "RunOutputChunk", id: "c3", targetId: "t1" });
    h.publish("executions.run-output.r1", "not an event" as never);
    expect(await take(stream, 2)).toEqual([{ data: { runOutput: { id: "c1", text: "chunk c1" } } }, { data: { runOutput: { id: "c3", text: "chunk c3" } } }]);
  });

  it("refuses a connection whose token does not verify", async () => {
    const h = harness();
    await expect(h.layer.connect("nope", { ip: null, userAgent: null }, () => undefined)).rejects.toThrow("Invalid access token");
  });

  it("acts on a token's expiry only once the wall clock has reached it, even when the timer wakes early", () => {
    jest.useFakeTimers();
    try {
      const expiresAt = Date.now() + 300;
      const expired = jest.fn();
      const session = { token: "t", user: { id: "u", username: "u", roles: [], permissions: [] }, actor: { ip: null, userAgent: null, userId: "u", username: "u" } };
      const connection = new LiveConnection(session, () => undefined, expiresAt, expired);
      // The timer runs on its own clock: the wall clock lags it by 1 ms here, as it can in Node.
      jest.setSystemTime(Date.now() - 1);
      jest.advanceTimersByTime(300);
      expect(Date.now()).toBe(expiresAt - 1);
      expect(expired).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
      expect(expired).toHaveBeenCalledWith(connection);
      connection.dispose();
    } finally {
      jest.useRealTimers();
    }
  });
});
