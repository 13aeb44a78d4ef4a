import { baseEnv, envHexKey, envInt, serviceUrl, z } from "@opsconductor/kit/subgraph";

export const envSchema = z.object({
  ...baseEnv,
  JOBS_URL: serviceUrl(),
  TARGETS_URL: serviceUrl(),
  /** 64 hex chars: AES-256-GCM key sealing a run's SECRET parameter values until the run ends. */
  EXECUTIONS_SECRETS_KEY: envHexKey(),
  /** Targets one worker process executes at once. */
  WORKER_CONCURRENCY: envInt(1, 2_000, 200),
  /** Targets executing at once across every worker process (BullMQ global concurrency). */
  GLOBAL_CONCURRENCY: envInt(1, 100_000, 1_000),
  /** Stored output per step and stream; the rest is cut with a visible marker. */
  STEP_OUTPUT_LIMIT_BYTES: envInt(1_024, 10_000_000, 256 * 1024),
  /** How often a running target proves it is alive (and checks for a cancel). */
  HEARTBEAT_SECONDS: envInt(1, 60, 2),
  /** A running target whose heartbeat is older than this is taken as lost (its worker died). */
  STALE_AFTER_SECONDS: envInt(3, 3_600, 20),
  /** How often a worker's reaper looks for lost work. */
  REAPER_INTERVAL_SECONDS: envInt(1, 3_600, 5),
  /** BullMQ lock of a job in hand; a killed worker's jobs are recovered after at most lock + stall interval. */
  WORKER_LOCK_MS: envInt(1_000, 600_000, 10_000),
  WORKER_STALLED_INTERVAL_MS: envInt(500, 600_000, 5_000),
  /**
   * The built-in `localhost` target (address `localhost`, no connection method) runs steps on the
   * worker's own host as the worker's user. Off unless an administrator turns it on.
   */
  LOCAL_TARGET_EXECUTION: z.enum(["disabled", "enabled"]).default("disabled"),
  /** SSH connect + authenticate limit. */
  SSH_CONNECT_TIMEOUT_MS: envInt(100, 120_000, 15_000),
});
export type Env = z.infer<typeof envSchema>;
