import { BullQueue, bullPrefix, type Logger } from "@opsconductor/kit/subgraph";

// Where the workers and tests take it from.
export { bullPrefix };

/** The BullMQ queue of target executions: one job per (run, target, attempt); payload = ids only. */
export const EXECUTION_QUEUE = "executions-targets";

export interface TargetJob {
  runId: string;
  runTargetId: string;
  attempt: number;
}

/** The job id is derived from (run target, attempt): adding the same attempt twice is a no-op. */
export const targetJobId = (job: TargetJob) => `${job.runId}.${job.runTargetId}.${job.attempt}`;


/** The Redis channel on which a cancel reaches every worker at once. */
export const cancelChannel = (keyPrefix: string) => `${keyPrefix}executions:cancel`;

export class ExecutionQueue extends BullQueue<TargetJob> {
  constructor(redisUrl: string, keyPrefix: string, logger: Logger) {
    super(EXECUTION_QUEUE, redisUrl, keyPrefix, logger, "execution queue");
  }

  async add(jobs: Array<TargetJob & { delayMs?: number }>): Promise<void> {
    if (!jobs.length) return;
    await this.queue.addBulk(
      jobs.map(({ delayMs, ...data }) => ({
        name: "execute-target",
        data,
        opts: {
          jobId: targetJobId(data),
          delay: delayMs && delayMs > 0 ? delayMs : undefined,
          // A job that fails before it claims its attempt (database unreachable) is tried again; a
          // retry that finds the attempt claimed treats it as lost, so nothing executes twice.
          attempts: 5,
          backoff: { type: "exponential", delay: 1_000 },
          removeOnComplete: { age: 3_600, count: 10_000 },
          removeOnFail: { age: 24 * 3_600 },
        },
      })),
    );
  }

  /** Adds an attempt's job again after its earlier job ended without claiming the attempt. */
  async requeue(job: TargetJob): Promise<void> {
    const existing = await this.queue.getJob(targetJobId(job));
    if (existing) await existing.remove();
    await this.add([job]);
  }

  /** The state of an attempt's job, or undefined when it does not exist (never added, or removed). */
  async stateOf(job: TargetJob): Promise<string | undefined> {
    const found = await this.queue.getJob(targetJobId(job));
    return found ? await found.getState() : undefined;
  }
}
