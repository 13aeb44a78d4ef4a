#!/usr/bin/env node
// All set-up for `npm start` and `npm test`: dependencies, infrastructure check, secrets, Prisma
// clients, databases, migrations, build, and (for start) the demo seed.
import { execFileSync, execSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import registry from "./lib/registry.cjs";

const { SERVICES } = registry;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const log = (message) => process.stdout.write(`» ${message}\n`);

export function ensureDependencies() {
  const marker = path.join(ROOT, "node_modules", ".package-lock.json");
  const lock = path.join(ROOT, "package-lock.json");
  if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  log("installing dependencies (npm ci)");
  execSync("npm ci --no-audit --no-fund", { cwd: ROOT, stdio: "inherit" });
}

export const POSTGRES_URL = process.env.POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
export const RABBITMQ_URL = process.env.RABBITMQ_URL ?? "amqp://guest:guest@127.0.0.1:5672";

/** Per-install secrets for local runs, generated once into .data/secrets.json (git-ignored). */
export function localSecrets() {
  const file = path.join(ROOT, ".data", "secrets.json");
  const fresh = {
    SERVICE_TOKEN: () => process.env.SERVICE_TOKEN ?? randomBytes(32).toString("base64url"),
    AUTH_SECRETS_KEY: () => process.env.AUTH_SECRETS_KEY ?? randomBytes(32).toString("hex"),
    TARGETS_MASTER_KEY: () => process.env.TARGETS_MASTER_KEY ?? randomBytes(32).toString("hex"),
    EXECUTIONS_SECRETS_KEY: () => process.env.EXECUTIONS_SECRETS_KEY ?? randomBytes(32).toString("hex"),
    NOTIFICATIONS_SECRETS_KEY: () => process.env.NOTIFICATIONS_SECRETS_KEY ?? randomBytes(32).toString("hex"),
  };
  const existing = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
  // A checkout set up before a secret existed gets only the missing one; existing values never change.
  const missing = Object.keys(fresh).filter((name) => !existing[name]);
  if (!missing.length) return existing;
  const secrets = { ...existing, ...Object.fromEntries(missing.map((name) => [name, fresh[name]()])) };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

export function ephemeralSecrets() {
  return {
    SERVICE_TOKEN: randomBytes(32).toString("base64url"),
    AUTH_SECRETS_KEY: randomBytes(32).toString("hex"),
    TARGETS_MASTER_KEY: randomBytes(32).toString("hex"),
    EXECUTIONS_SECRETS_KEY: randomBytes(32).toString("hex"),
    NOTIFICATIONS_SECRETS_KEY: randomBytes(32).toString("hex"),
  };
}

/** See scripts/lib/devdata.cjs: a second checkout on the same PostgreSQL stops in one line naming `npm run reset`. */
export async function claimDevDatabases(databases, secrets) {
  const { claimDevDatabases: claim } = await import("./lib/devdata.cjs");
  await claim(databases, secrets);
}

/** `npm run reset`: drops the dev databases and this checkout's local secrets. */
export async function resetDevData() {
  const { dropDatabase } = await import("./lib/db.cjs");
  for (const service of SERVICES) {
    await dropDatabase(service.database);
    log(`dropped ${service.database}`);
  }
  fs.rmSync(path.join(ROOT, ".data", "secrets.json"), { force: true });
  log("removed .data/secrets.json; the next `npm start` sets everything up again");
}

export async function checkInfra() {
  const { checkInfrastructure } = await import("./lib/infra.mjs");
  await checkInfrastructure({ postgresUrl: POSTGRES_URL, redisUrl: REDIS_URL, rabbitUrl: RABBITMQ_URL });
}

export async function generateClients() {
  const { generate } = await import("./lib/db.cjs");
  log("generating Prisma clients");
  await Promise.all(SERVICES.map(({ name }) => generate(name)));
}

/** Creates (fresh: drops first) and migrates one database per service; returns name → database. */
export async function prepareDatabases(nameOf, { fresh = false } = {}) {
  const { createDatabase, migrate, databaseUrl } = await import("./lib/db.cjs");
  const prepared = await Promise.all(
    SERVICES.map(async (service) => {
      const database = nameOf(service);
      const created = await createDatabase(database, { fresh });
      await migrate(service.name, databaseUrl(database, POSTGRES_URL));
      log(`${created ? "created" : "migrated"} ${database}`);
      return [service.name, database];
    }),
  );
  return Object.fromEntries(prepared);
}

// Turbo would otherwise send anonymous telemetry: nothing the project runs may reach beyond loopback.
process.env.TURBO_TELEMETRY_DISABLED = "1";
process.env.DO_NOT_TRACK = "1";

export function build() {
  log("building (turbo run build)");
  execFileSync(path.join(ROOT, "node_modules/.bin/turbo"), ["run", "build", "--output-logs=errors-only"], { cwd: ROOT, stdio: "inherit" });
}


const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  ensureDependencies();
  const args = new Set(process.argv.slice(2));
  if (args.has("--reset")) {
    await checkInfra();
    await resetDevData();
    process.exit(0);
  }
  await generateClients();
  if (!args.has("--generate-only")) {
    await checkInfra();
    await prepareDatabases((service) => service.database);
    if (!args.has("--migrate-only")) build();
  }
}
