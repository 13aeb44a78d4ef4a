#!/usr/bin/env node
// `npm run bench:memory`: whole-stack resident memory, the subgraphs as one process each (as before)
// and all in one Node process (npm start's default), each after the same warm-up traffic through the
// gateway. Prints RSS per process and the totals side by side. Ports: the bench offset; own databases,
// exchange and Redis prefix, so a running dev stack is untouched.
import fs from "node:fs";
import { createRequire } from "node:module";
import { prepareBenchStack } from "./lib/bench-stack.mjs";

const require = createRequire(import.meta.url);
const bench = await prepareBenchStack({ name: "bench" });
const { ports, password } = bench;
const { graphql, login } = require("../packages/kit/dist/testing/index.js");

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
    return Object.fromEntries(Object.values(stack.procs).map((proc) => [proc.name, rssMiB(proc.pid)]));
  } finally {
    await stack.stop();
  }
}

const separate = await measure(false);
const combined = await measure(true);
const total = (rows) => Object.values(rows).reduce((sum, value) => sum + value, 0);
console.log("\nresident memory after warm-up (MiB)");
console.log("  one process per subgraph:");
for (const [name, mib] of Object.entries(separate)) console.log(`    ${name.padEnd(12)} ${mib.toFixed(0).padStart(5)}`);
console.log(`    ${"total".padEnd(12)} ${total(separate).toFixed(0).padStart(5)}`);
console.log("  subgraphs in one process (npm start):");
for (const [name, mib] of Object.entries(combined)) console.log(`    ${name.padEnd(12)} ${mib.toFixed(0).padStart(5)}`);
console.log(`    ${"total".padEnd(12)} ${total(combined).toFixed(0).padStart(5)}`);
console.log(`  ratio combined/separate: ${(total(combined) / total(separate)).toFixed(2)}`);
