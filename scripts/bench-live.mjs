#!/usr/bin/env node
// `npm run bench:live`: live status through the gateway. Starts the stack on bench ports (scripts/lib/
// bench-stack.mjs), opens --clients (default 1,000) graphql-ws clients through the gateway, each
// subscribed to connectionTestBatchUpdated on one of --objects (default 50) batches, as one of --users
// (default 10) users (a batch's clients spread over them; --same-user: one user per batch); then --writes (default 600) status writes at --rate per second (default 30): each is
// an UPDATE of one batch's progress in the targets database (committed), then the live event targets
// publishes after such a commit, on the real channel. What is measured is the real path: Redis event →
// gateway subscription layer → query through the gateway's executor and the targets subgraph → client.
// Prints p50/p90/p99/max from the write's commit to each client's receipt of that status. Bounded: it
// stops after the writes and a drain of at most 10 s. Goal: p99 <= 50 ms on this machine.
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { benchArg, graphqlCaller, startBenchStack } from "./lib/bench-stack.mjs";

const require = createRequire(import.meta.url);
const CLIENTS = benchArg("clients", 1000);
const OBJECTS = benchArg("objects", 50);
const USERS = benchArg("users", 10);
const WRITES = benchArg("writes", 600);
const RATE = benchArg("rate", 30);
// --same-user: every client of a batch is the same user (one execution per write, shared by its subscribers);
// default: a batch's clients are spread over the users (operators and viewers in turn): the topic is shared
// across users, so one execution per write and permission set.
const SAME_USER = process.argv.includes("--same-user");
const { ADMIN_USER_ID } = require("./lib/registry.cjs");

const bench = await startBenchStack({ name: "benchlive", portOffset: Number(process.env.OPSC_BENCH_PORT_OFFSET ?? 0) });
// Loaded after the build the stack start runs.
const { liveTopics, publishLive } = require("../packages/kit/dist/index.js");
const { createClient } = require("graphql-ws");
const WebSocket = require("ws");
const { Redis } = require("ioredis");

