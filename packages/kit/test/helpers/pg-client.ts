import { KIT_TABLES_SQL } from "../../src/outbox-tables";
import { Pool } from "pg";
import type { SqlClient } from "../../src/outbox";
import { sqlClientOf } from "../../src/prisma";

/**
 * The Prisma surface the kit's relay and consumer use ($executeRawUnsafe, $queryRawUnsafe,
 * $transaction(fn)) over a plain pg Pool, so kit tests need no generated Prisma client: kit's own
 * sqlClientOf (what a service's consumer runs on with `eventsOn: "sql"`), plus the pool.
 */
export interface PgClient extends SqlClient {
  pool: Pool;
  end(): Promise<void>;
}

export function pgClient(connectionString: string): PgClient {
  const pool = new Pool({ connectionString, max: 10 });
  return { pool, ...sqlClientOf(pool), end: () => pool.end() };
}

/** The kit's own tables (the one definition, outbox-tables.ts) plus a table the tests' handlers write effects to. */
export const KIT_TEST_TABLES = `
CREATE TABLE "effects" (
    "seq" BIGSERIAL NOT NULL,
    "event_id" UUID NOT NULL,
    "note" TEXT NOT NULL,

    CONSTRAINT "effects_pkey" PRIMARY KEY ("seq")
);
`;

export const KIT_TEST_SCHEMA = [...KIT_TABLES_SQL, KIT_TEST_TABLES].join(";\n");
