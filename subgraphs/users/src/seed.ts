import { ADMIN_USER_ID, emitEvent, SYSTEM_ACTOR } from "@opsconductor/kit/subgraph";
import { PrismaClient } from "./generated/prisma/client";
import { Role } from "./user/role";
import { userSnapshot } from "./user/user.type";

export const ADMIN_USER = {
  id: ADMIN_USER_ID,
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

export const SEED_MESSAGES: Record<SeedOutcome, string> = {
  created: `users seed: created admin user ${ADMIN_USER.username} (${ADMIN_USER.id})`,
  exists: `users seed: admin user ${ADMIN_USER.id} already exists, left unchanged`,
  blocked: `users seed: cannot create admin user ${ADMIN_USER.id}: username '${ADMIN_USER.username}' or email '${ADMIN_USER.email}' belongs to another user`,
};
