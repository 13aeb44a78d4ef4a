#!/usr/bin/env node
// `npm run bench:events`: reliable events end to end, a total-queue check (as Jepsen's checker): drives
// --mutations (default 2,000) mutations across services (targets: create, update, create credential;
// jobs: create) through the gateway while a private RabbitMQ node (never the shared one on 5672) is
// restarted --restarts times (default 2); then drains and counts the audit trail: every mutation must
// appear exactly once as its event (action + resource id). Prints lost, duplicated, unexpected and the
// outbox rows still pending in every service database. Ports: bench ports + --port-offset (default
// OPSC_BENCH_PORT_OFFSET or 0); the broker listens on 5690 + offset.
import { createRequire } from "node:module";
import pg from "pg";
import { benchArg, graphqlCaller, startBenchStack } from "./lib/bench-stack.mjs";
import { build } from "./setup.mjs";

const require = createRequire(import.meta.url);
const MUTATIONS = benchArg("mutations", 2000);
const RESTARTS = benchArg("restarts", 2);
const CONCURRENCY = benchArg("concurrency", 8);
const PORT_OFFSET = benchArg("port-offset", Number(process.env.OPSC_BENCH_PORT_OFFSET ?? 0));
const DRAIN_TIMEOUT_MS = benchArg("drain-seconds", 120) * 1000;

build();
const { startPrivateBroker } = require("../packages/kit/dist/testing/index.js");
const { SERVICES } = require("./lib/registry.cjs");

