import { InternalCallError, SYSTEM_ACTOR, callInternal, isUuid, startRunContract } from "@opsconductor/kit";
import { bullConnection, bullPrefix, closeBullScheduler, emitEvent, type BullRedisOptions, type Logger, type Transact } from "@opsconductor/kit/subgraph";
import { Queue, Worker, type Job as BullJob } from "bullmq";
import type { Redis } from "ioredis";
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import { OccurrenceStatus, ScheduleKind } from "../generated/prisma/enums";
import { isLive, repeatOptions, windowsOf, type ScheduleRow } from "./plan";
import { blackoutAt, describeWindow, type BlackoutWindowValue } from "./timing";

type Tx = Prisma.TransactionClient;

export const SCHEDULE_QUEUE = "jobs-schedules";
const TICK = "tick";
/** A PENDING claim older than this (its worker died between claim and call) may be taken over. */
const CLAIM_LEASE_SECONDS = 60;
const SCHEDULER_ACTOR = { ...SYSTEM_ACTOR, username: "scheduler" };

/** The scheduler's settings (its keyPrefix keeps stacks sharing a Redis from firing each other's schedules). */
export interface SchedulerOptions extends BullRedisOptions {
  /** Run a worker in this process (JOBS_SCHEDULE_WORKER_ENABLED). */
  worker: boolean;
  concurrency: number;
  executionsUrl?: string;
  serviceToken: string;
  /** Re-check DB ↔ Redis this often (ms); 0 only at start. */
  reconcileEveryMs?: number;
}

export type TickOutcome = "STARTED" | "FAILED" | "SKIPPED" | "DUPLICATE" | "INACTIVE";

/**
 * Schedules as BullMQ job schedulers (one per schedule, keyed by its id, so however many replicas
 * upsert it there is one delayed job per tick), and the worker that handles each tick: one
 * ScheduleOccurrence per (schedule, instant) — the unique key decides between racing workers —
 * SKIPPED inside a blackout window (its own or a global one), else a run asked of executions with an idempotency key.
 */
