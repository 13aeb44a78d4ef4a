// The part every benchmark shares (the approach of bench-gateway.mjs): infrastructure check, Prisma
// clients, fresh bench databases, build, the stack on bench ports with ephemeral secrets and its own
// exchange and Redis prefix, seeded with an admin whose password is returned, and stopped on Ctrl-C.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import { build, checkInfra, ensureDependencies, ephemeralSecrets, generateClients, POSTGRES_URL, prepareDatabases } from "../setup.mjs";

const require = createRequire(import.meta.url);
const { seedServices, stackEnv, startStack } = require("./stack.cjs");
const { portsFor } = require("./registry.cjs");
const { databaseUrl } = require("./db.cjs");

/** CPU seconds (user + system, with waited-for children) a process has used so far, from /proc; undefined once it is gone. */
export function cpuSeconds(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    // After "pid (comm) ": state is field 3, so utime (14), stime, cutime, cstime are at 11..14.
    // Clock ticks: USER_HZ is 100 on Linux.
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

/** A benchmark's numeric `--<name> <value>` option, or the fallback. */
export function benchArg(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

/**
 * `call(query, variables?, token?)` against `url` (kit testing's graphql: one retry on a socket closed as idle):
 * the data, or an Error carrying the GraphQL errors. Call after set-up (it loads the built kit).
 * @param {string} url
 */
export function graphqlCaller(url) {
  const { graphql } = require("../../packages/kit/dist/testing/index.js");
  /** @type {(query: string, variables?: Record<string, unknown>, token?: string) => Promise<any>} */
  return async (query, variables = {}, token = undefined) => {
    const result = await graphql(url, query, variables, token ? { token } : {});
    if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
    return result.data;
  };
}

/**
 * Everything before the stack starts: checks, clients, fresh databases `opsc_<name>_<service>`, build, the
 * envs on bench ports (+ portOffset) with ephemeral secrets, its own exchange and Redis prefix (cleared), and
 * the seed (an admin with the returned password). A bench may change `envs` before calling `start()`.
 * @param {{ name: string, extra?: Record<string, string>, portOffset?: number }} options
 */
export async function prepareBenchStack({ name, extra = {}, portOffset = 0 }) {
  ensureDependencies();
  await checkInfra();
  await generateClients();
  const databases = await prepareDatabases((service) => `opsc_${name}_${service.name}`, { fresh: true });
  build();
  const ports = Object.fromEntries(Object.entries(portsFor("bench")).map(([service, port]) => [service, port + portOffset]));
  const secrets = ephemeralSecrets();
  const envs = stackEnv({
    mode: "test",
    secrets,
    ports,
    databases,
    postgresUrl: POSTGRES_URL,
    // No background health checks: probing bench targets would compete with the load measured. Measured as
    // deployed (docker-compose and the Dockerfile set NODE_ENV=production: libraries such as graphql-js drop
    // their development checks; introspection is off), as Hive Gateway is run in bench:gateway.
    extra: { NODE_ENV: "production", LOG_LEVEL: "error", EVENTS_EXCHANGE: `opsconductor.${name}.events`, REDIS_KEY_PREFIX: `opsc-${name}:`, HEALTH_CHECK_INTERVAL_SECONDS: "0", ...extra },
  });
  const password = `bench-${randomBytes(9).toString("base64url")}`;
  // Loaded after the build above.
  const { clearRedisPrefix } = require("../../packages/kit/dist/testing/index.js");
  await clearRedisPrefix(envs.auth.REDIS_URL, envs.auth.REDIS_KEY_PREFIX);
  seedServices(envs, { extraEnv: { OPSCONDUCTOR_ADMIN_PASSWORD: password }, stdio: "ignore" });
  const dbUrl = (service) => databaseUrl(databases[service], POSTGRES_URL);
  return {
    ports,
    envs,
    secrets,
    password,
    databases,
    databaseUrl: dbUrl,
    url: (service = "gateway") => `http://127.0.0.1:${ports[service]}/graphql`,
    /** Starts the stack (startStack options, e.g. `combined`); Ctrl-C stops it. */
    async start(options = {}) {
      const stack = await startStack(envs, { log: null, ...options });
      const onSignal = () => void stack.stop().then(() => process.exit(130));
      for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, onSignal);
      return {
        ...stack,
        stop: async () => {
          for (const signal of ["SIGINT", "SIGTERM"]) process.off(signal, onSignal);
          await stack.stop();
        },
      };
    },
  };
}

/**
 * prepareBenchStack, then `beforeStart` (e.g. bench data written straight to the databases), then the stack.
 * @param {{ name: string, extra?: Record<string, string>, portOffset?: number, beforeStart?: (ctx: { databases: Record<string, string>, databaseUrl: (service: string) => string }) => Promise<void> }} options
 */
export async function startBenchStack({ beforeStart, ...options }) {
  const bench = await prepareBenchStack(options);
  await beforeStart?.({ databases: bench.databases, databaseUrl: bench.databaseUrl });
  const stack = await bench.start();
  return { ...bench, procs: stack.procs, stop: () => stack.stop() };
}
