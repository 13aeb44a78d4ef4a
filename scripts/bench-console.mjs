#!/usr/bin/env node
// `npm run bench:console`: the console's targets page at 10,000 targets, through the gateway.
// Seeds 10,000 targets (straight into the bench database: set-up, not the thing measured), then sends the
// console's own `TargetList` query (the targets screen's) — the document in web/src, read from there, so the benchmark follows the
// screen — as the list screen does: pages of 50 across the inventory, sorted by name or address, unfiltered and
// with the search / environment / OS / tag filters, one request at a time. Prints p50/p95/p99/max and, per
// request, how many fetches each subgraph received (from their /metrics), so an N+1 shows as a count that
// grows with the page. Goal (issue 11): p95 ≤ 100 ms on this machine.
// Options: --requests <n> (default 1000), --targets <n> (default 10000), --port-offset <n>.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { parse, print, visit } from "graphql";
import pg from "pg";
import { benchArg, prepareBenchStack } from "./lib/bench-stack.mjs";

const require = createRequire(import.meta.url);
const { ROOT } = require("./lib/stack.cjs");
const { ADMIN_USER_ID, SERVICES } = require("./lib/registry.cjs");
const REQUESTS = benchArg("requests", 1000);
const TARGETS = benchArg("targets", 10_000);
const PAGE = 50;
const GOAL_MS = 100;

/** The console's `TargetList` operation with every fragment it spreads, from the graphql(`…`) documents in web/src. */
function consoleDocument(operationName) {
  const definitions = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "gql") walk(file);
      } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
        for (const match of fs.readFileSync(file, "utf8").matchAll(/graphql\(`([^`]*)`\)/g)) definitions.push(...parse(match[1]).definitions);
      }
    }
  };
  walk(path.join(ROOT, "web/src"));
  const operation = definitions.find((definition) => definition.kind === "OperationDefinition" && definition.name?.value === operationName);
  if (!operation) throw new Error(`no operation ${operationName} in web/src`);
  const fragments = new Map(definitions.filter((definition) => definition.kind === "FragmentDefinition").map((fragment) => [fragment.name.value, fragment]));
  const used = new Map();
  const collect = (node) =>
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (used.has(name)) return;
        used.set(name, fragments.get(name));
        collect(fragments.get(name));
      },
    });
  collect(operation);
  return [operation, ...used.values()].map(print).join("\n");
}

const query = consoleDocument("TargetList");
const bench = await prepareBenchStack({ name: "console", portOffset: benchArg("port-offset", 0) });
const { ports, password } = bench;

const targetsDb = new pg.Client({ connectionString: bench.databaseUrl("targets") });
await targetsDb.connect();
await targetsDb.query(
  `INSERT INTO targets (id, name, name_key, address, port, os_type, environment, tags, description, created_by_id, updated_at)
   SELECT gen_random_uuid(), 'node-' || lpad(i::text, 5, '0'), 'node-' || lpad(i::text, 5, '0'),
          '127.200.' || (i / 250) || '.' || (i % 250 + 1), 22,
          (ARRAY['LINUX','WINDOWS','NETWORK','OTHER'])[1 + i % 4]::os_type,
          (ARRAY['production','staging','lab','dev'])[1 + (i / 7) % 4],
          ARRAY['rack-' || (i % 40), (ARRAY['web','db','cache','edge','batch'])[1 + i % 5]],
          'bench target ' || i, $1::uuid, now()
     FROM generate_series(1, $2) AS i`,
  [ADMIN_USER_ID, TARGETS],
);
await targetsDb.end();

const stack = await bench.start();
const gateway = bench.url();
try {
  const call = async (body, token) => {
    const response = await fetch(gateway, {
      method: "POST",
      headers: { "content-type": "application/json", "x-opsc-session": "cookie", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (answer.errors) throw new Error(JSON.stringify(answer.errors));
    return answer.data;
  };
  const { login } = await call({ query: `mutation($p: String!) { login(username: "admin", password: $p) { accessToken } }`, variables: { p: password } });
  const token = login.accessToken;

  // What the list screen sends: every page of the inventory, both sort fields, and the filters it offers.
  const filters = [{}, { search: "node-01" }, { environment: "staging" }, { osType: "NETWORK" }, { tags: ["web"] }, { environment: "lab", osType: "LINUX" }];
  const pages = Math.ceil(TARGETS / PAGE);
  const variablesFor = (index) => ({
    filter: filters[index % filters.length],
    sort: { field: index % 3 === 0 ? "ADDRESS" : "NAME", direction: index % 2 ? "DESC" : "ASC" },
    pagination: { offset: PAGE * ((index * 37) % pages), limit: PAGE },
  });

  /** Requests each subgraph has answered on /graphql so far (its own metrics). */
  const fetchCounts = async () => {
    const counts = {};
    for (const service of SERVICES) {
      const text = await (await fetch(`http://127.0.0.1:${ports[service.name]}/metrics`)).text();
      counts[service.name] = text
        .split("\n")
        .filter((line) => line.startsWith("http_request_duration_seconds_count{") && line.includes('route="/graphql"'))
        .reduce((sum, line) => sum + Number(line.split(" ").pop()), 0);
    }
    return counts;
  };

  const first = await call({ query, variables: variablesFor(0) }, token);
  if (first.targets.total < TARGETS) throw new Error(`expected ${TARGETS} targets, the list says ${first.targets.total}`);
  for (let index = 0; index < 50; index++) await call({ query, variables: variablesFor(index) }, token); // warm-up

  const before = await fetchCounts();
  const times = [];
  let rows = 0;
  for (let index = 0; index < REQUESTS; index++) {
    const started = performance.now();
    const data = await call({ query, variables: variablesFor(index) }, token);
    times.push(performance.now() - started);
    rows += data.targets.items.length;
  }
  const after = await fetchCounts();

  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1);
  console.log(`\nconsole targets page: ${REQUESTS} requests of the console's TargetList query (${PAGE} rows a page, ${rows} rows in all) over ${first.targets.total} targets, one at a time through the gateway`);
  console.log(`  p50 ${at(0.5)} ms   p95 ${at(0.95)} ms   p99 ${at(0.99)} ms   max ${times.at(-1).toFixed(1)} ms   (goal p95 ≤ ${GOAL_MS} ms: ${Number(at(0.95)) <= GOAL_MS ? "met" : "NOT met"})`);
  console.log("  subgraph fetches per request (no N+1: a count that does not grow with the page size):");
  for (const service of SERVICES) {
    const perRequest = (after[service.name] - before[service.name]) / REQUESTS;
    if (perRequest > 0) console.log(`    ${service.name.padEnd(14)} ${perRequest.toFixed(2)}`);
  }
  const total = SERVICES.reduce((sum, service) => sum + after[service.name] - before[service.name], 0) / REQUESTS;
  console.log(`    ${"all".padEnd(14)} ${total.toFixed(2)}`);
} finally {
  await stack.stop();
}