export class Scheduler {
  readonly queue: Queue;
  private worker?: Worker;
  private readonly connection: Redis;
  private workerConnection?: Redis;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly transaction: Transact<Tx>,
    private readonly logger: Logger,
    private readonly options: SchedulerOptions,
    /** The global blackout windows, read at each tick (they apply to every schedule). */
    private readonly globalWindows: () => Promise<BlackoutWindowValue[]> = async () => [],
  ) {
    this.connection = bullConnection(options.redisUrl, logger, "scheduler");
    this.queue = new Queue(SCHEDULE_QUEUE, { connection: this.connection, prefix: bullPrefix(options.keyPrefix) });
  }

  /** Reconciles once, then starts the worker (if enabled) and the periodic reconcile. */
  async start(): Promise<void> {
    // Not awaited: a Redis that is down must not hold up the service's start (BullMQ waits for it).
    void this.reconcile().catch((error: Error) => this.logger.error("schedule reconcile failed", { error: error.message }));
    if (this.options.worker) {
      this.workerConnection = this.connection.duplicate();
      this.worker = new Worker(SCHEDULE_QUEUE, (job) => this.handle(job), {
        connection: this.workerConnection,
        prefix: bullPrefix(this.options.keyPrefix),
        concurrency: this.options.concurrency,
      });
      this.worker.on("failed", (job, error) => this.logger.error("schedule tick failed", { jobId: job?.id, error: error.message }));
      this.worker.on("error", (error) => this.logger.warn("schedule worker error", { error: error.message }));
    }
    if (this.options.reconcileEveryMs) {
      this.timer = setInterval(() => void this.reconcile().catch((error: Error) => this.logger.warn("schedule reconcile failed", { error: error.message })), this.options.reconcileEveryMs);
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    const { timer, worker, queue, workerConnection, connection } = this;
    await closeBullScheduler({ timer, worker, queue, workerConnection, connection });
  }

  /** Makes Redis hold this schedule's job scheduler exactly when it is live; a changed schedule starts afresh. */
  async sync(row: ScheduleRow, fresh = true): Promise<void> {
    const repeat = repeatOptions(row, new Date());
    if (!repeat) {
      await this.queue.removeJobScheduler(row.id);
      return;
    }
    if (fresh) await this.queue.removeJobScheduler(row.id);
    await this.queue.upsertJobScheduler(row.id, repeat, {
      name: TICK,
      // Only the id travels: parameters (and anything else) are read from the database at the tick.
      data: { scheduleId: row.id },
      opts: { removeOnComplete: 100, removeOnFail: 500, attempts: 3, backoff: { type: "fixed", delay: 1000 } },
    });
  }

  async remove(id: string): Promise<void> {
    await this.queue.removeJobScheduler(id);
  }

  /**
   * Database → Redis: every live schedule has its scheduler (kept when its timing is unchanged, so a
   * restart neither skips nor repeats a tick), and no other scheduler remains. Ticks left PENDING by a
   * worker that died between claim and call are handled again (the run's idempotency key keeps it one run).
   */
  async reconcile(): Promise<{ upserted: number; removed: number; resumed: number }> {
    const rows = await this.prisma.schedule.findMany({ where: { deletedAt: null, enabled: true, finishedAt: null } });
    const now = new Date();
    const live = new Map(rows.filter((row) => isLive(row, now)).map((row) => [row.id, row]));
    let upserted = 0;
    let removed = 0;
    for (const listed of live.values()) {
      // Read again just before acting: a change committed since the list was read wins.
      const row = await this.prisma.schedule.findUnique({ where: { id: listed.id } });
      if (!row || !isLive(row, new Date())) continue;
      const existing = await this.queue.getJobScheduler(row.id);
      const repeat = repeatOptions(row, new Date());
      const same =
        existing &&
        repeat &&
        (existing.pattern ?? null) === (repeat.pattern ?? null) &&
        (existing.every ?? null) === (repeat.every ?? null) &&
        (existing.tz ?? null) === (repeat.tz ?? null) &&
        (existing.endDate ?? null) === (repeat.endDate ? new Date(repeat.endDate).getTime() : null);
      if (!same) {
        await this.sync(row);
        upserted += 1;
      }
    }
    for (let start = 0; ; start += 500) {
      const page = await this.queue.getJobSchedulers(start, start + 499, true);
      for (const scheduler of page) {
        const id = scheduler.key;
        if (live.has(id)) continue;
        // Not in the list read above; it may have been created since: only a schedule that is not live now goes.
        const row = isUuid(id) ? await this.prisma.schedule.findUnique({ where: { id } }) : null;
        if (row && isLive(row, new Date())) continue;
        await this.queue.removeJobScheduler(id);
        removed += 1;
      }
      if (page.length < 500) break;
    }
    let resumed = 0;
    const stale = await this.prisma.scheduleOccurrence.findMany({
      where: { status: OccurrenceStatus.PENDING, updatedAt: { lt: new Date(Date.now() - CLAIM_LEASE_SECONDS * 1000) } },
      take: 100,
    });
    for (const occurrence of stale) {
      if ((await this.tick(occurrence.scheduleId, occurrence.scheduledFor, true)) !== "DUPLICATE") resumed += 1;
    }
    if (upserted || removed || resumed) this.logger.info("schedules reconciled", { upserted, removed, resumed });
    return { upserted, removed, resumed };
  }

  private async handle(job: BullJob): Promise<TickOutcome> {
    const scheduleId = (job.data as { scheduleId?: string }).scheduleId ?? job.repeatJobKey ?? "";
    const millis = Number(/:(\d+)$/.exec(job.id ?? "")?.[1] ?? job.opts.prevMillis ?? job.timestamp);
    return this.tick(scheduleId, new Date(millis));
  }

  /** One tick of a schedule at `scheduledFor` (a ONCE schedule's tick is always its runAt). Safe to call twice: one occurrence results. */
  async tick(scheduleId: string, scheduledFor: Date, resume = false): Promise<TickOutcome> {
    const row = await this.prisma.schedule.findFirst({ where: { id: scheduleId, deletedAt: null } });
    if (!row || !row.enabled || (row.finishedAt && !resume)) {
      if (resume) {
        await this.prisma.scheduleOccurrence.updateMany({
          where: { scheduleId, scheduledFor, status: OccurrenceStatus.PENDING },
          data: { status: OccurrenceStatus.FAILED, reason: "the schedule was disabled or deleted before the run was started" },
        });
      } else await this.remove(scheduleId);
      return "INACTIVE";
    }
    const at = row.kind === ScheduleKind.ONCE && row.runAt ? row.runAt : scheduledFor;
    if (!resume && ((row.endAt && at > row.endAt) || (row.maxRuns !== null && row.runCount >= row.maxRuns))) {
      await this.finish(row.id);
      return "INACTIVE";
    }
    const window = resume ? null : blackoutAt([...windowsOf(row), ...(await this.globalWindows())], at);
    if (window) {
      const reason = describeWindow(window);
      const skipped = await this.transaction(async (tx) => {
        const inserted = await this.insertOccurrence(tx, row.id, at, OccurrenceStatus.SKIPPED, reason);
        if (inserted) {
          await emitEvent(tx, "jobs.schedule.skipped", {
            actor: SCHEDULER_ACTOR,
            subject: { type: "Schedule", id: row.id },
            data: { scheduleId: row.id, jobId: row.jobId, scheduledFor: at.toISOString(), reason },
          });
          if (row.kind === ScheduleKind.ONCE) await tx.schedule.update({ where: { id: row.id }, data: { finishedAt: new Date() } });
        }
        return inserted;
      });
      if (row.kind === ScheduleKind.ONCE) await this.remove(row.id);
      return skipped ? "SKIPPED" : "DUPLICATE";
    }
    if (!(await this.claim(row.id, at))) return "DUPLICATE";

    let outcome: { started: true; runId: string; number: number } | { started: false; reason: string };
    try {
      if (!this.options.executionsUrl) throw new Error("EXECUTIONS_URL is not configured");
      const run = await callInternal(this.options.executionsUrl, startRunContract, {
        body: {
          jobId: row.jobId,
          parameters: (row.parameters ?? {}) as Record<string, string>,
          trigger: "SCHEDULE",
          scheduleId: row.id,
          triggeredById: row.createdById,
          idempotencyKey: `schedule:${row.id}:${at.toISOString()}`,
        },
        serviceToken: this.options.serviceToken,
        timeoutMs: 15_000,
      });
      outcome = { started: true, runId: run.runId, number: run.number };
    } catch (error) {
      outcome = { started: false, reason: failureReason(error) };
    }
    const started = outcome.started;
    const finished = await this.transaction(async (tx) => {
      await tx.scheduleOccurrence.update({
        where: { scheduleId_scheduledFor: { scheduleId: row.id, scheduledFor: at } },
        data: outcome.started
          ? { status: OccurrenceStatus.STARTED, runId: outcome.runId, runNumber: outcome.number, reason: null }
          : { status: OccurrenceStatus.FAILED, reason: outcome.reason },
      });
      const updated = started ? await tx.schedule.update({ where: { id: row.id }, data: { runCount: { increment: 1 } } }) : row;
      const done = row.kind === ScheduleKind.ONCE || (updated.maxRuns !== null && updated.runCount >= updated.maxRuns);
      if (done) await tx.schedule.update({ where: { id: row.id }, data: { finishedAt: new Date() } });
      await emitEvent(tx, "jobs.schedule.fired", {
        actor: SCHEDULER_ACTOR,
        subject: { type: "Schedule", id: row.id },
        data: {
          scheduleId: row.id,
          jobId: row.jobId,
          scheduledFor: at.toISOString(),
          outcome: outcome.started ? "STARTED" : "FAILED",
          runId: outcome.started ? outcome.runId : null,
          runNumber: outcome.started ? outcome.number : null,
          reason: outcome.started ? null : outcome.reason,
        },
      });
      return done;
    });
    if (finished) await this.remove(row.id);
    if (!outcome.started) this.logger.warn("scheduled run could not be started", { scheduleId: row.id, scheduledFor: at.toISOString(), reason: outcome.reason });
    return started ? "STARTED" : "FAILED";
  }

  private async finish(id: string) {
    await this.prisma.schedule.updateMany({ where: { id, finishedAt: null }, data: { finishedAt: new Date() } });
    await this.remove(id);
  }

  /** Inserts the occurrence unless the tick has one; true when this call inserted it. */
  private async insertOccurrence(tx: Tx, scheduleId: string, at: Date, status: OccurrenceStatus, reason: string | null): Promise<boolean> {
    const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(
      `INSERT INTO schedule_occurrences (id, schedule_id, scheduled_for, status, reason, created_at, updated_at)
       VALUES (gen_random_uuid(), $1::uuid, ($2::timestamptz AT TIME ZONE 'UTC'), $3::occurrence_status, $4, (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'))
       ON CONFLICT (schedule_id, scheduled_for) DO NOTHING RETURNING id::text`,
      scheduleId,
      at.toISOString(),
      status,
      reason,
    );
    return rows.length > 0;
  }

  /**
   * Claims the tick (a PENDING occurrence): true for the one caller that inserted it, or that took over
   * a claim whose worker died (older than the lease); the run's idempotency key makes a takeover safe.
   */
  private async claim(scheduleId: string, at: Date): Promise<boolean> {
    const rows = await this.prisma.$queryRawUnsafe<Array<{ id: string }>>(
      `INSERT INTO schedule_occurrences (id, schedule_id, scheduled_for, status, created_at, updated_at)
       VALUES (gen_random_uuid(), $1::uuid, ($2::timestamptz AT TIME ZONE 'UTC'), 'PENDING', (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'))
       ON CONFLICT (schedule_id, scheduled_for) DO UPDATE SET updated_at = (now() AT TIME ZONE 'UTC')
         WHERE schedule_occurrences.status = 'PENDING' AND schedule_occurrences.updated_at < (now() AT TIME ZONE 'UTC') - make_interval(secs => ${CLAIM_LEASE_SECONDS})
       RETURNING id::text`,
      scheduleId,
      at.toISOString(),
    );
    return rows.length > 0;
  }
}

function failureReason(error: unknown): string {
  if (error instanceof InternalCallError) {
    const failure = error.failure;
    return `executions answered ${error.status}${failure ? `: ${failure.field ? `${failure.field}: ` : ""}${failure.message}` : ""}`.slice(0, 500);
  }
  const cause = (error as { cause?: { code?: string } }).cause?.code;
  return `executions could not be reached: ${(error as Error).message}${cause ? ` (${cause})` : ""}`.slice(0, 500);
}
