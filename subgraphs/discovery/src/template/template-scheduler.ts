import { Queue, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { bullConnection, bullPrefix, closeBullScheduler, type Logger } from "@opsconductor/kit/subgraph";

/** The BullMQ queue of template ticks: one job scheduler per scheduled template, keyed by its id. */
export const TEMPLATE_TICK_QUEUE = "discovery-template-ticks";
const TICK = "tick";

export interface ScheduledTemplate {
  id: string;
  cron: string | null;
  timezone: string;
  enabled: boolean;
}

export const isScheduled = (row: ScheduledTemplate): row is ScheduledTemplate & { cron: string } => row.enabled && !!row.cron;

/**
 * Scan templates' schedules as BullMQ job schedulers, as the jobs service does its schedules: one
 * scheduler per template (keyed by its id, so however many replicas upsert it Redis holds one delayed
 * job per tick); the tick carries only the template id and its instant. The handler (the template
 * service's `fire`) makes one scan per (template, instant): the scans table's unique key decides
 * between replicas and retries.
 */
export class TemplateScheduler {
  readonly queue: Queue;
  private readonly connection: Redis;
  private worker?: Worker;
  private workerConnection?: Redis;
  private timer?: NodeJS.Timeout;

  constructor(
    redisUrl: string,
    private readonly keyPrefix: string,
    private readonly logger: Logger,
  ) {
    this.connection = bullConnection(redisUrl, logger, "template scheduler");
    this.queue = new Queue(TEMPLATE_TICK_QUEUE, { connection: this.connection, prefix: bullPrefix(keyPrefix) });
  }

  /** Redis holds this template's scheduler exactly when it is scheduled; a changed one starts afresh. */
  async sync(row: ScheduledTemplate): Promise<void> {
    await this.queue.removeJobScheduler(row.id);
    if (!isScheduled(row)) return;
    await this.queue.upsertJobScheduler(
      row.id,
      { pattern: row.cron, tz: row.timezone },
      { name: TICK, data: { templateId: row.id }, opts: { removeOnComplete: 100, removeOnFail: 500, attempts: 3, backoff: { type: "fixed", delay: 1_000 } } },
    );
  }

  async remove(id: string): Promise<void> {
    await this.queue.removeJobScheduler(id);
  }

  /**
   * Database → Redis: every scheduled template has its scheduler (left alone when its pattern and zone
   * are unchanged, so a restart neither skips nor repeats a tick) and no other scheduler remains.
   */
  async reconcile(rows: ScheduledTemplate[]): Promise<{ upserted: number; removed: number }> {
    const live = new Map(rows.filter(isScheduled).map((row) => [row.id, row]));
    let upserted = 0;
    let removed = 0;
    for (const row of live.values()) {
      const existing = await this.queue.getJobScheduler(row.id);
      if (existing && existing.pattern === row.cron && (existing.tz ?? null) === row.timezone) continue;
      await this.sync(row);
      upserted++;
    }
    for (let start = 0; ; start += 500) {
      const page = await this.queue.getJobSchedulers(start, start + 499, true);
      for (const scheduler of page) {
        if (live.has(scheduler.key)) continue;
        await this.queue.removeJobScheduler(scheduler.key);
        removed++;
      }
      if (page.length < 500) break;
    }
    if (upserted || removed) this.logger.info("scan template schedules reconciled", { upserted, removed });
    return { upserted, removed };
  }

  /**
   * Handles ticks in this process (the discovery workers), and reconciles now and every `reconcileEveryMs`
   * with the templates `list` reads.
   */
  startWorker(fire: (templateId: string, at: Date) => Promise<string>, list: () => Promise<ScheduledTemplate[]>, reconcileEveryMs: number): void {
    const reconcile = () => list().then((rows) => this.reconcile(rows));
    void reconcile().catch((error: Error) => this.logger.error("scan template reconcile failed", { error: error.message }));
    this.timer = setInterval(() => void reconcile().catch((error: Error) => this.logger.warn("scan template reconcile failed", { error: error.message })), reconcileEveryMs);
    this.timer.unref();
    this.workerConnection = this.connection.duplicate();
    this.worker = new Worker(
      TEMPLATE_TICK_QUEUE,
      (job: Job<{ templateId?: string }>) => {
        const templateId = job.data.templateId ?? job.repeatJobKey ?? "";
        // A scheduler's job id is `repeat:<key>:<instant in ms>`: the tick's own instant, whenever it is handled.
        const millis = Number(/:(\d+)$/.exec(job.id ?? "")?.[1] ?? job.opts.prevMillis ?? job.timestamp);
        return fire(templateId, new Date(millis));
      },
      { connection: this.workerConnection, prefix: bullPrefix(this.keyPrefix), concurrency: 4 },
    );
    this.worker.on("failed", (job, error) => this.logger.error("scan template tick failed", { jobId: job?.id, error: error.message }));
    this.worker.on("error", (error) => this.logger.warn("scan template tick worker error", { error: error.message }));
  }

  async close(): Promise<void> {
    const { timer, worker, queue, workerConnection, connection } = this;
    await closeBullScheduler({ timer, worker, queue, workerConnection, connection });
  }
}
