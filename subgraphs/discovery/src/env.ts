import { baseEnv, envBool, envInt, serviceUrl, z } from "@opsconductor/kit/subgraph";

export const envSchema = z.object({
  ...baseEnv,
  TARGETS_URL: serviceUrl(),
  /** Addresses one scan may cover (65,536: a /16). */
  SCAN_MAX_HOSTS: envInt(1, 16_777_216, 65_536),
  /** Scans outside loopback (127.0.0.0/8, ::1) are refused unless this is true. */
  SCAN_NON_LOOPBACK: envBool.default(false),
  /** Default and upper limit of connects in flight per scan. */
  SCAN_DEFAULT_CONCURRENCY: envInt(1, 20_000, 1_000),
  SCAN_MAX_CONCURRENCY: envInt(1, 20_000, 5_000),
  /** Scans one worker process runs at once. */
  WORKER_CONCURRENCY: envInt(1, 100, 2),
  /** How long a service probe waits for a speak-first greeting (SSH, SMTP, FTP, telnet). */
  BANNER_WAIT_MS: envInt(50, 30_000, 1_000),
  /** Results are written in batches: at most this many hosts, or this often. */
  RESULT_BATCH_HOSTS: envInt(1, 10_000, 100),
  RESULT_FLUSH_MS: envInt(50, 60_000, 500),
  /** How often the workers re-check the templates' schedules in Redis against the database. */
  TEMPLATE_RECONCILE_MS: envInt(1_000, 3_600_000, 60_000),
  /** A running scan's lock in BullMQ: a worker that died is noticed after about this long and its scan re-run. */
  SCAN_LOCK_MS: envInt(1_000, 600_000, 30_000),
  /** Times a scan is re-run after its worker died before it is marked FAILED. */
  SCAN_MAX_RECOVERIES: envInt(0, 10, 2),
});
export type Env = z.infer<typeof envSchema>;
