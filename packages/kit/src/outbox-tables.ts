import type { SqlExecutor } from "./outbox";

/**
 * The kit's own tables, in every service database: the transactional outbox and the consumer's
 * processed-event log. Defined once, here, and created by the kit when a service (or its seed, or a
 * test) starts, instead of a copy in every Prisma schema and migration. Idempotent; safe for
 * replicas starting together (an advisory lock serializes them).
 */
export const KIT_TABLES = ["outbox_events", "processed_events"] as const;

const DDL = [
  "SELECT pg_advisory_xact_lock(hashtext('opsconductor.kit.tables'))",
  `CREATE TABLE IF NOT EXISTS "outbox_events" (
    "seq" BIGSERIAL NOT NULL,
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMP(3),
    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("seq"))`,
  `CREATE UNIQUE INDEX IF NOT EXISTS "outbox_events_id_key" ON "outbox_events"("id")`,
  `CREATE INDEX IF NOT EXISTS "outbox_events_published_at_seq_idx" ON "outbox_events"("published_at", "seq")`,
  `CREATE TABLE IF NOT EXISTS "processed_events" (
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "processed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "processed_events_pkey" PRIMARY KEY ("id"))`,
  // Relay bookkeeping for rows the broker could not route (mandatory flag): how often they came back,
  // when to try again (back-off, so one unroutable row neither blocks the rest nor spins), and why.
  `ALTER TABLE "outbox_events" ADD COLUMN IF NOT EXISTS "attempts" INTEGER NOT NULL DEFAULT 0`,
  `ALTER TABLE "outbox_events" ADD COLUMN IF NOT EXISTS "next_attempt_at" TIMESTAMP(3)`,
  `ALTER TABLE "outbox_events" ADD COLUMN IF NOT EXISTS "last_error" TEXT`,
];

export async function ensureKitTables(db: {
  $transaction<R>(fn: (tx: SqlExecutor) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R>;
}): Promise<void> {
  // Generous limits: many processes start at once on a loaded machine (a test run on two CPUs waited
  // more than Prisma's default 2 s for its transaction to begin), and the advisory lock queues them.
  await db.$transaction(
    async (tx) => {
      for (const statement of DDL) await tx.$executeRawUnsafe(statement);
    },
    { maxWait: 20_000, timeout: 30_000 },
  );
}

/** The same statements for a plain `pg` client (kit tests, scripts). */
export const KIT_TABLES_SQL = DDL.slice(1);
