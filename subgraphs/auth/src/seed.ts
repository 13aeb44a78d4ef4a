import "reflect-metadata";
import { createLogger } from "@opsconductor/kit";
import { CredentialService } from "./credential/credential.service";
import { generatePassword } from "./credential/password";
import { createPrisma, type PrismaClient } from "./db";
import { loadSeedEnv } from "./env";

export const ADMIN_USER_ID = "00000000-0000-4000-8000-000000000001";
export const ADMIN_USERNAME = "admin";

export type SeedResult = { created: false } | { created: true; generatedPassword?: string };

/** Creates the admin credential once; an existing one is left exactly as it is. */
export async function seedAdmin(prisma: PrismaClient, password?: string): Promise<SeedResult> {
  const credentials = new CredentialService(prisma);
  if (await credentials.exists(ADMIN_USER_ID)) return { created: false };
  const generatedPassword = password ? undefined : generatePassword(20);
  const result = await credentials.create({
    userId: ADMIN_USER_ID,
    username: ADMIN_USERNAME,
    password: password ?? (generatedPassword as string),
  });
  if (!result.ok) {
    // A concurrent seed may have just created it; anything else (username taken by another id) is a real problem.
    if (result.reason === "exists" && (await credentials.exists(ADMIN_USER_ID))) return { created: false };
    throw new Error(`cannot create the admin credential: ${result.message}`);
  }
  return { created: true, generatedPassword };
}

async function main() {
  const env = loadSeedEnv();
  const logger = createLogger("auth-seed", env.LOG_LEVEL);
  const prisma = createPrisma(env.DATABASE_URL);
  try {
    const result = await seedAdmin(prisma, env.OPSCONDUCTOR_ADMIN_PASSWORD);
    if (!result.created) process.stdout.write("admin credential already exists\n");
    // The generated password is shown once, here, by design: it is stored nowhere else.
    else if (result.generatedPassword) process.stdout.write(`admin password: ${result.generatedPassword}\n`);
    else process.stdout.write("admin credential created\n");
  } catch (error) {
    logger.error("seed failed", { error: (error as Error).message });
    process.exitCode = 1;
  } finally {
    await prisma.$disconnect();
  }
}

if (require.main === module) void main();
