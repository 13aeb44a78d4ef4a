import { pgAdapter } from "@opsconductor/kit/subgraph";
import { PrismaClient, type Prisma } from "./generated/prisma/client";

export { PrismaClient };
export type { Prisma };
/** A client or an interactive-transaction client: repositories accept either. */
export type Db = PrismaClient | Prisma.TransactionClient;

export function createPrisma(databaseUrl: string, poolSize = 10): PrismaClient {
  return new PrismaClient({ adapter: pgAdapter(databaseUrl, poolSize) });
}

/** `now()` as Prisma stores it: timestamp without time zone, in UTC. For raw SQL. */
export const SQL_NOW_UTC = "(now() AT TIME ZONE 'UTC')";