console.log(`» private RabbitMQ on 127.0.0.1:${5690 + PORT_OFFSET}`);
const broker = await startPrivateBroker({ name: `opsc-benchevents-${PORT_OFFSET}`, port: 5690 + PORT_OFFSET });
let bench;
const started = Date.now();
try {
  bench = await startBenchStack({ name: "benchevents", portOffset: PORT_OFFSET, extra: { RABBITMQ_URL: broker.url } });
  const call = graphqlCaller(bench.url());
  const admin = (await call(`mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }`, { u: "admin", p: bench.password })).login.accessToken;

  // Every service database, for the outbox counts; the audit database for the trail.
  const services = SERVICES.map((service) => service.name);
  const clients = Object.fromEntries(await Promise.all(services.map(async (name) => {
    const client = new pg.Client({ connectionString: bench.databaseUrl(name) });
    await client.connect();
    return [name, client];
  })));
  const pendingPerService = async () => {
    const out = {};
    for (const name of services) {
      const { rows } = await clients[name].query("SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL").catch(() => ({ rows: [{ n: 0 }] }));
      out[name] = rows[0].n;
    }
    return out;
  };
  const actions = ["targets.target.created", "targets.target.updated", "targets.credential.created", "jobs.job.created"];
  const auditRows = async () => (await clients.audit.query("SELECT id::text AS id, action, resource_id FROM audit_events WHERE action = ANY($1::text[])", [actions])).rows;
  /** Waits until no outbox has a pending row and the audit trail has stopped growing (3 polls a second apart). */
  const drain = async (atLeast) => {
    const start = Date.now();
    let rows = [];
    let pending = {};
    for (let stable = 0, last = -1; Date.now() - start < DRAIN_TIMEOUT_MS; ) {
      rows = await auditRows();
      pending = await pendingPerService();
      const totalPending = Object.values(pending).reduce((a, b) => a + b, 0);
      stable = rows.length === last ? stable + 1 : 0;
      last = rows.length;
      if (totalPending === 0 && rows.length >= atLeast && stable >= 3) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    return { rows, pending, ms: Date.now() - start };
  };
  // What the seed put in the trail before the run is not part of the check.
  const baseline = new Set((await drain(0)).rows.map((row) => row.id));

  /** What each mutation must leave in the audit trail: one row of this action about this resource. */
  const expected = [];
  const targets = [];
  const kinds = ["createTarget", "updateTarget", "createCredential", "createJob"];
  const one = async (n) => {
    const kind = kinds[n % kinds.length] === "updateTarget" && targets.length === 0 ? "createTarget" : kinds[n % kinds.length];
    const tag = `ev${n}-${Date.now().toString(36)}`;
    if (kind === "createTarget") {
      const { createTarget } = await call(`mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }`, { input: { name: tag, address: `${tag}.example.test` } }, admin);
      targets.push(createTarget.id);
      expected.push(["targets.target.created", createTarget.id]);
    } else if (kind === "updateTarget") {
      const id = targets[n % targets.length];
      await call(`mutation($id: ID!, $input: UpdateTargetInput!) { updateTarget(id: $id, input: $input) { id } }`, { id, input: { description: tag } }, admin);
      expected.push(["targets.target.updated", id]);
    } else if (kind === "createCredential") {
      const { createCredential } = await call(
        `mutation($input: CreateCredentialInput!) { createCredential(input: $input) { id } }`,
        { input: { name: tag, type: "PASSWORD", username: "svc", password: `pw-${tag}` } },
        admin,
      );
      expected.push(["targets.credential.created", createCredential.id]);
    } else {
      const { createJob } = await call(`mutation($input: CreateJobInput!) { createJob(input: $input) { id } }`, { input: { name: tag, steps: [{ content: "true" }] } }, admin);
      expected.push(["jobs.job.created", createJob.id]);
    }
  };

  // Mutations from CONCURRENCY workers; the broker restarts (in the background) at even intervals of the run.
  let next = 0;
  let failed = 0;
  const restarts = [];
  let restartChain = Promise.resolve();
  const restartAt = Array.from({ length: RESTARTS }, (_, i) => Math.floor(((i + 1) * MUTATIONS) / (RESTARTS + 1)));
  const worker = async () => {
    while (next < MUTATIONS) {
      const n = next++;
      if (restartAt.includes(n)) {
        // One restart at a time: a restart that is due while the previous one runs waits for it.
        restartChain = restartChain.then(async () => {
          const began = Date.now();
          console.log(`» restarting RabbitMQ (due at mutation ${n}, now at ${next})`);
          await broker.restart();
          restarts.push(Date.now() - began);
          console.log(`» RabbitMQ back after ${((Date.now() - began) / 1000).toFixed(1)} s (now at mutation ${next})`);
        });
      }
      try {
        await one(n);
      } catch (error) {
        failed += 1;
        if (failed <= 5) console.log(`mutation ${n} failed: ${String(error.message).slice(0, 200)}`);
      }
    }
  };
  const driveStart = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const driveMs = Date.now() - driveStart;
  await restartChain;

  const drained = await drain(baseline.size + expected.length);
  const rows = drained.rows.filter((row) => !baseline.has(row.id));
  const { pending } = drained;
  const drainMs = drained.ms;

  const key = (action, id) => `${action} ${id}`;
  const want = new Map();
  for (const [action, id] of expected) want.set(key(action, id), (want.get(key(action, id)) ?? 0) + 1);
  const got = new Map();
  for (const row of rows) got.set(key(row.action, row.resource_id), (got.get(key(row.action, row.resource_id)) ?? 0) + 1);
  let lost = 0;
  let duplicated = 0;
  let unexpected = 0;
  for (const [k, n] of want) lost += Math.max(0, n - (got.get(k) ?? 0));
  for (const [k, n] of got) {
    if (!want.has(k)) unexpected += n;
    else duplicated += Math.max(0, n - want.get(k));
  }
  const verify = await call(`query { verifyAuditChain { ok checked brokenSeq reason } }`, {}, admin);
  for (const client of Object.values(clients)) await client.end();

  console.log(`
bench:events — ${MUTATIONS} mutations through the gateway, ${CONCURRENCY} concurrent, RabbitMQ restarted ${restarts.length}× (down ${restarts.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(", ")})
  mutations ok          ${expected.length} (failed: ${failed}) in ${(driveMs / 1000).toFixed(1)} s
  audit rows (new)      ${rows.length} (seeded before the run, not counted: ${baseline.size})
  lost                  ${lost}
  duplicated            ${duplicated}
  unexpected            ${unexpected}
  outbox rows pending   ${Object.values(pending).reduce((a, b) => a + b, 0)} ${JSON.stringify(pending)}
  chain                 ${JSON.stringify(verify.verifyAuditChain)}
  drain                 ${(drainMs / 1000).toFixed(1)} s; total ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exitCode = lost || duplicated || unexpected || failed ? 1 : 0;
} finally {
  await bench?.stop();
  await broker.destroy();
}
