import { Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "@opsconductor/kit";
import type { WorkerHandle } from "@opsconductor/kit/subgraph";
import type { PrismaClient } from "../generated/prisma/client";
import { BundleLoader } from "../engine/bundles";
import { lostOutcome, type RunEngine } from "../engine/engine";
import { bullPrefix, cancelChannel, EXECUTION_QUEUE, type ExecutionQueue, type TargetJob } from "../engine/queue";
import { killOrphans, runAttempt, type AttemptOutcome, type RunnerConfig } from "../engine/runner";
import type { Env } from "../env";

/** Tries a database write a few times before giving up (the reaper is the last resort). */
async function persist(write: () => Promise<void>, tries = 5): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

/**
 * The execution worker process (`subgraph work subgraphs/executions`): takes (run, target, attempt)
 * jobs, claims each attempt in the database before executing it, heartbeats while it runs, and
 * stops it on cancel (Redis message, or seen at the next heartbeat) or timeout. Its reaper recovers
 * work whose worker died. Any number of these processes can run side by side.
 */
export async function startExecutionWorker(deps: {
  env: Env;
  prisma: PrismaClient;
  engine: RunEngine;
  queue: ExecutionQueue;
  redis: () => Redis;
  logger: Logger;
}): Promise<WorkerHandle> {
  const { env, engine, logger } = deps;
  const config: RunnerConfig = {
    targetsUrl: env.TARGETS_URL,
    serviceToken: env.SERVICE_TOKEN,
    secretsKey: env.EXECUTIONS_SECRETS_KEY,
    keyPrefix: env.REDIS_KEY_PREFIX,
    outputLimitBytes: env.STEP_OUTPUT_LIMIT_BYTES,
    connectTimeoutMs: env.SSH_CONNECT_TIMEOUT_MS,
    localTarget: env.LOCAL_TARGET_EXECUTION === "enabled",
  };
  const bundles = new BundleLoader(config);
  /** Attempts running in this process, by run: a cancel aborts them. */
  const running = new Map<string, Map<string, AbortController>>();
  const abortRun = (runId: string) => {
    for (const controller of running.get(runId)?.values() ?? []) controller.abort("cancel");
  };

  const process = async (job: Job<TargetJob>) => {
    const data: TargetJob = { runId: job.data.runId, runTargetId: job.data.runTargetId, attempt: job.data.attempt };
    const claim = await engine.claim(data);
    if (claim.kind === "skip") return "skipped";
    if (claim.kind === "lost") {
      // Recovered after its worker died mid-attempt: that attempt is not executed again, and what it
      // left running on the target is killed.
      const orphan = await engine.finishAttempt(data, lostOutcome("recovered by stall detection"));
      if (orphan) await killOrphans(orphan, config, bundles, logger);
      return "lost";
    }
    const controller = new AbortController();
    const byTarget = running.get(data.runId) ?? new Map<string, AbortController>();
    byTarget.set(data.runTargetId, controller);
    running.set(data.runId, byTarget);
    const targetTimer = setTimeout(() => controller.abort("timeout"), claim.run.options.targetTimeoutSeconds * 1000);
    const heartbeat = setInterval(() => {
      engine
        .heartbeat(data)
        .then(({ current, cancelRequested }) => {
          if (cancelRequested || !current) controller.abort("cancel");
        })
        .catch((error: Error) => logger.warn("heartbeat failed", { error: error.message }));
    }, env.HEARTBEAT_SECONDS * 1000);
    try {
      let outcome: AttemptOutcome;
      try {
        outcome = await runAttempt(claim, { prisma: deps.prisma, redis: deps.redis, config, bundles, logger }, controller.signal);
      } catch (error) {
        logger.error("attempt failed unexpectedly", { runId: data.runId, runTargetId: data.runTargetId, error: (error as Error).message });
        outcome = { status: "FAILED", exitCode: null, error: "internal error while executing" };
      }
      // The attempt has executed: record its end even through a database hiccup.
      await persist(async () => void (await engine.finishAttempt(data, outcome)));
      return outcome.status;
    } finally {
      clearTimeout(targetTimer);
      clearInterval(heartbeat);
      byTarget.delete(data.runTargetId);
      if (!byTarget.size) running.delete(data.runId);
    }
  };

  const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  connection.on("error", (error: Error) => logger.warn("worker redis error", { error: error.message }));
  await deps.queue.queue.setGlobalConcurrency(env.GLOBAL_CONCURRENCY);
  const worker = new Worker<TargetJob>(EXECUTION_QUEUE, process, {
    connection,
    prefix: bullPrefix(env.REDIS_KEY_PREFIX),
    concurrency: env.WORKER_CONCURRENCY,
    lockDuration: env.WORKER_LOCK_MS,
    stalledInterval: env.WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: 1,
  });
  worker.on("error", (error) => logger.warn("execution worker error", { error: error.message }));

  const subscriber = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  subscriber.on("error", (error: Error) => logger.warn("cancel subscriber redis error", { error: error.message }));
  await subscriber.subscribe(cancelChannel(env.REDIS_KEY_PREFIX));
  subscriber.on("message", (_channel: string, runId: string) => abortRun(runId));

  const isLocal = (runTargetId: string) => [...running.values()].some((byTarget) => byTarget.has(runTargetId));
  let sweeping = false;
  const reaper = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    engine
      .reap(env.STALE_AFTER_SECONDS, isLocal)
      .then(async ({ orphans, ...result }) => {
        if (result.lost || result.requeued || result.finalized) logger.info("reaper recovered work", result);
        for (const orphan of orphans) await killOrphans(orphan, config, bundles, logger);
      })
      .catch((error: Error) => logger.warn("reaper sweep failed", { error: error.message }))
      .finally(() => (sweeping = false));
  }, env.REAPER_INTERVAL_SECONDS * 1000);

  return {
    async stop() {
      clearInterval(reaper);
      // Running attempts are not abandoned silently: they end CANCELLED only if the run was cancelled;
      // otherwise close() waits for them (bounded by the lifecycle's own shutdown limit).
      await worker.close();
      await subscriber.quit().catch(() => subscriber.disconnect());
      connection.disconnect();
    },
  };
}
