import { readFileSync } from "node:fs";
import { baseEnv, envBool, redisEnv, z } from "@opsconductor/kit/subgraph";

const HEX_KEY = /^[0-9a-f]{64}$/i;

export const envSchema = z
  .object({
    ...baseEnv,
    ...redisEnv,
    /** Master key (64 hex chars) that wraps the data keys sealing credential secrets. */
    TARGETS_MASTER_KEY: z.string().regex(HEX_KEY, "must be 64 hex characters").optional(),
    /** Or a file holding it (mode 0600 recommended); read once at start-up. */
    TARGETS_MASTER_KEY_FILE: z.string().min(1).optional(),
    /** Connect + authenticate + `true` must finish within this (ms). */
    CONNECTION_TEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /** A successful test slower than this marks the target WARNING instead of HEALTHY. */
    HEALTH_WARNING_LATENCY_MS: z.coerce.number().int().min(1).default(1_000),
    /** Targets tested at once by a bulk test. */
    CONNECTION_TEST_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(20),
    /**
     * A bulk test whose process stopped heartbeating for this long (a crash) is finished by the reaper
     * of any targets process, its untested targets INTERRUPTED.
     */
    CONNECTION_TEST_BATCH_STALE_SECONDS: z.coerce.number().int().min(2).max(3_600).default(60),
    /**
     * Set by `npm start -- --demo-ssh` for the seed: the demo sshd's port on 127.0.0.1, the user it
     * accepts and the file holding the generated private key (see scripts/lib/demo-ssh.cjs).
     */
    DEMO_SSH_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
    DEMO_SSH_USER: z.string().min(1).max(64).optional(),
    DEMO_SSH_KEY_FILE: z.string().min(1).optional(),
    /** Periodic health checks of every target (BullMQ job scheduler); 0 turns them off. */
    HEALTH_CHECK_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
    /** Periodic checks reach only 127.0.0.0/8 unless this is true (network safety on shared machines). */
    HEALTH_CHECK_NON_LOOPBACK: envBool.default(false),
    /**
     * The seed adds the built-in `localhost` target (no connection method: executions' LOCAL executor runs
     * its steps on the platform's own host, and only where the workers have LOCAL_TARGET_EXECUTION=enabled).
     */
    SEED_LOCALHOST_TARGET: envBool.default(false),
  })
  .transform((env, ctx) => {
    let key = env.TARGETS_MASTER_KEY;
    if (!key && env.TARGETS_MASTER_KEY_FILE) {
      try {
        key = readFileSync(env.TARGETS_MASTER_KEY_FILE, "utf8").trim();
      } catch (error) {
        ctx.addIssue({ code: "custom", path: ["TARGETS_MASTER_KEY_FILE"], message: `cannot be read: ${(error as Error).message}` });
        return z.NEVER;
      }
      if (!HEX_KEY.test(key)) {
        ctx.addIssue({ code: "custom", path: ["TARGETS_MASTER_KEY_FILE"], message: "must hold 64 hex characters" });
        return z.NEVER;
      }
    }
    if (!key) {
      // Fail closed: no secret is ever stored or read without the key.
      ctx.addIssue({ code: "custom", path: ["TARGETS_MASTER_KEY"], message: "is required (or TARGETS_MASTER_KEY_FILE): it encrypts the credential secrets" });
      return z.NEVER;
    }
    return { ...env, TARGETS_MASTER_KEY: key.toLowerCase() };
  });
export type Env = z.infer<typeof envSchema>;
