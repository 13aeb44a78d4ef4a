#!/usr/bin/env node
// `npm run bench:memory`: whole-stack resident memory, the subgraphs as one process each (as before)
// and all in one Node process (npm start's default), each after the same warm-up traffic through the
// gateway. Prints RSS per process and the totals side by side. Ports: the bench offset; own databases,
// exchange and Redis prefix, so a running dev stack is untouched.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import { build, checkInfra, ensureDependencies, ephemeralSecrets, generateClients, POSTGRES_URL, prepareDatabases } from "./setup.mjs";

ensureDependencies();
const require = createRequire(import.meta.url);
const { seedServices, stackEnv, startStack } = require("./lib/stack.cjs");
const { portsFor } = require("./lib/registry.cjs");
const { graphql, login } = require("../packages/kit/dist/testing/index.js");

await checkInfra();
await generateClients();
const databases = await prepareDatabases((service) => `opsc_bench_${service.name}`, { fresh: true });
build();

const ports = portsFor("bench");
const password = `bench-${randomBytes(9).toString("base64url")}`;
const envs = stackEnv({
  mode: "test",
  secrets: ephemeralSecrets(),
  ports,
  databases,
  postgresUrl: POSTGRES_URL,
  // No background health checks: probing the 1,000 bench targets would compete with the load measured.
  extra: { LOG_LEVEL: "error", EVENTS_EXCHANGE: "opsconductor.bench.events", REDIS_KEY_PREFIX: "opsc-bench:", HEALTH_CHECK_INTERVAL_SECONDS: "0" },
});
await require("../packages/kit/dist/testing/index.js").clearRedisPrefix(envs.auth.REDIS_URL, envs.auth.REDIS_KEY_PREFIX);
seedServices(envs, { extraEnv: { OPSCONDUCTOR_ADMIN_PASSWORD: password }, stdio: "ignore" });

const rssMiB = (pid) => {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
};

async function measure(combined) {
  const stack = await startStack(envs, { log: null, combined });
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
