import path from "node:path";
import { Client } from "pg";
import { KIT_TABLES_SQL } from "@opsconductor/kit/subgraph";

/** The kit creates its own tables in every service database; both sides of the comparison get them. */
async function addKitTables(url: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of KIT_TABLES_SQL) await client.query(statement);
  } finally {
    await client.end();
  }
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the scripts' CommonJS database helpers
const db = require("../../scripts/lib/db.cjs") as {
  pendingSql(service: string): Promise<string>;
  createSql(service: string, datamodel: string): Promise<string>;
  migrationNames(service: string): string[];
  migrationsDir(service: string): string;
  migrate(service: string, url: string): Promise<string>;
  createDatabase(name: string, options?: { fresh?: boolean }): Promise<boolean>;
  dropDatabase(name: string): Promise<void>;
  databaseUrl(name: string): string;
};

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the service registry (CommonJS, shared with the scripts)
const { SERVICES: REGISTERED } = require("../../scripts/lib/registry.cjs") as { SERVICES: Array<{ name: string }> };
const SERVICES = REGISTERED.map((service) => service.name);
// The Prisma CLI takes seconds per call; every service is checked at once in beforeAll.
const SLOW = 240_000;

/** Tables, columns, indexes and constraints of the public schema, in a stable order. */
async function catalog(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const columns = await client.query(
      `SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS line
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    );
    const indexes = await client.query(`SELECT indexdef AS line FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`);
    const constraints = await client.query(
      `SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS line
         FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_prisma_migrations'`,
    );
    return [...columns.rows, ...indexes.rows, ...constraints.rows].map((row: { line: string }) => row.line).sort();
  } finally {
    await client.end();
  }
}

interface Checked {
  pending: string;
  migrated: string[];
  expected: string[];
}

/** Applies the migrations to one fresh database and the latest snapshot's full SQL to another. */
async function check(service: string): Promise<Checked> {
  const names = db.migrationNames(service);
  if (!names.length) throw new Error(`${service} has no migrations`);
  const namespace = process.env.OPSC_TEST_NAMESPACE ?? "opsc";
  const migrated = `${namespace}_drift_${service}_migrated`;
  const expected = `${namespace}_drift_${service}_expected`;
  await db.createDatabase(migrated, { fresh: true });
  await db.createDatabase(expected, { fresh: true });
  try {
    const [pending, , createSql] = await Promise.all([
      db.pendingSql(service),
      db.migrate(service, db.databaseUrl(migrated)),
      db.createSql(service, path.join(db.migrationsDir(service), names.at(-1)!, "datamodel.prisma")),
    ]);
    const client = new Client({ connectionString: db.databaseUrl(expected) });
    await client.connect();
    await client.query(createSql).finally(() => client.end());
    await Promise.all([addKitTables(db.databaseUrl(migrated)), addKitTables(db.databaseUrl(expected))]);
    return { pending, migrated: await catalog(db.databaseUrl(migrated)), expected: await catalog(db.databaseUrl(expected)) };
  } finally {
    await db.dropDatabase(migrated);
    await db.dropDatabase(expected);
  }
}

const results = new Map<string, Checked>();
beforeAll(async () => {
  const checked = await Promise.all(SERVICES.map(async (service) => [service, await check(service)] as const));
  for (const [service, result] of checked) results.set(service, result);
}, SLOW);

describe.each(SERVICES)("%s migrations", (service) => {
  it("schema.prisma has no change that a migration does not cover", () => {
    expect(results.get(service)?.pending).toBe("");
  });

  it("applying the migrations yields exactly the schema of the latest snapshot", () => {
    const result = results.get(service)!;
    expect(result.expected.length).toBeGreaterThan(0);
    expect(result.migrated).toEqual(result.expected);
  });
});
