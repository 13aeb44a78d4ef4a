import path from "node:path";
import { Client } from "pg";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the scripts' CommonJS database helpers
const db = require("../../scripts/lib/db.cjs") as {
  pendingSql(service: string): string;
  createSql(service: string, datamodel: string): string;
  migrationNames(service: string): string[];
  migrationsDir(service: string): string;
  migrate(service: string, url: string): string;
  createDatabase(name: string, options?: { fresh?: boolean }): Promise<boolean>;
  dropDatabase(name: string): Promise<void>;
  databaseUrl(name: string): string;
};

const SERVICES = ["auth", "users", "targets"];

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

describe.each(SERVICES)("%s migrations", (service) => {
  const migrated = `opsc_drift_${service}_migrated`;
  const expected = `opsc_drift_${service}_expected`;
  afterAll(async () => {
    await db.dropDatabase(migrated);
    await db.dropDatabase(expected);
  });

  it("schema.prisma has no change that a migration does not cover", () => {
    expect(db.pendingSql(service)).toBe("");
  });

  it("applying the migrations yields exactly the schema of the latest snapshot", async () => {
    const names = db.migrationNames(service);
    expect(names.length).toBeGreaterThan(0);
    await db.createDatabase(migrated, { fresh: true });
    await db.createDatabase(expected, { fresh: true });
    db.migrate(service, db.databaseUrl(migrated));
    const client = new Client({ connectionString: db.databaseUrl(expected) });
    await client.connect();
    try {
      await client.query(db.createSql(service, path.join(db.migrationsDir(service), names.at(-1)!, "datamodel.prisma")));
    } finally {
      await client.end();
    }
    const [actual, wanted] = await Promise.all([catalog(db.databaseUrl(migrated)), catalog(db.databaseUrl(expected))]);
    expect(wanted.length).toBeGreaterThan(0);
    expect(actual).toEqual(wanted);
  });
});
