import { ADMIN_USER_ID } from "@opsconductor/kit/subgraph";
import { CredentialService } from "./credential/credential.service";
import { generatePassword } from "./credential/password";
import type { PrismaClient } from "./db";

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

/** The line `npm start` prints. The generated password is shown once, here, by design: it is stored nowhere else. */
export function seedReport(result: SeedResult): string {
  if (!result.created) return "auth seed: admin credential already exists";
  return result.generatedPassword ? `admin password: ${result.generatedPassword}` : "auth seed: admin credential created";
}
