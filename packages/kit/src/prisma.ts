import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

/** A pg pool for raw reads (SubgraphDeps.sql). */
export type SqlPool = pg.Pool;

export function sqlPool(connectionString: string, max: number): SqlPool {
  const pool = new pg.Pool({ connectionString, max });
  // An idle client's error (the server restarted) must not crash the process; the pool replaces it.
  pool.on("error", () => undefined);
  return pool;
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
