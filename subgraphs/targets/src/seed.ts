import "reflect-metadata";
import { emitEvent, pgAdapter, SYSTEM_ACTOR } from "@opsconductor/kit";
import { loadSeedEnv } from "./env";
import { PrismaClient } from "./generated/prisma/client";
import { OsType } from "./generated/prisma/enums";
import { targetSnapshot, targetSubject } from "./target/target.service";
import { validateCreate, type TargetInputShape } from "./target/target.validation";

export const ADMIN_USER_ID = "00000000-0000-4000-8000-000000000001";

export const DEMO_TARGETS: TargetInputShape[] = [
  { name: "web-01", address: "10.0.0.11", port: 22, osType: OsType.LINUX, environment: "production", tags: ["web", "nginx"], description: "Demo web server" },
  { name: "db-01", address: "10.0.0.21", port: 22, osType: OsType.LINUX, environment: "production", tags: ["db", "postgres"], description: "Demo database server" },
  { name: "win-app-01", address: "10.0.1.5", port: 5985, osType: OsType.WINDOWS, environment: "staging", tags: [], description: "Demo Windows application server (WinRM)" },
  { name: "core-sw-01", address: "10.0.255.1", port: 22, osType: OsType.NETWORK, environment: "production", tags: ["network"], description: "Demo core switch" },
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

async function main() {
  const env = loadSeedEnv();
  const prisma = new PrismaClient({ adapter: pgAdapter(env.DATABASE_URL, 1) });
  try {
    const inserted = await seedDemoTargets(prisma);
    process.stdout.write(
      inserted ? `targets seed: inserted ${inserted} demo targets\n` : "targets seed: targets exist, nothing changed\n",
    );
  } finally {
    await prisma.$disconnect();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`targets seed failed: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
