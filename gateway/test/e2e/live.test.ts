import { eventually, startSshd, withFreshPort, type SshdFixture } from "@opsconductor/kit/testing";
import { liveChannel, liveTopics, publishLive } from "@opsconductor/kit";
import { Redis } from "ioredis";
import net from "node:net";
import { collect, liveClient, type LiveResult, type LiveTestClient } from "../live-client";
import { createUserAndLogin, gatewayUrl, gql, loginAsAdmin, signWithAuthKey, stack, startExtraGateway, unique } from "./stack";

/**
 * Subscriptions through the gateway (graphql-ws on /graphql): a bulk connection test over targets
 * served by real sshd processes on 127.0.0.1 (and silent listeners, which time out after the stack's
 * 3 s, so the batch is still running when the subscription starts), followed live.
 */

let sshd: SshdFixture;
let admin: string;
let operator: Awaited<ReturnType<typeof createUserAndLogin>>;
let redis: Redis;
const silent: net.Server[] = [];
const sockets: net.Socket[] = [];
const clients: LiveTestClient[] = [];

const BATCH_SUBSCRIPTION = `subscription Progress($id: ID!) {
  connectionTestBatchUpdated(batchId: $id) { id total done ok failed finishedAt createdBy { username } results { targetId ok errorCategory } }
}`;
type Batch = { id: string; total: number; done: number; ok: number; failed: number; finishedAt: string | null; createdBy: { username: string } | null; results: Array<{ ok: boolean }> };
const batchOf = (result: LiveResult) => (result.data as { connectionTestBatchUpdated: Batch } | null)?.connectionTestBatchUpdated;

async function call<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, token = operator.accessToken): Promise<T> {
  const result = await gql<T>(query, variables, token);
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

async function target(port: number, credentialId: string): Promise<string> {
  const created = await withFreshPort((own) =>
    call<{ createTarget: { id: string } }>("mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }", { input: { name: unique("live"), address: "127.0.0.1", port: own } }),
  );
  await call("mutation($t: ID!, $input: ConnectionMethodInput!) { addConnectionMethod(targetId: $t, input: $input) { id } }", {
    t: created.createTarget.id,
    input: { type: "SSH", port, credentialId },
  });
  return created.createTarget.id;
}

const startBatch = async (ids: string[]) =>
  (await call<{ testTargetConnections: { id: string } }>("mutation($ids: [ID!]) { testTargetConnections(ids: $ids) { id } }", { ids })).testTargetConnections.id;

const open = (url: string, token?: string | null) => {
  const client = liveClient(url, token);
  clients.push(client);
  return client;
};

/** Subscribers of the batch's Redis channel, across every process (PUBSUB NUMSUB). */
async function channelSubscribers(batchId: string): Promise<number> {
  const channel = liveChannel(stack().envs.gateway.REDIS_KEY_PREFIX, liveTopics.connectionTestBatchUpdated.channel({ batchId }));
  const [, count] = (await redis.pubsub("NUMSUB", channel)) as [string, number];
  return Number(count);
}

let sshTargets: string[];
let finishedBatch: string;

beforeAll(async () => {
  sshd = await startSshd({ count: 2 });
  redis = new Redis(stack().envs.gateway.REDIS_URL);
  admin = (await loginAsAdmin()).accessToken;
  operator = await createUserAndLogin(admin, ["OPERATOR"]);
  const credential = (
    await call<{ createCredential: { id: string } }>("mutation($input: CreateCredentialInput!) { createCredential(input: $input) { id } }", {
      input: { name: unique("cred"), type: "PASSWORD", username: sshd.user, password: sshd.password },
    })
  ).createCredential.id;
  sshTargets = [];
  for (let i = 0; i < 10; i++) sshTargets.push(await target(sshd.ports[i % 2], credential));
  finishedBatch = await startBatch(sshTargets.slice(0, 2));
  await eventually(async () => (await call<{ connectionTestBatch: Batch }>("query($id: ID!) { connectionTestBatch(id: $id) { done total } }", { id: finishedBatch })).connectionTestBatch.done === 2);
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map(({ client }) => client.dispose()));
  sockets.forEach((socket) => socket.destroy());
  silent.forEach((server) => server.close());
  redis?.disconnect();
  await sshd?.stop();
});

