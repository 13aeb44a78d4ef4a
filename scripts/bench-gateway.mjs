#!/usr/bin/env node
// `npm run bench:gateway`: one page of 20 of 1,000 targets, measured side by side in one run:
//   floor        a minimal node:http + pg server running the same SQL (page + count)
//   subgraph     the targets subgraph, directly
//   gateway      our gateway, the same targets-only query
//   federated    our gateway, targets + createdBy { username } (a users fetch)
//   hive         Hive Gateway (@graphql-hive/gateway) on the same supergraph and subgraphs, same federated query
// each with distinct requests (a random page per request) and identical ones (the same page), then the
// ratios the hardening issue names, and the gateway's overhead at one connection.
// Options: --duration <s> (default 10), --connections <n> (default 10), --profile <service> (writes a V8 CPU
// profile of that process to .data/profiles/ when the stack stops; open it in Chrome DevTools), --port-offset
// <n> (added to the bench ports). Set-up is scripts/lib/bench-stack.mjs's, shared by every benchmark.
import autocannon from "autocannon";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";
import { benchArg, prepareBenchStack } from "./lib/bench-stack.mjs";

const require = createRequire(import.meta.url);
const { ROOT } = require("./lib/stack.cjs");
const { ADMIN_USER_ID } = require("./lib/registry.cjs");
const duration = benchArg("duration", 10);
const connections = benchArg("connections", 10);
const TARGETS = 1000;
const profileIndex = process.argv.indexOf("--profile");
const profiled = profileIndex > 0 ? process.argv[profileIndex + 1] : undefined;

/** User + system CPU time of a process so far, in ms (Linux /proc; clock ticks of 10 ms). */
function cpuMs(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const bench = await prepareBenchStack({ name: "bench", portOffset: benchArg("port-offset", 0) });
const { ports, envs, secrets, password } = bench;
// Straight at a subgraph means as the gateway calls it: with a fresh gateway proof on every request (kit, built above).
const { floorCheckedProof, gatewayProofHeaders } = require("../packages/kit/dist/index.js");
const floorPort = ports.gateway + 1;
const hivePort = ports.gateway + 2;

// 1,000 targets straight into the bench database (set-up, not the thing measured), created by admin.
const targetsDb = new pg.Client({ connectionString: bench.databaseUrl("targets") });
await targetsDb.connect();
await targetsDb.query(
  `INSERT INTO targets (id, name, name_key, address, port, created_by_id, updated_at)
   SELECT gen_random_uuid(), 'bench-' || lpad(i::text, 4, '0'), 'bench-' || lpad(i::text, 4, '0'),
          '127.200.' || (i / 250) || '.' || (i % 250 + 1), 22, $1::uuid, now()
     FROM generate_series(1, $2) AS i`,
  [ADMIN_USER_ID, TARGETS - 4],
);
await targetsDb.end();

if (profiled) {
  if (!envs[profiled]) throw new Error(`--profile: no stack member ${profiled}`);
  envs[profiled].OPSC_CPU_PROFILE_DIR = path.join(ROOT, ".data", "profiles");
}
const stack = await bench.start();
// Interrupted (Ctrl-C): stop the helper servers too, so none keeps the bench ports.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => children.forEach((proc) => proc.kill("SIGTERM")));
const url = (port) => `http://127.0.0.1:${port}/graphql`;
const children = [];
/** Spawns a helper server and resolves once it answers a GraphQL POST on its port (any HTTP answer). */
async function child(command, args, port, options = {}) {
  const proc = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
  children.push(proc);
  let output = "";
  proc.stdout.on("data", (chunk) => (output += chunk));
  proc.stderr.on("data", (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${command} exited (${proc.exitCode}): ${output.slice(-500)}`);
    try {
      await fetch(url(port), { method: "POST", headers: { "content-type": "application/json" }, body: "{}", signal: AbortSignal.timeout(1000) });
      return proc;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`${command} did not answer on ${port}: ${output.slice(-500)}`);
}

const targetsOnly = "query Page($offset: Int) { targets(pagination: { limit: 20, offset: $offset }) { total items { name address port createdBy { id } } } }";
const federated = "query Page($offset: Int) { targets(pagination: { limit: 20, offset: $offset }) { total items { name address port createdBy { username } } } }";

// Straight at the subgraph as our gateway calls it: a fresh proof per request, and the attestation that the
// token's revocation floor was checked for this request (our gateway checks it once per request, not per hop).
// At Hive Gateway: a request id per request, which Hive passes on to the subgraphs and its config signs
// (Hive sets x-request-id on subgraph fetches itself); the subgraphs then check the floor themselves.
function proofFor(endpoint, token) {
  if (endpoint === url(ports.targets)) {
    const headers = gatewayProofHeaders(secrets.SERVICE_TOKEN);
    if (token) headers["x-opsc-floor-checked"] = floorCheckedProof(secrets.SERVICE_TOKEN, headers["x-request-id"], token);
    return headers;
  }
  return endpoint === url(hivePort) ? { "x-request-id": randomUUID() } : {};
}

async function call(endpoint, query, variables, token) {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...proofFor(endpoint, token) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(`${endpoint}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

function load(endpoint, query, token, { distinct, conns = connections }) {
  const body = (offset) => JSON.stringify({ query, variables: { offset } });
  return autocannon({
    url: endpoint,
    method: "POST",
    duration,
    connections: conns,
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, ...proofFor(endpoint, token) },
          body: body(distinct ? 20 * Math.floor(Math.random() * (TARGETS / 20)) : 0),
        }),
      },
    ],
  });
}

