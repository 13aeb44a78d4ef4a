import { createTestSigner } from "@opsconductor/kit/testing";
import { start } from "../app";
import { loadEnv } from "../env";
import { eventually } from "@opsconductor/kit/testing";
import { collect, liveClient } from "../../test/live-client";
import { authorizationParam, clientAddress } from "./server";
import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * graphql-ws on the in-process gateway (subgraphs point at a closed port): what the gateway itself
 * answers — refused connections, validation, refused operations — without any subgraph.
 */
describe("subscriptions over WebSocket on the gateway (in-process)", () => {
  const signer = createTestSigner();
  let gateway: Awaited<ReturnType<typeof start>>;
  // Stands in for targets: a query naming batch "hang" is never answered (so its subscription stays
  // open until the client leaves); any other fails at once.
  const pending = new Set<http.ServerResponse>();
  const targets = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      if (body.includes("hang")) pending.add(res);
      else res.writeHead(503).end();
    });
  });
  const clients: Array<ReturnType<typeof liveClient>> = [];
  const open = (token?: string | null, params?: Record<string, unknown>) => {
    const opened = liveClient(gateway.url, token, params);
    clients.push(opened);
    return opened;
  };

  beforeAll(async () => {
    await new Promise<void>((resolve) => targets.listen(0, "127.0.0.1", resolve));
    const env = loadEnv({
      PORT: "0",
      LOG_LEVEL: "silent",
      SUBGRAPH_URLS: JSON.stringify({
        ...Object.fromEntries(["auth", "users", "jobs", "executions"].map((name) => [name, "http://127.0.0.1:1"])),
        targets: `http://127.0.0.1:${(targets.address() as AddressInfo).port}`,
      }),
      REDIS_KEY_PREFIX: "opsc-gw-live-spec:",
      SERVICE_TOKEN: "gateway-spec-service-token-0123456789",
      MAX_QUERY_DEPTH: "3",
      MAX_SUBSCRIPTIONS_PER_CONNECTION: "2",
    });
    gateway = await start(env, { keys: signer.keys, handleSignals: false });
  });
  afterAll(async () => {
    await Promise.all(clients.map(({ client }) => client.dispose()));
    await gateway.lifecycle.shutdown();
    for (const res of pending) res.destroy();
    targets.close();
  });

  const reader = signer.sign({ id: "00000000-0000-4000-8000-000000000001", permissions: ["targets:read"] });

  it("refuses a connection without a token, and one with a bad token, with 4401 and the reason", async () => {
    const missing = open(null);
    expect(await missing.connected).toBe(false);
    expect(await missing.closed).toEqual({ code: 4401, reason: 'Unauthorized: send connectionParams { authorization: "Bearer <token>" }' });
    const bad = open("not-a-jwt");
    expect(await bad.closed).toEqual({ code: 4401, reason: "Unauthorized: Invalid access token" });
    const notBearer = open(null, { authorization: "Basic abc" });
    expect(await notBearer.closed).toEqual({ code: 4401, reason: "Unauthorized: Authorization header must be 'Bearer <token>'" });
    const expired = open(signer.sign({ id: "00000000-0000-4000-8000-000000000002" }, -10));
    expect(await expired.closed).toEqual({ code: 4401, reason: "Unauthorized: Access token expired" });
  });

  it("accepts a token in connectionParams (any case of `authorization`, as GraphiQL sends its headers)", async () => {
    expect(await open(reader).connected).toBe(true);
    expect(await open(null, { Authorization: `Bearer ${reader}` }).connected).toBe(true);
  });

  it("validates a subscription like a query over HTTP (schema, limits) and serves only subscriptions", async () => {
    const { client } = open(reader);
    const invalid = collect(client, { query: `subscription { connectionTestBatchUpdated(batchId: "x") { nope } }` });
    expect(await invalid.ended).toEqual({ error: [expect.objectContaining({ message: 'Cannot query field "nope" on type "ConnectionTestBatch". Did you mean "done"?', extensions: { code: "GRAPHQL_VALIDATION_FAILED" } })] });
    const deep = collect(client, { query: `subscription { connectionTestBatchUpdated(batchId: "x") { results { target { createdBy { id } } } } }` });
    expect(await deep.ended).toEqual({ error: [expect.objectContaining({ message: "Query depth 5 exceeds the maximum of 3" })] });
    const query = collect(client, { query: `{ __typename }` });
    expect(await query.ended).toEqual({ error: [expect.objectContaining({ extensions: { code: "BAD_REQUEST" } })] });
    const nul = collect(client, { query: `subscription($id: ID!) { connectionTestBatchUpdated(batchId: $id) { done } }`, variables: { id: "a\u0000" } });
    expect(await nul.ended).toEqual({ error: [expect.objectContaining({ extensions: { code: "BAD_USER_INPUT", field: "batchId" } })] });
  });

  it("a subscription the gateway cannot authorize (its subgraph is down) gets the error and completes", async () => {
    const { client } = open(reader);
    const subscription = collect(client, { query: `subscription { connectionTestBatchUpdated(batchId: "00000000-0000-4000-8000-00000000000b") { done } }` });
    expect(await subscription.ended).toEqual({});
    expect(subscription.results).toHaveLength(1);
    expect(subscription.results[0].data).toBeNull();
    expect(subscription.results[0].errors?.length).toBeGreaterThan(0);
    expect(gateway.live.stats).toMatchObject({ subscriptions: 0, channels: 0 });
  });

  it("limits subscriptions per connection, and releases everything when the client leaves", async () => {
    const { client } = open(reader);
    const query = `subscription { connectionTestBatchUpdated(batchId: "hang") { done } }`;
    const first = collect(client, { query });
    const second = collect(client, { query });
    await eventually(async () => gateway.live.stats.subscriptions === 2);
    const third = collect(client, { query });
    expect(await third.ended).toEqual({ error: [expect.objectContaining({ message: "At most 2 subscriptions per connection", extensions: { code: "TOO_MANY_REQUESTS" } })] });
    expect(gateway.live.stats).toMatchObject({ subscriptions: 2, channels: 1 });
    first.unsubscribe();
    second.unsubscribe();
    await eventually(async () => gateway.live.stats.subscriptions === 0 && gateway.live.stats.channels === 0);
  });

  it("answers a subscription sent over HTTP with a clear 400", async () => {
    const response = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${reader}` },
      body: JSON.stringify({ query: `subscription { connectionTestBatchUpdated(batchId: "b") { done } }` }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [expect.objectContaining({ message: expect.stringContaining("Subscriptions are served over WebSocket"), extensions: { code: "BAD_REQUEST" } })],
    });
  });

  it("GraphiQL runs subscriptions over the same path, and its CSP lets it connect there", async () => {
    const response = await fetch(new URL("/graphiql", gateway.url));
    const origin = new URL(gateway.url).host;
    expect(response.headers.get("content-security-policy")).toContain(`connect-src 'self' ws://${origin} wss://${origin}`);
    expect(await response.text()).toContain("GraphiQL.createFetcher({ url: endpoint, subscriptionUrl })");
  });
});

describe("connection helpers", () => {
  const request = (remoteAddress: string, forwarded?: string) => ({ socket: { remoteAddress }, headers: forwarded ? { "x-forwarded-for": forwarded } : {} }) as unknown as http.IncomingMessage;

  it("takes the client address from the socket unless a trusted proxy forwarded it (as Express's req.ip)", () => {
    expect(clientAddress(request("10.0.0.1", "1.2.3.4"))).toBe("10.0.0.1");
    const trustFirstHop = (address: string) => address === "10.0.0.1";
    expect(clientAddress(request("10.0.0.1", "1.2.3.4, 5.6.7.8"), trustFirstHop)).toBe("5.6.7.8");
    expect(clientAddress(request("10.9.9.9", "1.2.3.4"), trustFirstHop)).toBe("10.9.9.9");
  });

  it("finds the authorization parameter whatever its case, ignoring non-strings", () => {
    expect(authorizationParam({ AUTHORIZATION: "Bearer x" })).toBe("Bearer x");
    expect(authorizationParam({ authorization: 42 })).toBeUndefined();
    expect(authorizationParam(undefined)).toBeUndefined();
  });
});
