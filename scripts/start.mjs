#!/usr/bin/env node
// `npm start`: everything a fresh machine needs, then the whole platform in the foreground. The
// subgraphs share one Node process by default (each with its own schema, port, database and Prisma
// client) to keep the dev stack small; `npm start -- --separate` runs one process per subgraph.
import { createRequire } from "node:module";
import {
  build,
  checkInfra,
  claimDevDatabases,
  ensureDependencies,
  generateClients,
  localSecrets,
  POSTGRES_URL,
  prepareDatabases,
} from "./setup.mjs";

ensureDependencies();
const require = createRequire(import.meta.url);
const { GATEWAY, portsFor, webPortFor } = require("./lib/registry.cjs");
const { startWebServer } = require("../web/server.cjs");
const { seedServices, stackEnv, startStack } = require("./lib/stack.cjs");
const separate = process.argv.includes("--separate");
// `npm start -- --local-target`: the built-in `localhost` target, whose steps run on this machine as the
// user running OpsConductor (off by default: anyone allowed to run jobs could then run commands here).
const localTarget = process.argv.includes("--local-target");

try {
  await checkInfra();
} catch (error) {
  console.error(`Cannot start OpsConductor:\n  ${error.message}`);
  process.exit(1);
}
await generateClients();
const databases = await prepareDatabases((service) => service.database);
const secrets = localSecrets();
try {
  await claimDevDatabases(Object.values(databases), secrets);
} catch (error) {
  console.error(`Cannot start OpsConductor: ${error.message}`);
  process.exit(1);
}
build();

const ports = portsFor("dev");
if (process.env.PORT) ports[GATEWAY.name] = Number(process.env.PORT);
const envs = stackEnv({
  mode: "development",
  secrets,
  ports,
  databases,
  postgresUrl: POSTGRES_URL,
  extra: localTarget ? { LOCAL_TARGET_EXECUTION: "enabled", SEED_LOCALHOST_TARGET: "true" } : {},
});
// Admin (users + auth) and demo targets, in the registry's seed order. The auth seed reads
// OPSCONDUCTOR_ADMIN_PASSWORD from this environment, or generates one and prints it once.
seedServices(envs);

const stack = await startStack(envs, { combined: !separate });
// The console (built into web/dist by `build()`): same origin for the page and /graphql (passed to the gateway).
const webPort = process.env.WEB_PORT ? Number(process.env.WEB_PORT) : webPortFor("dev");
let web;
try {
  web = await startWebServer({ port: webPort, gatewayUrl: `http://127.0.0.1:${ports.gateway}` });
} catch (error) {
  console.error(`Cannot serve the web console on port ${webPort}: ${error.message} (WEB_PORT chooses another)`);
  await stack.stop();
  process.exit(1);
}
console.log(`
OpsConductor is running.
  Web console:       ${web.url}   (sign in as admin)
  GraphQL API:       http://127.0.0.1:${ports.gateway}/graphql
  GraphQL explorer:  http://127.0.0.1:${ports.gateway}/graphiql   (log in as admin)
Press Ctrl-C to stop.
`);

let stopping = false;
const stop = async (signal, exitCode = 0) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping OpsConductor…`);
  await web.close();
  await stack.stop();
  console.log("stopped.");
  process.exit(exitCode);
};
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
for (const proc of Object.values(stack.procs)) {
  proc.child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`${proc.name} exited unexpectedly (${signal ?? code}); stopping everything.`);
      void stop("exit", 1);
    }
  });
}
