import { KIT_TABLES_SQL } from "../../src/outbox-tables";
import { Pool, type PoolClient, type QueryResult } from "pg";
import type { SqlClient, SqlTx } from "../../src/outbox";

/**
 * The Prisma surface the kit's relay and consumer use ($executeRawUnsafe, $queryRawUnsafe,
 * $transaction(fn)) over a plain pg Pool, so kit tests need no generated Prisma client.
 * `$1` placeholders are PostgreSQL's own, so queries pass through unchanged.
 */
export interface PgClient extends SqlClient {
  pool: Pool;
  end(): Promise<void>;
}

function executor(query: (sql: string, values: unknown[]) => Promise<QueryResult>): SqlTx {
  return {
    async $executeRawUnsafe(sql: string, ...values: unknown[]) {
      return (await query(sql, values)).rowCount ?? 0;
    },
    async $queryRawUnsafe<T = unknown>(sql: string, ...values: unknown[]) {
      return (await query(sql, values)).rows as T;
    },
  };
}

export function pgClient(connectionString: string): PgClient {
  const pool = new Pool({ connectionString, max: 10 });
  return {
    pool,
    ...executor((sql, values) => pool.query(sql, values)),
    async $transaction<R>(fn: (tx: SqlTx) => Promise<R>): Promise<R> {
      const client: PoolClient = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn(executor((sql, values) => client.query(sql, values)));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    end: () => pool.end(),
  };
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
