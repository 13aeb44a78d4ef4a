import { baseEnv, envHexKey, envInt, serviceUrl, z } from "@opsconductor/kit/subgraph";

export const envSchema = z.object({
  ...baseEnv,
  USERS_URL: serviceUrl(),
  TARGETS_URL: serviceUrl(),
  /** 64 hex chars: AES-256-GCM key sealing channel secrets (SMTP passwords, webhook secrets, Slack URLs). */
  NOTIFICATIONS_SECRETS_KEY: envHexKey(),
  /** Send attempts of one delivery before it is dead-lettered (FAILED). */
  NOTIFICATIONS_MAX_ATTEMPTS: envInt(1, 50, 5),
  /** First retry delay; each later one doubles (BullMQ exponential back-off). */
  NOTIFICATIONS_BACKOFF_MS: envInt(10, 3_600_000, 30_000),
  /** Limit of one SMTP/HTTP send. */
  NOTIFICATIONS_SEND_TIMEOUT_MS: envInt(100, 120_000, 10_000),
  /** How often the worker hands newly committed deliveries to the queue. */
  NOTIFICATIONS_DISPATCH_INTERVAL_MS: envInt(50, 60_000, 500),
  /** How often the worker looks for deliveries stuck PENDING (their queue job lost or finished). */
  NOTIFICATIONS_REAPER_INTERVAL_MS: envInt(100, 3_600_000, 60_000),
  /** A PENDING delivery queued longer ago than this, with no live queue job, is queued again (or FAILED when out of attempts). */
  NOTIFICATIONS_STUCK_AFTER_MS: envInt(1_000, 7 * 86_400_000, 15 * 60_000),
  /** Deliveries one worker process sends at once. */
  NOTIFICATIONS_WORKER_CONCURRENCY: envInt(1, 500, 10),
});
export type Env = z.infer<typeof envSchema>;
