// Starts the whole platform (every registered subgraph + gateway) from dist/ on test ports against the fresh
// opsc_e2e_* databases that `npm test` created, seeds the admin, and records how to reach it.
const fs = require("node:fs");
const path = require("node:path");
const { randomBytes } = require("node:crypto");
const { seedServices, stackEnv, startStack, ROOT } = require("../../../scripts/lib/stack.cjs");
const { portsFor, webPortFor } = require("../../../scripts/lib/registry.cjs");
const { startWebServer } = require("../../../web/server.cjs");

module.exports = async function globalSetup() {
  if (!process.env.E2E_DATABASES) throw new Error("E2E_DATABASES is not set: run the end-to-end tests through `npm test`");
  const databases = JSON.parse(process.env.E2E_DATABASES);
  const secrets = {
    SERVICE_TOKEN: randomBytes(32).toString("base64url"),
    AUTH_SECRETS_KEY: randomBytes(32).toString("hex"),
    TARGETS_MASTER_KEY: randomBytes(32).toString("hex"),
    EXECUTIONS_SECRETS_KEY: randomBytes(32).toString("hex"),
    NOTIFICATIONS_SECRETS_KEY: randomBytes(32).toString("hex"),
  };
  const namespace = process.env.OPSC_TEST_NAMESPACE ?? "opsc";
  const ports = portsFor("e2e", undefined, process.env.OPSC_E2E_PORT_OFFSET ? Number(process.env.OPSC_E2E_PORT_OFFSET) : undefined);
  const adminPassword = `e2e-${randomBytes(12).toString("base64url")}`;
  // Its own exchange (and so its own queues) keeps a running dev stack from taking these events.
  const exchange = namespace === "opsc" ? "opsconductor.e2e.events" : `opsconductor.${namespace}-e2e.events`;
  const envs = stackEnv({
    mode: "test",
    secrets,
    ports,
    databases,
    postgresUrl: process.env.POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
    // Debug: the secrets test reads every line a service writes, and leaks hide in info and debug lines.
    // Connection tests give up after 5 s: quick for the "listener that never speaks" test, and enough for
    // 100 handshakes at once on a busy 2-core machine (3 s timed out good targets under load).
    // The built-in localhost target is on, to prove it through the front door (executions.test.ts).
    // Notification retries in milliseconds, not the default 30 s, so retry and dead-letter tests finish quickly.
    extra: {
      EVENTS_EXCHANGE: exchange,
      REDIS_KEY_PREFIX: `${namespace}-e2e:`,
      LOG_LEVEL: "debug",
      CONNECTION_TEST_TIMEOUT_MS: "5000",
      LOCAL_TARGET_EXECUTION: "enabled",
      SEED_LOCALHOST_TARGET: "true",
      NOTIFICATIONS_BACKOFF_MS: "100",
      NOTIFICATIONS_DISPATCH_INTERVAL_MS: "100",
      // The delivery reaper looks every half second and takes a delivery as stuck after 2 s (notifications-reaper.test.ts).
      NOTIFICATIONS_REAPER_INTERVAL_MS: "500",
      NOTIFICATIONS_STUCK_AFTER_MS: "2000",
      // Small keyset batches, so the streamed export's test spans several of them.
      AUDIT_EXPORT_BATCH_SIZE: "50",
    },
  });
  // Fresh Redis state as well as fresh databases: login-throttle counts of earlier runs live for an hour
  // under the same prefix, and a few runs' deliberate failures from 127.0.0.1 throttled this one.
  const anyEnv = Object.values(envs).find((env) => env.REDIS_URL && env.REDIS_KEY_PREFIX);
  // Kit's test helpers, built by `npm test` before the end-to-end tests run.
  const { clearRedisPrefix } = require("../../../packages/kit/dist/testing/index.js");
  await clearRedisPrefix(anyEnv.REDIS_URL, anyEnv.REDIS_KEY_PREFIX);
  seedServices(envs, { extraEnv: { OPSCONDUCTOR_ADMIN_PASSWORD: adminPassword }, stdio: ["ignore", "ignore", "inherit"] });

  const logFile = path.join(ROOT, ".data", `${namespace}-e2e-stack.log`);
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.createWriteStream(logFile);
  const stack = await startStack(envs, { log });
  // The web console in front of the gateway, as `npm start` serves it (the browser tests go through it).
  const offset = process.env.OPSC_E2E_PORT_OFFSET ? Number(process.env.OPSC_E2E_PORT_OFFSET) : undefined;
  let web;
  try {
    web = await startWebServer({ port: webPortFor("e2e", offset), gatewayUrl: `http://127.0.0.1:${ports.gateway}` });
  } catch (error) {
    await stack.stop();
    throw error;
  }
  globalThis.__OPSC_STACK__ = { stack, log, web };
  const state = {
    gatewayUrl: `http://127.0.0.1:${ports.gateway}/graphql`,
    webUrl: web.url,
    adminPassword,
    exchange,
    secrets,
    envs,
    databases,
    pids: Object.fromEntries(Object.entries(stack.procs).map(([name, proc]) => [name, proc.pid])),
    // The stack as started here: restoreStack (stack.ts) puts it back like this after every suite.
    members: Object.keys(stack.procs),
    logFile,
  };
  const stateFile = path.join(ROOT, ".data", `${namespace}-e2e-stack.json`);
  fs.writeFileSync(stateFile, JSON.stringify(state, null, 2), { mode: 0o600 });
  process.env.E2E_STACK_FILE = stateFile;
};
