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

/** outbox_events and processed_events exactly as in prisma/auth/migrations, plus a tiny effects table. */
export const KIT_TEST_SCHEMA = `
CREATE TABLE "outbox_events" (
    "seq" BIGSERIAL NOT NULL,
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMP(3),

    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("seq")
);

CREATE TABLE "processed_events" (
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "processed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_events_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "outbox_events_id_key" ON "outbox_events"("id");

CREATE INDEX "outbox_events_published_at_seq_idx" ON "outbox_events"("published_at", "seq");

CREATE TABLE "effects" (
    "seq" BIGSERIAL NOT NULL,
    "event_id" UUID NOT NULL,
    "note" TEXT NOT NULL,

    CONSTRAINT "effects_pkey" PRIMARY KEY ("seq")
);
`;
