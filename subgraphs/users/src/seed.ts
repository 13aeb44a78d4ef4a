import "reflect-metadata";
import { emitEvent, pgAdapter, SYSTEM_ACTOR } from "@opsconductor/kit";
import { loadSeedEnv } from "./env";
import { PrismaClient } from "./generated/prisma/client";
import { Role } from "./user/role";
import { userSnapshot } from "./user/user.type";

export const ADMIN_USER = {
  id: "00000000-0000-4000-8000-000000000001",
  username: "admin",
  email: "admin@opsconductor.local",
  displayName: "Administrator",
  roles: [Role.ADMIN],
  isActive: true,
};

export type SeedOutcome = "created" | "exists" | "blocked";

/**
 * Makes sure the built-in admin exists; an existing one is left exactly as it is. A creation is a
 * mutation like any other, so it writes users.user.created (actor: system) in the same transaction.
 */
export async function ensureAdminUser(prisma: PrismaClient): Promise<SeedOutcome> {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.user.createMany({ data: [ADMIN_USER], skipDuplicates: true });
    if (count === 1) {
      const row = await tx.user.findUniqueOrThrow({ where: { id: ADMIN_USER.id } });
      await emitEvent(tx, "users.user.created", { actor: SYSTEM_ACTOR, subject: { type: "User", id: row.id }, data: userSnapshot(row) });
      return "created";
    }
    return (await tx.user.findUnique({ where: { id: ADMIN_USER.id } })) ? "exists" : "blocked";
  });
}

const MESSAGES: Record<SeedOutcome, string> = {
  created: `users seed: created admin user ${ADMIN_USER.username} (${ADMIN_USER.id})`,
  exists: `users seed: admin user ${ADMIN_USER.id} already exists, left unchanged`,
  blocked: `users seed: cannot create admin user ${ADMIN_USER.id}: username '${ADMIN_USER.username}' or email '${ADMIN_USER.email}' belongs to another user`,
};

async function main() {
  const env = loadSeedEnv();
  const prisma = new PrismaClient({ adapter: pgAdapter(env.DATABASE_URL, 1) });
  try {
    const outcome = await ensureAdminUser(prisma);
    (outcome === "blocked" ? process.stderr : process.stdout).write(`${MESSAGES[outcome]}\n`);
    if (outcome === "blocked") process.exitCode = 1;
  } finally {
    await prisma.$disconnect();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`users seed failed: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
