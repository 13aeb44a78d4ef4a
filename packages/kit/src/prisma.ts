import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { SqlClient, SqlTx } from "./outbox";

/** A pg pool for raw reads (SubgraphDeps.sql). */
export type SqlPool = pg.Pool;

export function sqlPool(connectionString: string, max: number): SqlPool {
  const pool = new pg.Pool({ connectionString, max });
  // An idle client's error (the server restarted) must not crash the process; the pool replaces it.
  pool.on("error", () => undefined);
  return pool;
}

/**
 * The kit's raw-SQL client shape (what the event consumer and the relay use) over a plain pg pool: a
 * transaction is BEGIN … COMMIT on one pooled connection, with none of a Prisma interactive
 * transaction's cost. For consumers whose handlers use raw SQL only (SubgraphDefinition.eventsOn).
 */
export function sqlClientOf(pool: SqlPool): SqlClient {
  const on = (target: Pick<pg.Pool, "query">): SqlTx => ({
    $queryRawUnsafe: async <T>(query: string, ...values: unknown[]) => (await target.query(query, values)).rows as T,
    $executeRawUnsafe: async (query: string, ...values: unknown[]) => (await target.query(query, values)).rowCount ?? 0,
  });
  return {
    ...on(pool),
    async $transaction<R>(fn: (tx: SqlTx) => Promise<R>): Promise<R> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const result = await fn(on(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        // A connection that cannot even roll back is dropped from the pool, not handed out again.
        await client.query("ROLLBACK").catch((rollback: Error) => (broken = rollback));
        throw error;
      } finally {
        client.release(broken);
      }
    },
  };
}

/**
 * Prisma's engines cannot be downloaded here, so every client runs on the query compiler with
 * adapter-pg. Services pass the adapter to their own generated PrismaClient.
 */
export function pgAdapter(connectionString: string, max = 10): PrismaPg {
  return new PrismaPg({ connectionString, max });
}

/** Readiness check for any Prisma client. */
export function prismaReady(client: { $queryRawUnsafe(sql: string): Promise<unknown> }) {
  return () => client.$queryRawUnsafe("SELECT 1");
}

/** True when err is Prisma's unique-constraint violation (P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}
