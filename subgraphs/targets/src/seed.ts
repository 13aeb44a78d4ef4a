import { ADMIN_USER_ID, emitEvent, SYSTEM_ACTOR } from "@opsconductor/kit/subgraph";
import { PrismaClient } from "./generated/prisma/client";
import { OsType } from "./generated/prisma/enums";
import { targetSnapshot, targetSubject } from "./target/target.service";
import { validateCreate, type TargetInputShape } from "./target/target.validation";

export const DEMO_TARGETS: TargetInputShape[] = [
  { name: "web-01", address: "127.0.0.11", port: 22, osType: OsType.LINUX, environment: "production", tags: ["web", "nginx"], description: "Demo web server" },
  { name: "db-01", address: "127.0.0.21", port: 22, osType: OsType.LINUX, environment: "production", tags: ["db", "postgres"], description: "Demo database server" },
  { name: "win-app-01", address: "127.0.1.5", port: 5985, osType: OsType.WINDOWS, environment: "staging", tags: [], description: "Demo Windows application server (WinRM)" },
  { name: "core-sw-01", address: "127.0.255.1", port: 22, osType: OsType.NETWORK, environment: "production", tags: ["network"], description: "Demo core switch" },
];

/**
 * Inserts the demo targets, each with its created event, when the inventory has never held a target;
 * otherwise changes nothing. Returns how many were inserted.
 */
export async function seedDemoTargets(prisma: PrismaClient): Promise<number> {
  return prisma.$transaction(async (tx) => {
    // Two set-ups running at once must not both see an empty table.
    await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtext('targets.seed'))");
    if ((await tx.target.count()) > 0) return 0;
    for (const input of DEMO_TARGETS) {
      const values = validateCreate(input);
      const row = await tx.target.create({ data: { ...values, nameKey: values.name.toLowerCase(), createdById: ADMIN_USER_ID } });
      await emitEvent(tx, "targets.target.created", { actor: SYSTEM_ACTOR, subject: targetSubject(row), data: targetSnapshot(row) });
    }
    return DEMO_TARGETS.length;
  });
}

/** The built-in target of executions' LOCAL executor: address `localhost` and no connection method. */
export const LOCALHOST_TARGET: TargetInputShape = {
  name: "localhost",
  address: "localhost",
  port: 22,
  osType: OsType.LINUX,
  environment: "platform",
  tags: ["built-in"],
  description: "Built-in: steps run on the platform's own host as the worker's user (executions' LOCAL_TARGET_EXECUTION must be enabled)",
};

/** Adds the built-in `localhost` target unless an active target has that address; true when it did. */
export async function seedLocalhostTarget(prisma: PrismaClient): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtext('targets.seed.localhost'))");
    if ((await tx.target.count({ where: { address: "localhost", deletedAt: null } })) > 0) return false;
    const values = validateCreate(LOCALHOST_TARGET);
    const row = await tx.target.create({ data: { ...values, nameKey: values.name.toLowerCase(), createdById: ADMIN_USER_ID } });
    await emitEvent(tx, "targets.target.created", { actor: SYSTEM_ACTOR, subject: targetSubject(row), data: targetSnapshot(row) });
    return true;
  });
}
