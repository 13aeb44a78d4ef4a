import { baseEnv, envBool, redisEnv, serviceUrl, z } from "@opsconductor/kit/subgraph";

export const envSchema = z.object({
  ...baseEnv,
  ...redisEnv,
  /** The targets service, which says whether a job's saved group exists (its resolve contract). */
  TARGETS_URL: serviceUrl(),
  /** The executions service, which starts the runs a schedule fires (POST /internal/runs). Unset: ticks are recorded FAILED. */
  EXECUTIONS_URL: serviceUrl().optional(),
  /** Run the schedule worker in this process (BullMQ job schedulers in Redis). Off: schedules are kept in sync but fired elsewhere. */
  JOBS_SCHEDULE_WORKER_ENABLED: envBool.default(true),
  /** Ticks handled at once by this process's worker. */
  JOBS_SCHEDULE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(10),
  /** Shortest INTERVAL a schedule may have. */
  JOBS_SCHEDULE_MIN_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(1),
});
export type Env = z.infer<typeof envSchema>;
