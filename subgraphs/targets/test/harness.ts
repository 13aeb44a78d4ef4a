import type { Logger } from "@opsconductor/kit";
import { pgAdapter, type RunningOf } from "@opsconductor/kit/subgraph";
import { createTestSigner, startTestSubgraph, subgraphClient, testDatabaseUrl, type SubgraphClient } from "@opsconductor/kit/testing";
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Client } from "pg";
import { freshDatabase } from "@opsconductor/kit/testing";
import { PrismaClient } from "../src/generated/prisma/client";
import targetsSubgraph from "../src/subgraph";

/** In-process targets subgraph on a free port, against the migrated test database. */

export const DATABASE_URL = testDatabaseUrl("targets");

export interface Harness {
  subgraph: RunningOf<typeof targetsSubgraph>;
  url: string;
  /** Calls the subgraph with gateway proof, as the gateway does. */
  graphql: SubgraphClient;
  db: PrismaClient;
  signer: ReturnType<typeof createTestSigner>;
  stop(): Promise<void>;
}

/**
 * One master key for every test file: they share the test database, whose data keys it wraps.
 * Derived from a constant, never used outside tests.
 */
export const TEST_MASTER_KEY = createHash("sha256").update("opsconductor targets test master key").digest("hex");

export async function startTargets(envOverrides: Record<string, string> = {}, options: { logger?: Logger } = {}): Promise<Harness> {
  const signer = createTestSigner();
  const subgraph = await startTestSubgraph(targetsSubgraph, {
    keys: signer.keys,
    logger: options.logger,
    // Periodic checks off unless a test turns them on (with its own Redis prefix).
    env: { TARGETS_MASTER_KEY: TEST_MASTER_KEY, CONNECTION_TEST_TIMEOUT_MS: "3000", HEALTH_CHECK_INTERVAL_SECONDS: "0", ...envOverrides },
  });
  const db = new PrismaClient({ adapter: pgAdapter(DATABASE_URL, 2) });
  return {
    subgraph,
    url: subgraph.url,
    graphql: subgraphClient(subgraph),
    db,
    signer,
    async stop() {
      await subgraph.stop();
      await db.$disconnect();
    },
  };
}

/** A short random suffix so re-runs on the same database never collide. */
export const suffix = () => randomUUID().slice(0, 8);

/** A hostname nobody else in the test database uses. */
export const uniqueHost = (prefix = "host") => `${prefix}-${suffix()}.example.test`;

export interface OutboxRow {
  type: string;
  payload: { type: string; actor: { userId: string | null }; subject: { type: string; id: string }; data: Record<string, unknown> };
  xmin: string;
}

/** The outbox rows about one target, oldest first, with the id of the transaction that wrote each. */
export function outboxFor(db: PrismaClient, targetId: string): Promise<OutboxRow[]> {
  return db.$queryRawUnsafe<OutboxRow[]>(
    "SELECT type, payload, xmin::text AS xmin FROM outbox_events WHERE payload->'subject'->>'id' = $1 ORDER BY seq",
    targetId,
  );
}

/** The id of the transaction that last wrote the target row. */
export async function rowXmin(db: PrismaClient, targetId: string): Promise<string> {
  const rows = await db.$queryRawUnsafe<Array<{ xmin: string }>>("SELECT xmin::text AS xmin FROM targets WHERE id = $1::uuid", targetId);
  return rows[0].xmin;
}

/**
 * Rows in targets and outbox_events that mention marker (in name or address, or anywhere in the event).
 * "Nothing written" is checked this way rather than with table totals, which other test files change in parallel.
 */
export async function traces(db: PrismaClient, marker: string) {
  const [targets, outbox] = await Promise.all([
    db.target.count({ where: { OR: [{ name: { contains: marker } }, { address: { contains: marker } }] } }),
    db.$queryRawUnsafe<Array<{ n: number }>>("SELECT count(*)::int AS n FROM outbox_events WHERE strpos(payload::text, $1) > 0", marker),
  ]);
  return { targets, outbox: outbox[0].n };
}

const MIGRATIONS = path.join(__dirname, "../../../prisma/targets/migrations");

/**
 * A database of the test's own (`<test database>_<suffix>`, dropped first), migrated from the committed
 * SQL: for tests that need an empty inventory or change what opens the whole database.
 */
export async function migratedDatabase(suffix: string): Promise<{ url: string; name: string }> {
  const name = `${new URL(DATABASE_URL).pathname.slice(1)}_${suffix}`;
  const admin = new URL(DATABASE_URL);
  admin.pathname = "/postgres";
  const url = await freshDatabase(admin.toString(), name);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const dir of fs.readdirSync(MIGRATIONS).filter((entry) => fs.statSync(path.join(MIGRATIONS, entry)).isDirectory()).sort()) {
      await client.query(fs.readFileSync(path.join(MIGRATIONS, dir, "migration.sql"), "utf8"));
    }
  } finally {
    await client.end();
  }
  return { url, name };
}