try {
  // The floor answers from the same database; Hive Gateway serves the same supergraph, routed to the bench ports.
  await child(process.execPath, [path.join(ROOT, "scripts/bench/floor-server.mjs"), String(floorPort), bench.databaseUrl("targets")], floorPort);
  const hiveDir = path.join(ROOT, ".data", "bench-hive");
  fs.mkdirSync(hiveDir, { recursive: true });
  let supergraph = fs.readFileSync(path.join(ROOT, "gateway/supergraph.graphql"), "utf8");
  for (const [name, port] of Object.entries(ports)) {
    supergraph = supergraph.replace(new RegExp(`(@join__graph\\(name: "${name}", url: ")http://127\\.0\\.0\\.1:\\d+/graphql`), `$1${url(port)}`);
  }
  fs.writeFileSync(path.join(hiveDir, "supergraph.graphql"), supergraph);
  fs.writeFileSync(
    path.join(hiveDir, "gateway.config.mjs"),
    // Subgraphs accept only proven requests; Hive Gateway signs each subgraph fetch as ours does.
    `import { createHmac, randomUUID } from "node:crypto";
const token = process.env.OPSC_SERVICE_TOKEN;
const proof = (id) => { const s = Math.floor(Date.now() / 1000); return \`\${s}.\${createHmac("sha256", token).update(\`\${s}.\${id}\`).digest("base64url")}\`; };
export const gatewayConfig = {
  supergraph: "./supergraph.graphql",
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => {
      const id = request.headers.get("x-request-id") ?? randomUUID();
      return { authorization: request.headers.get("authorization") ?? "", "x-request-id": id, "x-opsc-gateway": proof(id) };
    },
  },
};\n`,
  );
  await child(path.join(ROOT, "node_modules/.bin/hive-gateway"), ["supergraph", "--port", String(hivePort), "--host", "127.0.0.1"], hivePort, {
    cwd: hiveDir,
    env: { ...process.env, NODE_ENV: "production", LOG_LEVEL: "error", OPSC_SERVICE_TOKEN: secrets.SERVICE_TOKEN },
  });

  const { login } = await call(url(ports.gateway), `mutation($p: String!) { login(username: "admin", password: $p) { accessToken } }`, { p: password });
  const token = login.accessToken;
  const rows = [
    ["floor (node:http + pg, same SQL)", url(floorPort), targetsOnly],
    ["targets subgraph direct", url(ports.targets), targetsOnly],
    ["our gateway, targets only", url(ports.gateway), targetsOnly],
    ["our gateway, federated (+ users)", url(ports.gateway), federated],
    ["Hive Gateway, federated (+ users)", url(hivePort), federated],
  ];
  for (const [name, endpoint, query] of rows) {
    const data = await call(endpoint, query, { offset: 40 }, token);
    if (data.targets.total !== TARGETS || data.targets.items.length !== 20) throw new Error(`${name} answered ${JSON.stringify(data).slice(0, 200)}`);
  }

  process.stdout.write(`\nLoad: ${connections} connections, ${duration} s per row, a page of 20 of ${TARGETS} targets, token verified at every GraphQL hop.\n`);
  const results = {};
  // CPU time each serving process spent per answered request: steadier than req/s on a busy machine,
  // where other processes take turns on the two cores.
  const cpuPerRequest = {};
  const pids = { floor: children[0].pid, targets: stack.procs.targets.pid, gateway: stack.procs.gateway.pid };
  for (const distinct of [true, false]) {
    for (const [name, endpoint, query] of rows) {
      const before = Object.fromEntries(Object.entries(pids).map(([key, pid]) => [key, cpuMs(pid)]));
      const result = await load(endpoint, query, token, { distinct });
      results[`${name}|${distinct}`] = result;
      if (distinct) cpuPerRequest[name] = Object.fromEntries(Object.entries(pids).map(([key, pid]) => [key, (cpuMs(pid) - before[key]) / Math.max(1, result.requests.total)]));
    }
  }
  const oneConn = {
    direct: await load(url(ports.targets), targetsOnly, token, { distinct: true, conns: 1 }),
    gateway: await load(url(ports.gateway), targetsOnly, token, { distinct: true, conns: 1 }),
  };

  const pad = (value, width) => String(value).padStart(width);
  console.log(`\n${"".padEnd(36)} ${pad("distinct req/s", 15)} ${pad("p50", 6)} ${pad("p99", 6)}   ${pad("identical req/s", 16)} ${pad("p50", 6)} ${pad("p99", 6)} ${pad("errors", 7)}`);
  for (const [name] of rows) {
    const d = results[`${name}|true`];
    const i = results[`${name}|false`];
    console.log(
      `${name.padEnd(36)} ${pad(Math.round(d.requests.average), 15)} ${pad(d.latency.p50, 6)} ${pad(d.latency.p99, 6)}   ${pad(Math.round(i.requests.average), 16)} ${pad(i.latency.p50, 6)} ${pad(i.latency.p99, 6)} ${pad(d.non2xx + d.errors + i.non2xx + i.errors, 7)}`,
    );
  }
  const rps = (name, distinct) => results[`${name}|${distinct}`].requests.average;
  console.log("\nratios (goal in brackets)");
  console.log(`  subgraph direct / floor, distinct:           ${(rps(rows[1][0], true) / rps(rows[0][0], true)).toFixed(2)}  (>= 0.5)`);
  console.log(`  our federated / Hive federated, distinct:    ${(rps(rows[3][0], true) / rps(rows[4][0], true)).toFixed(2)}  (>= 1.0)`);
  console.log(`  our federated / Hive federated, identical:   ${(rps(rows[3][0], false) / rps(rows[4][0], false)).toFixed(2)}  (>= 1.0)`);
  const cpu = (row, key) => cpuPerRequest[rows[row][0]][key];
  console.log(
    `  CPU per request, distinct (ms): floor ${cpu(0, "floor").toFixed(2)}, targets subgraph direct ${cpu(1, "targets").toFixed(2)} (floor/subgraph ${(cpu(0, "floor") / cpu(1, "targets")).toFixed(2)}), gateway on a targets-only request ${cpu(2, "gateway").toFixed(2)}`,
  );
  const overhead = oneConn.gateway.latency.average - oneConn.direct.latency.average;
  console.log(
    `  gateway overhead at 1 connection (mean latency, gateway - direct): ${overhead.toFixed(2)} ms  (p50 gateway ${oneConn.gateway.latency.p50} ms, direct ${oneConn.direct.latency.p50} ms; goal <= 2 ms)`,
  );
} finally {
  for (const proc of children) proc.kill("SIGTERM");
  await stack.stop();
}
