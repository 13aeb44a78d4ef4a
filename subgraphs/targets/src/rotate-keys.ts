// `npm run keys:rotate`: re-seals every credential secret under a new data key version.
// Env: DATABASE_URL and TARGETS_MASTER_KEY (or TARGETS_MASTER_KEY_FILE); prints counts, exits 1 on any failure.
// With TARGETS_NEW_MASTER_KEY (or TARGETS_NEW_MASTER_KEY_FILE) it then re-wraps every data key under that
// new master key, after which the service must be restarted with it.
import "reflect-metadata";
import { readFileSync } from "node:fs";
import { parseKey, z } from "@opsconductor/kit";
import { ensureKitTables, pgAdapter } from "@opsconductor/kit/subgraph";
import { CredentialService } from "./credential/credential.service";
import { Keyring } from "./credential/keyring";
import { envSchema } from "./env";
import { PrismaClient } from "./generated/prisma/client";

const rotationEnv = z.object({
  DATABASE_URL: z.string().url(),
  TARGETS_MASTER_KEY: z.string().regex(/^[0-9a-f]{64}$/i).optional(),
  TARGETS_MASTER_KEY_FILE: z.string().optional(),
  TARGETS_NEW_MASTER_KEY: z.string().regex(/^[0-9a-f]{64}$/i, "must be 64 hex characters").optional(),
  TARGETS_NEW_MASTER_KEY_FILE: z.string().optional(),
});

async function main() {
  // Only the database and the key matter here; the service's other required variables get placeholders.
  const parsed = rotationEnv.parse(process.env);
  const env = envSchema.parse({ PORT: "0", AUTH_URL: "http://127.0.0.1:9", SERVICE_TOKEN: "rotate".repeat(8), ...parsed });
  const prisma = new PrismaClient({ adapter: pgAdapter(env.DATABASE_URL, 2) });
  try {
    // The rotation event goes to the kit's outbox, which a service normally creates when it starts.
    await ensureKitTables(prisma);
    const keyring = new Keyring(prisma, parseKey(env.TARGETS_MASTER_KEY));
    await keyring.verify();
    const credentials = new CredentialService(prisma, (fn, options) => prisma.$transaction(fn, { maxWait: options?.maxWait, timeout: options?.timeout }), keyring);
    const before = await prisma.credentialSecret.count();
    const report = await credentials.rotateKeys();
    process.stdout.write(`keys:rotate: data key version ${report.version}; ${before} secrets, ${report.resealed} re-sealed, ${report.failed} failed\n`);
    for (const failure of report.failures) process.stdout.write(`  failed to open: ${failure}\n`);
    process.exitCode = report.failed ? 1 : 0;
    const newKey = parsed.TARGETS_NEW_MASTER_KEY ?? (parsed.TARGETS_NEW_MASTER_KEY_FILE ? readFileSync(parsed.TARGETS_NEW_MASTER_KEY_FILE, "utf8").trim() : undefined);
    // A secret that failed to open stays under its old data key; never re-wrap past a failure.
    if (newKey && !report.failed) {
      const rewrapped = await keyring.rewrap(parseKey(newKey));
      process.stdout.write(`keys:rotate: ${rewrapped} data keys re-wrapped under the new master key; restart the targets service with it now\n`);
    }
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`keys:rotate failed: ${error.message}\n`);
  process.exit(1);
});
