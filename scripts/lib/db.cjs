// Database plumbing for set-up, tests and migration authoring. Prisma's JS schema engine runs
// through adapter-pg here (no engine downloads), which rules out `migrate dev`, `--from-url` and
// shadow databases: each migration folder therefore keeps a `datamodel.prisma` snapshot, and a new
// migration is the diff from the last snapshot to the current schema.
"use strict";
const { execFile } = require("node:child_process");
const { promisify } = require("node:util");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "../..");
const PRISMA = path.join(ROOT, "node_modules/.bin/prisma");

function adminUrl(base = process.env.POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres") {
  return base;
}

function databaseUrl(database, base = adminUrl()) {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs the Prisma CLI for one service; resolves with its stdout, rejects with its stderr. */
async function prisma(service, args, env = {}) {
  const { stdout } = await promisify(execFile)(PRISMA, [...args, "--config", path.join(ROOT, "prisma", service, "prisma.config.ts")], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl("postgres"), ...env },
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

async function generate(service) {
  await prisma(service, ["generate"]);
}

async function withAdmin(fn) {
  const pg = require("pg");
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const SAFE = /^[a-z0-9_]+$/;
async function createDatabase(name, { fresh = false } = {}) {
  if (!SAFE.test(name)) throw new Error(`unsafe database name ${name}`);
  return withAdmin(async (client) => {
    if (fresh) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
    return !rowCount;
  });
}

async function dropDatabase(name) {
  if (!SAFE.test(name)) throw new Error(`unsafe database name ${name}`);
  await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

async function migrate(service, url) {
  return prisma(service, ["migrate", "deploy"], { DATABASE_URL: url });
}

function migrationsDir(service) {
  return path.join(ROOT, "prisma", service, "migrations");
}

function migrationNames(service) {
  const dir = migrationsDir(service);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((entry) => fs.statSync(path.join(dir, entry)).isDirectory()).sort();
}

/** SQL that takes the last migration's snapshot to the current schema.prisma ("" when in sync). */
async function pendingSql(service) {
  const names = migrationNames(service);
  const schema = path.join(ROOT, "prisma", service, "schema.prisma");
  const from = names.length
    ? ["--from-schema-datamodel", path.join(migrationsDir(service), names.at(-1), "datamodel.prisma")]
    : ["--from-empty"];
  const sql = await prisma(service, ["migrate", "diff", ...from, "--to-schema-datamodel", schema, "--script"]);
  return sql.replace(/^-- This is an empty migration\.\s*$/m, "").trim();
}

/** SQL that creates, on an empty database, the schema described by one datamodel file. */
async function createSql(service, datamodel) {
  return prisma(service, ["migrate", "diff", "--from-empty", "--to-schema-datamodel", datamodel, "--script"]);
}

/** Writes prisma/<service>/migrations/<timestamp>_<name>/{migration.sql,datamodel.prisma}. */
async function newMigration(service, name) {
  const sql = await pendingSql(service);
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

module.exports = { ROOT, adminUrl, databaseUrl, generate, withAdmin, createDatabase, dropDatabase, migrate, migrationsDir, migrationNames, pendingSql, createSql, newMigration };
