import { callInternal, InternalCallError, resolveTargetSelectionContract } from "@opsconductor/kit";
import { defineSubgraph, internalRoutes, pgAdapter } from "@opsconductor/kit/subgraph";
import type { JobsContext } from "./context";
import { envSchema } from "./env";
import { PrismaClient } from "./generated/prisma/client";
import { jobSnapshotRoute } from "./internal/job-snapshot.route";
import { GlobalBlackoutService } from "./blackout/blackout.service";
import { JobService } from "./job/job.service";
import { Scheduler } from "./schedule/scheduler";
import { ScheduleService } from "./schedule/schedule.service";
import { jobsSchema } from "./schema";
import { seedDemoJobs } from "./seed";

/** The jobs subgraph: job definitions and their versions, templates, schedules and their BullMQ triggers. */
export default defineSubgraph({
  name: "jobs",
  env: envSchema,
  prisma: (url, poolSize) => new PrismaClient({ adapter: pgAdapter(url, poolSize) }),
  schema: jobsSchema,
  async services({ prisma, transaction, env, logger, onShutdown }) {
    // A saved group exists when the targets service resolves it; it answers 404 on field groupId when it does not.
    const groupExists = async (groupId: string, requestId?: string) => {
      try {
        await callInternal(env.TARGETS_URL, resolveTargetSelectionContract, {
          body: { targetIds: [], tags: [], groupId },
          serviceToken: env.SERVICE_TOKEN,
          requestId,
          timeoutMs: 10_000,
          retries: 2,
        });
        return true;
      } catch (error) {
        if (error instanceof InternalCallError && error.status === 404 && error.failure?.field === "groupId") return false;
        throw error;
      }
    };
    const jobs = new JobService(prisma, transaction, groupExists);
    const blackouts = new GlobalBlackoutService(prisma, transaction);
    const globalWindows = () => blackouts.values();
    const schedules = new ScheduleService(prisma, transaction, logger, { minIntervalSeconds: env.JOBS_SCHEDULE_MIN_INTERVAL_SECONDS }, globalWindows);
    const scheduler = new Scheduler(prisma, transaction, logger, {
      redisUrl: env.REDIS_URL,
      keyPrefix: env.REDIS_KEY_PREFIX,
      worker: env.JOBS_SCHEDULE_WORKER_ENABLED,
      concurrency: env.JOBS_SCHEDULE_WORKER_CONCURRENCY,
      executionsUrl: env.EXECUTIONS_URL,
      serviceToken: env.SERVICE_TOKEN,
      reconcileEveryMs: 60_000,
    }, globalWindows);
    schedules.sync = scheduler;
    jobs.onDeleted = (tx, ctx, jobId) => schedules.deleteOfJob(tx, ctx, jobId);
    jobs.afterDeleted = (ids) => schedules.removeAfterCommit(ids);
    onShutdown("schedule worker", () => scheduler.stop());
    await scheduler.start();
    return { jobs, schedules, scheduler, blackouts };
  },
  context: (base, services): JobsContext => ({ ...base, ...services }),
  routes: (app, _services, { env, logger, prisma }) =>
    internalRoutes(app, { serviceToken: env.SERVICE_TOKEN, logger, routes: [jobSnapshotRoute(prisma)] }),
  async seed({ prisma }) {
    const inserted = await seedDemoJobs(prisma);
    return inserted ? `jobs seed: inserted ${inserted} demo jobs` : "jobs seed: demo jobs exist, nothing changed";
  },
});
