// Database plumbing for set-up, tests and migration authoring. Prisma's JS schema engine runs
// through adapter-pg here (no engine downloads), which rules out `migrate dev`, `--from-url` and
// shadow databases: each migration folder therefore keeps a `datamodel.prisma` snapshot, and a new
// migration is the diff from the last snapshot to the current schema.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PRISMA = path.join(ROOT, "node_modules/.bin/prisma");

export function adminUrl(base = process.env.POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres") {
  return base;
}

export function databaseUrl(database, base = adminUrl()) {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

function prisma(service, args, env = {}) {
  return execFileSync(PRISMA, [...args, "--config", path.join(ROOT, "prisma", service, "prisma.config.ts")], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl("postgres"), ...env },
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
  });
}

export function generate(service) {
  prisma(service, ["generate"]);
}

export async function withAdmin(fn) {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const SAFE = /^[a-z0-9_]+$/;
export async function createDatabase(name, { fresh = false } = {}) {
  if (!SAFE.test(name)) throw new Error(`unsafe database name ${name}`);
  return withAdmin(async (client) => {
    if (fresh) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
    return !rowCount;
  });
}

export async function dropDatabase(name) {
  if (!SAFE.test(name)) throw new Error(`unsafe database name ${name}`);
  await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

export function migrate(service, url) {
  return prisma(service, ["migrate", "deploy"], { DATABASE_URL: url });
}

export function migrationsDir(service) {
  return path.join(ROOT, "prisma", service, "migrations");
}

export function migrationNames(service) {
  const dir = migrationsDir(service);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((entry) => fs.statSync(path.join(dir, entry)).isDirectory()).sort();
}

/** SQL that takes the last migration's snapshot to the current schema.prisma ("" when in sync). */
export function pendingSql(service) {
  const names = migrationNames(service);
  const schema = path.join(ROOT, "prisma", service, "schema.prisma");
  const from = names.length
    ? ["--from-schema-datamodel", path.join(migrationsDir(service), names.at(-1), "datamodel.prisma")]
    : ["--from-empty"];
  const sql = prisma(service, ["migrate", "diff", ...from, "--to-schema-datamodel", schema, "--script"]);
  return sql.replace(/^-- This is an empty migration\.\s*$/m, "").trim();
}

/** Writes prisma/<service>/migrations/<timestamp>_<name>/{migration.sql,datamodel.prisma}. */
export function newMigration(service, name) {
  const sql = pendingSql(service);
  if (!sql) return null;
  const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const dir = path.join(migrationsDir(service), `${stamp}_${name.replace(/[^a-z0-9_]/gi, "_")}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "migration.sql"), `${sql}\n`);
  fs.copyFileSync(path.join(ROOT, "prisma", service, "schema.prisma"), path.join(dir, "datamodel.prisma"));
  const lock = path.join(migrationsDir(service), "migration_lock.toml");
  if (!fs.existsSync(lock)) fs.writeFileSync(lock, 'provider = "postgresql"\n');
  return dir;
}
