import { pgAdapter } from "@opsconductor/kit";
import { PrismaClient, type Prisma } from "./generated/prisma/client";

export { PrismaClient };
/** A client or an interactive-transaction client: repositories accept either. */
export type Db = PrismaClient | Prisma.TransactionClient;

export function createPrisma(databaseUrl: string): PrismaClient {
  return new PrismaClient({ adapter: pgAdapter(databaseUrl) });
}

/** `now()` as Prisma stores it: timestamp without time zone, in UTC. For raw SQL. */
export const SQL_NOW_UTC = "(now() AT TIME ZONE 'UTC')";
