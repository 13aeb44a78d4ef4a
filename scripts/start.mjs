#!/usr/bin/env node
// `npm start`: everything a fresh machine needs, then the whole platform in the foreground. The
// subgraphs share one Node process by default (each with its own schema, port, database and Prisma
// client) to keep the dev stack small; `npm start -- --separate` runs one process per subgraph.
// `npm start -- --demo-ssh` (or OPSC_DEMO_SSH=1) also runs an sshd on 127.0.0.1 as a demo host.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
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
const { demoSshRequested, startDemoSsh, DEFAULT_PORT: DEMO_SSH_PORT } = require("./lib/demo-ssh.cjs");
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
let demoSsh = null;
if (demoSshRequested()) {
  // Before seeding, so the targets seed adds its credential and target (see subgraphs/targets README).
  try {
    const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", ".data", "demo-ssh");
    demoSsh = await startDemoSsh({ dir, port: Number(process.env.OPSC_DEMO_SSH_PORT || DEMO_SSH_PORT) });
    Object.assign(envs.targets, { DEMO_SSH_PORT: String(demoSsh.port), DEMO_SSH_USER: demoSsh.user, DEMO_SSH_KEY_FILE: demoSsh.privateKeyFile });
    // sshd is our child: it must not outlive this process, whatever ends it.
    process.on("exit", () => {
      try {
        process.kill(demoSsh.pid, "SIGTERM");
      } catch {
        // already gone
      }
    });
    if (demoSsh.root) console.warn(`Demo SSH host: npm start runs as root, so its key logs in as root on 127.0.0.1:${demoSsh.port}; run npm start as a normal user to avoid that.`);
  } catch (error) {
    console.error(`Demo SSH host not started: ${error.message}`);
  }
}

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
${demoSsh ? `  Demo SSH host:      demo-ssh-01 → ${demoSsh.user}@127.0.0.1:${demoSsh.port} (key in .data/demo-ssh; try testTargetConnection)\n` : ""}Press Ctrl-C to stop.
`);

let stopping = false;
const stop = async (signal, exitCode = 0) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping OpsConductor…`);
  await web.close();
  await stack.stop();
  await demoSsh?.stop();
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