describe("live subscriptions through the gateway", () => {
  it("an operator follows a bulk connection test over real sshd: progress in order up to done = total, with the creator from the users subgraph", async () => {
    const credential = (
      await call<{ createCredential: { id: string } }>("mutation($input: CreateCredentialInput!) { createCredential(input: $input) { id } }", {
        input: { name: unique("cred"), type: "PASSWORD", username: sshd.user, password: sshd.password },
      })
    ).createCredential.id;
    // 22 listeners that accept and never speak: two waves of TIMEOUT (3 s each) at the stack's concurrency of 20.
    const quiet: string[] = [];
    for (let i = 0; i < 22; i++) {
      const server = net.createServer((socket) => sockets.push(socket.on("error", () => undefined)));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      silent.push(server);
      quiet.push(await target((server.address() as net.AddressInfo).port, credential));
    }
    const batchId = await startBatch([...sshTargets, ...quiet]);

    const { client } = open(gatewayUrl, operator.accessToken);
    const progress = collect(client, { query: BATCH_SUBSCRIPTION, variables: { id: batchId } });
    await progress.until((result) => batchOf(result)?.done === 32);

    const batches = progress.results.map((result) => {
      expect(result.errors).toBeUndefined();
      return batchOf(result)!;
    });
    // The current state first, then at least one change after it.
    expect(batches.length).toBeGreaterThan(1);
    const done = batches.map((batch) => batch.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    const last = batches.at(-1)!;
    expect(last).toMatchObject({ id: batchId, total: 32, done: 32, ok: 10, failed: 22, createdBy: { username: operator.username } });
    expect(last.finishedAt).not.toBeNull();
    expect(last.results).toHaveLength(32);
    // A check commits before the batch counts it, so the results read with a batch are never fewer than its done.
    expect(batches.every((batch) => batch.results.length >= batch.done)).toBe(true);

    progress.unsubscribe();
    // The gateway leaves the batch's Redis channel once its last subscriber has gone.
    await eventually(async () => (await channelSubscribers(batchId)) === 0);
  }, 120_000);

  it("subscribes to the Redis channel while a client follows a batch, and releases it when the client leaves", async () => {
    const { client } = open(gatewayUrl, operator.accessToken);
    const first = collect(client, { query: BATCH_SUBSCRIPTION, variables: { id: finishedBatch } });
    const second = collect(client, { query: BATCH_SUBSCRIPTION, variables: { id: finishedBatch } });
    await first.nth(1);
    await second.nth(1);
    // One shared subscriber connection per gateway: two subscriptions, one channel subscription.
    expect(await channelSubscribers(finishedBatch)).toBe(1);
    // An event on the channel (as targets publishes after a commit) reaches both.
    await publishLive(redis, stack().envs.gateway.REDIS_KEY_PREFIX, liveTopics.connectionTestBatchUpdated.channel({ batchId: finishedBatch }), { __typename: "ConnectionTestBatch", id: finishedBatch });
    await first.nth(2);
    await second.nth(2);
    expect(batchOf(first.results[1])).toMatchObject({ done: 2, total: 2 });
    first.unsubscribe();
    expect(await channelSubscribers(finishedBatch)).toBe(1);
    second.unsubscribe();
    await eventually(async () => (await channelSubscribers(finishedBatch)) === 0);
  });

  it("a user without targets:read cannot subscribe: FORBIDDEN, then complete", async () => {
    const noTargets = await signWithAuthKey(
      { sub: operator.id, username: operator.username, roles: [], permissions: ["users:read"] },
      { issuer: "opsconductor-auth", audience: "opsconductor", expiresIn: 300 },
    );
    const { client } = open(gatewayUrl, noTargets);
    const refused = collect(client, { query: BATCH_SUBSCRIPTION, variables: { id: finishedBatch } });
    expect(await refused.ended).toEqual({});
    expect(refused.results).toEqual([
      { data: null, errors: [expect.objectContaining({ message: "Missing permission: targets:read", extensions: expect.objectContaining({ code: "FORBIDDEN" }) })] },
    ]);
    await eventually(async () => (await channelSubscribers(finishedBatch)) === 0);
  });

  it("an unknown batch answers NOT_FOUND and completes", async () => {
    const { client } = open(gatewayUrl, operator.accessToken);
    const missing = collect(client, { query: BATCH_SUBSCRIPTION, variables: { id: "00000000-0000-4000-8000-00000000dead" } });
    expect(await missing.ended).toEqual({});
    expect(missing.results[0].errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: "NOT_FOUND" }) })]);
  });

  it("a connection without a token is refused with 4401 and the reason", async () => {
    const anonymous = open(gatewayUrl, null);
    expect(await anonymous.connected).toBe(false);
    expect(await anonymous.closed).toEqual({ code: 4401, reason: 'Unauthorized: send connectionParams { authorization: "Bearer <token>" }' });
  });

  it("logout everywhere closes the user's subscriptions at their next event (4401, revoked) and frees the channel", async () => {
    const user = await createUserAndLogin(admin, ["VIEWER"]);
    const opened = open(gatewayUrl, user.accessToken);
    const followed = collect(opened.client, { query: BATCH_SUBSCRIPTION, variables: { id: finishedBatch } });
    await followed.nth(1);
    expect(await gql("mutation { logout(allSessions: true) }", {}, user.accessToken)).toMatchObject({ data: { logout: true } });
    await publishLive(redis, stack().envs.gateway.REDIS_KEY_PREFIX, liveTopics.connectionTestBatchUpdated.channel({ batchId: finishedBatch }), { __typename: "ConnectionTestBatch", id: finishedBatch });
    expect(await opened.closed).toEqual({ code: 4401, reason: "Access token has been revoked" });
    expect(followed.results).toHaveLength(1);
    expect((await followed.ended).error).toBeDefined();
    await eventually(async () => (await channelSubscribers(finishedBatch)) === 0);
  });

  it("the periodic token check closes a recalled token's subscriptions without any event", async () => {
    const port = Number(stack().envs.gateway.PORT) + 92;
    const extra = await startExtraGateway(port, { SUBSCRIPTION_TOKEN_CHECK_SECONDS: "1" });
    try {
      const user = await createUserAndLogin(admin, ["VIEWER"]);
      const opened = open(extra.url, user.accessToken);
      const followed = collect(opened.client, { query: BATCH_SUBSCRIPTION, variables: { id: finishedBatch } });
      await followed.nth(1);
      await gql("mutation { logout(allSessions: true) }", {}, user.accessToken);
      expect(await opened.closed).toEqual({ code: 4401, reason: "Access token has been revoked" });
    } finally {
      await extra.stop();
    }
  });
});
