#!/usr/bin/env node
// `npm run bench:memory`: whole-stack resident memory, the subgraphs as one process each (as before)
// and all in one Node process (npm start's default), each after the same warm-up traffic through the
// gateway. Prints RSS per process and the totals side by side, and what the idle stack costs: the CPU each
// process (and the bench databases' Postgres backends) uses over --idle-seconds (default 20) with no traffic
// (timers, pollers, relays). Ports: the bench offset; own databases, exchange and Redis prefix, so a running
// dev stack is untouched.
import fs from "node:fs";
import { createRequire } from "node:module";
import { benchArg, cpuSeconds, prepareBenchStack } from "./lib/bench-stack.mjs";

const require = createRequire(import.meta.url);
const bench = await prepareBenchStack({ name: "bench" });
const { ports, password } = bench;
const { graphql, login } = require("../packages/kit/dist/testing/index.js");
const IDLE_SECONDS = benchArg("idle-seconds", 20);

const rssMiB = (pid) => {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
};

async function measure(combined) {
  const stack = await bench.start({ combined });
  try {
    const url = `http://127.0.0.1:${ports.gateway}/graphql`;
    const { accessToken } = await login(url, "admin", password);
    // The same warm-up for both layouts: every subgraph answers, across federation.
    for (let i = 0; i < 200; i += 1) {
      await graphql(url, "{ me { username } targets(pagination: { limit: 20 }) { total items { name createdBy { username } } } users { total } }", {}, { token: accessToken });
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const rss = Object.fromEntries(Object.values(stack.procs).map((proc) => [proc.name, rssMiB(proc.pid)]));
    // Idle: no request for IDLE_SECONDS; CPU per process and of the stack's Postgres backends (ms per second).
    const pg = require("pg");
    const db = new pg.Client({ connectionString: bench.databaseUrl("users") });
    await db.connect();
    const backends = async () => (await db.query("SELECT pid FROM pg_stat_activity WHERE datname LIKE 'opsc_bench_%' AND pid <> pg_backend_pid()")).rows.map((row) => row.pid);
    const snapshot = async () => ({
      procs: Object.fromEntries(Object.values(stack.procs).map((proc) => [proc.name, cpuSeconds(proc.pid) ?? 0])),
      postgres: Object.fromEntries((await backends()).map((pid) => [pid, cpuSeconds(pid) ?? 0])),
    });
    const before = await snapshot();
    await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
    const after = await snapshot();
    await db.end();
    const idle = Object.fromEntries(Object.entries(after.procs).map(([name, cpu]) => [name, ((cpu - before.procs[name]) * 1000) / IDLE_SECONDS]));
    idle.postgres = (Object.entries(after.postgres).reduce((sum, [pid, cpu]) => sum + cpu - (before.postgres[pid] ?? 0), 0) * 1000) / IDLE_SECONDS;
    return { rss, idle };
  } finally {
    await stack.stop();
  }
}

const { rss: separate, idle: idleSeparate } = await measure(false);
const { rss: combined, idle: idleCombined } = await measure(true);
const total = (rows) => Object.values(rows).reduce((sum, value) => sum + value, 0);
console.log("\nresident memory after warm-up (MiB)");
console.log("  one process per subgraph:");
for (const [name, mib] of Object.entries(separate)) console.log(`    ${name.padEnd(12)} ${mib.toFixed(0).padStart(5)}`);
console.log(`    ${"total".padEnd(12)} ${total(separate).toFixed(0).padStart(5)}`);
console.log("  subgraphs in one process (npm start):");
for (const [name, mib] of Object.entries(combined)) console.log(`    ${name.padEnd(12)} ${mib.toFixed(0).padStart(5)}`);
console.log(`    ${"total".padEnd(12)} ${total(combined).toFixed(0).padStart(5)}`);
console.log(`  ratio combined/separate: ${(total(combined) / total(separate)).toFixed(2)}`);
console.log(`\nidle CPU over ${IDLE_SECONDS} s without traffic (ms of CPU per second; 1000 = one core busy)`);
for (const [title, rows] of [["one process per subgraph", idleSeparate], ["subgraphs in one process (npm start)", idleCombined]]) {
  console.log(`  ${title}:`);
  for (const [name, ms] of Object.entries(rows)) console.log(`    ${name.padEnd(22)} ${ms.toFixed(1).padStart(7)}`);
  console.log(`    ${"total".padEnd(22)} ${total(rows).toFixed(1).padStart(7)}`);
}
