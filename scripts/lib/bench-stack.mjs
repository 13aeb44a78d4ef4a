// The part every benchmark shares (the approach of bench-gateway.mjs): infrastructure check, Prisma
// clients, fresh bench databases, build, the stack on bench ports with ephemeral secrets and its own
// exchange and Redis prefix, seeded with an admin whose password is returned, and stopped on Ctrl-C.
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { build, checkInfra, ensureDependencies, ephemeralSecrets, generateClients, POSTGRES_URL, prepareDatabases } from "../setup.mjs";

const require = createRequire(import.meta.url);
const { seedServices, stackEnv, startStack } = require("./stack.cjs");
const { portsFor } = require("./registry.cjs");
const { databaseUrl } = require("./db.cjs");

/**
 * @param {{ name: string, extra?: Record<string, string>, portOffset?: number, beforeStart?: (ctx: { databases: Record<string, string>, databaseUrl: (service: string) => string }) => Promise<void> }} options
 *   name: the bench's name (databases `opsc_<name>_<service>`, exchange and Redis prefix); portOffset: added to the bench ports.
 */
export async function startBenchStack({ name, extra = {}, portOffset = 0, beforeStart }) {
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
    extra: { LOG_LEVEL: "error", EVENTS_EXCHANGE: `opsconductor.${name}.events`, REDIS_KEY_PREFIX: `opsc-${name}:`, HEALTH_CHECK_INTERVAL_SECONDS: "0", ...extra },
  });
  const password = `bench-${randomBytes(9).toString("base64url")}`;
  // Loaded after the build above.
  const { clearRedisPrefix } = require("../../packages/kit/dist/testing/index.js");
  await clearRedisPrefix(envs.auth.REDIS_URL, envs.auth.REDIS_KEY_PREFIX);
  seedServices(envs, { extraEnv: { OPSCONDUCTOR_ADMIN_PASSWORD: password }, stdio: "ignore" });
  const dbUrl = (service) => databaseUrl(databases[service], POSTGRES_URL);
  await beforeStart?.({ databases, databaseUrl: dbUrl });
  const stack = await startStack(envs, { log: null });
  const onSignal = () => void stack.stop().then(() => process.exit(130));
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, onSignal);
  return {
    ports,
    envs,
    secrets,
    password,
    databaseUrl: dbUrl,
    url: (service = "gateway") => `http://127.0.0.1:${ports[service]}/graphql`,
    stop: () => stack.stop(),
  };
}
