#!/usr/bin/env node
// `npm run bench:gateway`: the same cross-subgraph query through the gateway (targets + users via
// federation) and straight at the targets subgraph (the part it answers alone), under the same load.
// Prints requests/s and latency p50/p99 side by side, and the gateway's cost as a ratio. A third
// row sends the direct query through the gateway, separating the gateway hop from the users fetch.
// Options: --duration <s> (default 10), --connections <n> (default 10).
import autocannon from "autocannon";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { build, checkInfra, ensureDependencies, ephemeralSecrets, generateClients, POSTGRES_URL, prepareDatabases } from "./setup.mjs";

ensureDependencies();
const require = createRequire(import.meta.url);
const { seedServices, stackEnv, startStack } = require("./lib/stack.cjs");
const { portsFor } = require("./lib/registry.cjs");
// Straight at a subgraph means as the gateway calls it: with a fresh gateway proof on every request.
const { gatewayProofHeaders } = require("../packages/kit/dist/index.js");
const arg = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const duration = arg("duration", 10);
const connections = arg("connections", 10);

await checkInfra();
await generateClients();
const databases = await prepareDatabases((service) => `opsc_bench_${service.name}`, { fresh: true });
build();

const ports = portsFor("bench");
const secrets = ephemeralSecrets();
const envs = stackEnv({ mode: "test", secrets, ports, databases, postgresUrl: POSTGRES_URL, extra: { LOG_LEVEL: "error", EVENTS_EXCHANGE: "opsconductor.bench.events", REDIS_KEY_PREFIX: "opsc-bench:" } });
const password = `bench-${randomBytes(9).toString("base64url")}`;
seedServices(envs, { extraEnv: { OPSCONDUCTOR_ADMIN_PASSWORD: password }, stdio: "ignore" });
const stack = await startStack(envs, { log: null });
const gatewayUrl = `http://127.0.0.1:${ports.gateway}/graphql`;
const targetsUrl = `http://127.0.0.1:${ports.targets}/graphql`;

const proofFor = (url) => (url === targetsUrl ? gatewayProofHeaders(secrets.SERVICE_TOKEN) : {});

async function call(url, query, variables = {}, token) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...proofFor(url) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

function load(url, query, token) {
  return autocannon({
    url,
    method: "POST",
    duration,
    connections,
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
    requests: [{ setupRequest: (request) => ({ ...request, headers: { ...request.headers, ...proofFor(url) } }) }],
  });
}

try {
  const { login } = await call(gatewayUrl, `mutation($p: String!) { login(username: "admin", password: $p) { accessToken } }`, { p: password });
  const token = login.accessToken;
  for (let i = 0; i < 20; i += 1) {
    await call(gatewayUrl, `mutation($i: CreateTargetInput!) { createTarget(input: $i) { id } }`, { i: { name: `bench-${i}`, address: `10.200.0.${i + 1}`, tags: ["bench"] } }, token);
  }
  const viaGateway = `{ targets(pagination: { limit: 20 }) { total items { name address port createdBy { username } } } }`;
  const direct = `{ targets(pagination: { limit: 20 }) { total items { name address port createdBy { id } } } }`;
  await call(gatewayUrl, viaGateway, {}, token);
  await call(targetsUrl, direct, {}, token);

  process.stdout.write(`\nLoad: ${connections} connections, ${duration} s each, 20 targets per response, token verified on every request.\n`);
  const gateway = await load(gatewayUrl, viaGateway, token);
  const gatewaySameQuery = await load(gatewayUrl, direct, token);
  const subgraph = await load(targetsUrl, direct, token);
  const row = (name, result) =>
    `${name.padEnd(44)} ${String(Math.round(result.requests.average)).padStart(8)} ${String(result.latency.p50).padStart(8)} ${String(result.latency.p99).padStart(8)} ${String(result.non2xx + result.errors).padStart(7)}`;
  console.log(`\n${"".padEnd(44)} ${"req/s".padStart(8)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"errors".padStart(7)}`);
  console.log(row("gateway: targets + createdBy{username}", gateway));
  console.log(row("gateway: createdBy{id} (targets only)", gatewaySameQuery));
  console.log(row("targets subgraph direct: createdBy{id}", subgraph));
  console.log(
    `\ngateway / direct: throughput ${(gateway.requests.average / subgraph.requests.average).toFixed(2)}x, p50 ${(gateway.latency.p50 / Math.max(subgraph.latency.p50, 0.001)).toFixed(2)}x, p99 ${(gateway.latency.p99 / Math.max(subgraph.latency.p99, 0.001)).toFixed(2)}x`,
  );
} finally {
  await stack.stop();
}