const clients = [];
const redis = new Redis(bench.envs.gateway.REDIS_URL);
const db = new pg.Client({ connectionString: bench.databaseUrl("targets") });
try {
  await db.connect();
  const call = graphqlCaller(bench.url());
  const login = async (username, password) => (await call(`mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }`, { u: username, p: password })).login.accessToken;

  // Users (operators and viewers in turn: two permission sets) and their tokens; the batches are bench
  // data written straight to the database.
  const admin = await login("admin", bench.password);
  const tokens = [];
  for (let i = 0; i < USERS; i++) {
    const username = `bench-live-${i}`;
    await call(`mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`, { input: { username, email: `${username}@example.test`, displayName: username, roles: [i % 2 ? "VIEWER" : "OPERATOR"], password: bench.password } }, admin);
    tokens.push(await login(username, bench.password));
  }
  const { rows } = await db.query(
    `INSERT INTO connection_test_batches (id, total, target_ids, created_by_id) SELECT gen_random_uuid(), 1000000, '{}', $1::uuid FROM generate_series(1, $2) RETURNING id`,
    [ADMIN_USER_ID, OBJECTS],
  );
  const batches = rows.map((row) => row.id);

  // Commit time of each status, by batch and progress value (the value a client receives).
  const committed = new Map();
  const latencies = [];
  let received = 0;
  let errors = 0;
  const errorSamples = new Map();
  const noteError = (error) => {
    errors += 1;
    const key = JSON.stringify(error).replace(/"requestId":"[^"]*"/g, "").slice(0, 300);
    errorSamples.set(key, (errorSamples.get(key) ?? 0) + 1);
  };
  const query = `subscription Status($id: ID!) { connectionTestBatchUpdated(batchId: $id) { id done total ok failed } }`;
  const wsUrl = bench.url().replace(/^http/, "ws");
  const open = (index) =>
    new Promise((resolve, reject) => {
      const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: { authorization: `Bearer ${tokens[(SAME_USER ? index : Math.floor(index / OBJECTS)) % USERS]}` } });
      clients.push(client);
      let first = true;
      client.subscribe(
        { query, variables: { id: batches[index % OBJECTS] } },
        {
          next: (result) => {
            const now = performance.now();
            const batch = result.data?.connectionTestBatchUpdated;
            if (!batch) {
              noteError(result.errors);
              if (first) reject(new Error(JSON.stringify(result.errors)));
              return;
            }
            if (first) {
              first = false;
              return resolve();
            }
            received += 1;
            const at = committed.get(`${batch.id}:${batch.done}`);
            if (at !== undefined) latencies.push(now - at);
          },
          error: (error) => {
            noteError(error?.code ? { code: error.code, reason: error.reason } : error);
            client.dispose();
            reject(error instanceof Error ? error : new Error(error?.code ? `closed ${error.code} ${error.reason}` : JSON.stringify(error)));
          },
          complete: () => undefined,
        },
      );
    });
  const opening = performance.now();
  // On a loaded machine a handshake can time out (graphql-ws: 3 s to connection_init); such a client is opened again.
  let reopened = 0;
  const openWithRetry = async (index) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await open(index);
      } catch (error) {
        if (attempt === 3) throw error;
        reopened += 1;
      }
    }
  };
  for (let i = 0; i < CLIENTS; i += 50) await Promise.all(Array.from({ length: Math.min(50, CLIENTS - i) }, (_, j) => openWithRetry(i + j)));
  if (reopened) console.log(`(${reopened} client connections had to be opened again)`);
  console.log(`\n${CLIENTS} graphql-ws clients subscribed through the gateway (${USERS} users, ${OBJECTS} batches, ${CLIENTS / OBJECTS} clients each, of ${SAME_USER ? 1 : Math.min(USERS, CLIENTS / OBJECTS)} user(s) per batch) in ${Math.round(performance.now() - opening)} ms`);

  // Status writes: round robin over the batches at RATE per second; each commit is followed by the live event.
  const progress = new Map(batches.map((id) => [id, 0]));
  const channel = (batchId) => liveTopics.connectionTestBatchUpdated.channel({ batchId });
  const started = performance.now();
  for (let i = 0; i < WRITES; i++) {
    const wait = started + (i * 1000) / RATE - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const id = batches[i % OBJECTS];
    const done = progress.get(id) + 1;
    progress.set(id, done);
    await db.query("UPDATE connection_test_batches SET done = $2 WHERE id = $1", [id, done]);
    committed.set(`${id}:${done}`, performance.now());
    await publishLive(redis, bench.envs.targets.REDIS_KEY_PREFIX, channel(id), { __typename: "ConnectionTestBatch", id });
  }
  const expected = WRITES * (CLIENTS / OBJECTS);
  const drainUntil = performance.now() + 10_000;
  while (received < expected && performance.now() < drainUntil) await new Promise((resolve) => setTimeout(resolve, 50));

  latencies.sort((a, b) => a - b);
  const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1) : "n/a");
  console.log(`${WRITES} status writes at ${RATE}/s over ${((performance.now() - started) / 1000).toFixed(1)} s; ${received} of ${expected} updates received (${errors} errors)`);
  console.log(`status write (commit) → client receipt: p50 ${pct(50)} ms, p90 ${pct(90)} ms, p99 ${pct(99)} ms, max ${pct(100)} ms  (goal p99 <= 50 ms)`);
  for (const [sample, count] of errorSamples) console.log(`  error ×${count}: ${sample}`);
  if (received < expected) console.log(`note: ${expected - received} updates not received: an event arriving while the previous one's query had not started is merged into it (the client gets the newer state once)`);
} finally {
  await Promise.all(clients.map((client) => client.dispose()));
  redis.disconnect();
  await db.end().catch(() => undefined);
  await bench.stop();
}
