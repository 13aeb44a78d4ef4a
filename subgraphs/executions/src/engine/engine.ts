import { publishLive, liveTopics, SYSTEM_ACTOR, type JobSnapshot, type Logger } from "@opsconductor/kit";
import { emitEvent, type Transact } from "@opsconductor/kit/subgraph";
import type { Redis } from "ioredis";
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import { cancelChannel, type ExecutionQueue, type TargetJob } from "./queue";

type Tx = Prisma.TransactionClient;
/** Hundreds of targets change state at once: wait for a connection rather than fail the transition. */
const TX_LIMITS = { maxWait: 15_000, timeout: 30_000 };
export type RunOptions = JobSnapshot["options"];
export type TargetOutcome = "SUCCEEDED" | "FAILED" | "CANCELLED" | "TIMED_OUT";
const FINAL_RUN = ["SUCCEEDED", "FAILED", "PARTIAL", "CANCELLED", "TIMED_OUT"];
/** At most one coalesced `runUpdated` per run this often (see notifyRun). */
const PUBLISH_EVERY_MS = 150;

/** The steps an attempt lost to a dead worker left running on its target (their process groups). */
export interface Orphan {
  runId: string;
  targetId: string;
  attempt: number;
  pgids: number[];
}

export interface Claimed {
  kind: "claimed";
  run: { id: string; number: number; steps: unknown; options: RunOptions; secretsEncrypted: string | null; parameters: unknown };
  target: { id: string; targetId: string; targetName: string; targetAddress: string; attempt: number };
}
export type ClaimResult = Claimed | { kind: "lost" } | { kind: "skip" };

/**
 * The run state machine, in the database: every transition is one transaction that locks the run's
 * row first (so dispatch, retries, cancel and finalization of one run never interleave) and writes
 * its events; BullMQ jobs are added and live events published after the commit. Two transitions touch
 * only a target's own row, conditionally, without the run lock: the claim, and an attempt's end that
 * needs no run-level decision (see finishAttempt; the run is then finalized after the commit). All of it is
 * idempotent per (run target, attempt): a transition for an attempt that is no longer current does
 * nothing, which is what makes recovered and duplicate jobs harmless.
 */
export class RunEngine {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly transaction: Transact<Tx>,
    private readonly queue: ExecutionQueue,
    private readonly redis: () => Redis,
    private readonly keyPrefix: string,
    private readonly logger: Logger,
  ) {}

  /** Runs with a publish window open: whether a change arrived during it (published when it closes). */
  private readonly publishWindows = new Map<string, { dirty: boolean }>();

  /**
   * `runUpdated` for the many per-target changes of a run, coalesced: the first change is published at
   * once, later ones at most once per PUBLISH_EVERY_MS (the last change always goes out when its window
   * closes). Hundreds of targets claiming and finishing at once would otherwise make every subscriber
   * re-resolve the run hundreds of times a second. Run-level changes (final state, cancel) use publishRun.
   */
  notifyRun(runId: string): void {
    const window = this.publishWindows.get(runId);
    if (window) window.dirty = true;
    else this.openPublishWindow(runId);
  }

  private openPublishWindow(runId: string): void {
    const window = { dirty: false };
    this.publishWindows.set(runId, window);
    void this.publishRun(runId);
    setTimeout(() => {
      this.publishWindows.delete(runId);
      if (window.dirty) this.openPublishWindow(runId);
    }, PUBLISH_EVERY_MS);
  }

  /** Live event for `runUpdated(runId)`, at once; best effort (a missed one is caught up by the next). */
  async publishRun(runId: string): Promise<void> {
    try {
      await publishLive(this.redis(), this.keyPrefix, liveTopics.runUpdated.channel({ runId }), { __typename: "Run", id: runId });
    } catch (error) {
      this.logger.warn("could not publish a run update", { runId, error: (error as Error).message });
    }
  }

  private async lockRun(tx: Tx, runId: string) {
    const rows = await tx.$queryRawUnsafe<Array<{ id: string; status: string; options: RunOptions; cancel_requested_at: Date | null }>>(
      "SELECT id::text, status::text, options, cancel_requested_at FROM runs WHERE id = $1::uuid FOR UPDATE",
      runId,
    );
    return rows[0];
  }

  /**
   * Hands PENDING targets to the queue while the run has free slots (maxParallel). Runs inside the
   * caller's transaction, after the run row is locked; returns the jobs to add after commit.
   */
  async dispatchIn(tx: Tx, runId: string, options: RunOptions): Promise<TargetJob[]> {
    const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(
      `UPDATE run_targets SET status = 'QUEUED', attempt = 1, queued_at = now()
        WHERE id IN (
          SELECT id FROM run_targets WHERE run_id = $1::uuid AND status = 'PENDING' ORDER BY position
           LIMIT GREATEST(0, $2::int - (SELECT count(*) FROM run_targets WHERE run_id = $1::uuid AND status IN ('QUEUED', 'RUNNING')))
           FOR UPDATE SKIP LOCKED)
        RETURNING id::text`,
      runId,
      options.maxParallel,
    );
    return rows.map((row) => ({ runId, runTargetId: row.id, attempt: 1 }));
  }

  /** Dispatches what fits now (used after creation and by the reaper). */
  async dispatch(runId: string): Promise<void> {
    const jobs = await this.transaction(async (tx) => {
      const run = await this.lockRun(tx, runId);
      if (!run || FINAL_RUN.includes(run.status) || run.cancel_requested_at) return [];
      return this.dispatchIn(tx, runId, run.options);
    }, TX_LIMITS);
    await this.queue.add(jobs);
    if (jobs.length) await this.publishRun(runId);
  }

  /**
   * Claims an attempt before anything executes: QUEUED → RUNNING for exactly this attempt. A job that
   * finds its attempt already RUNNING is a recovered one whose worker died mid-attempt: that attempt
   * is never executed a second time ("lost"); anything else (cancelled, finished, a later attempt)
   * means there is nothing to do ("skip").
   */
  async claim(job: TargetJob): Promise<ClaimResult> {
    // One statement, no run-row lock (hundreds of targets claim at once): the conditional update of the
    // target's own row is what serializes a claim against a cancel or a second copy of the job. The run
    // becomes RUNNING with its first claim; its snapshot (steps, options, sealed SECRET values) comes along.
    const [row] = await this.prisma.$queryRawUnsafe<
      Array<{
        id: string;
        target_id: string;
        target_name: string;
        target_address: string;
        attempt: number;
        number: number;
        steps: unknown;
        options: RunOptions;
        secrets_encrypted: string | null;
        parameters: unknown;
      }>
    >(
      `WITH claimed AS (
         UPDATE run_targets SET status = 'RUNNING', started_at = COALESCE(started_at, $3::timestamptz AT TIME ZONE 'UTC'),
                heartbeat_at = $3::timestamptz AT TIME ZONE 'UTC', error = NULL
          WHERE id = $1::uuid AND attempt = $2 AND status = 'QUEUED'
          RETURNING id, target_id, target_name, target_address, attempt, run_id),
       started AS (
         UPDATE runs SET status = 'RUNNING', started_at = $3::timestamptz AT TIME ZONE 'UTC'
          WHERE id = (SELECT run_id FROM claimed) AND status = 'QUEUED')
       SELECT c.id::text, c.target_id::text, c.target_name, c.target_address, c.attempt,
              r.number, r.steps, r.options, r.secrets_encrypted, r.parameters
         FROM claimed c JOIN runs r ON r.id = c.run_id`,
      job.runTargetId,
      job.attempt,
      new Date().toISOString(),
    );
    if (!row) {
      const current = await this.prisma.runTarget.findUnique({ where: { id: job.runTargetId }, select: { status: true, attempt: true } });
      return current?.status === "RUNNING" && current.attempt === job.attempt ? { kind: "lost" } : { kind: "skip" };
    }
    this.notifyRun(job.runId);
    return {
      kind: "claimed",
      run: { id: job.runId, number: row.number, steps: row.steps, options: row.options, secretsEncrypted: row.secrets_encrypted, parameters: row.parameters },
      target: { id: row.id, targetId: row.target_id, targetName: row.target_name, targetAddress: row.target_address, attempt: row.attempt },
    };
  }

  /** Proves a running attempt alive; false when it is no longer current (cancelled run, reaped). */
  async heartbeat(job: TargetJob): Promise<{ current: boolean; cancelRequested: boolean }> {
    const [row] = await this.prisma.$queryRawUnsafe<Array<{ current: boolean; cancel_requested: boolean }>>(
      `WITH beat AS (
         UPDATE run_targets SET heartbeat_at = $3::timestamptz AT TIME ZONE 'UTC'
          WHERE id = $1::uuid AND attempt = $2 AND status = 'RUNNING' RETURNING id)
       SELECT EXISTS (SELECT 1 FROM beat) AS current,
              EXISTS (SELECT 1 FROM runs WHERE id = $4::uuid AND cancel_requested_at IS NOT NULL) AS cancel_requested`,
      job.runTargetId,
      job.attempt,
      new Date().toISOString(),
      job.runId,
    );
    return { current: !!row?.current, cancelRequested: !!row?.cancel_requested };
  }

  /**
   * Ends an attempt. A failed or timed-out attempt with retries left becomes the next attempt
   * (QUEUED, added with exponential back-off); otherwise the target is final, the run gets its next
   * PENDING target, and the run itself is finalized when nothing is left. `from` guards the
   * transition: only a RUNNING attempt with this number changes.
   */
  async finishAttempt(job: TargetJob, outcome: { status: TargetOutcome; exitCode: number | null; error: string | null }): Promise<Orphan | undefined> {
    const jobs: TargetJob[] = [];
    let retryDelay = 0;
    let orphan: Orphan | undefined;
    let finalized = false;
    let unlocked = false;
    const changed = await this.transaction(async (tx) => {
      // Most attempts end their target for good in a run with nothing pending and no cancel: then the
      // transition touches only the target's own row and needs no run lock (hundreds finish at once,
      // and a lock held through each commit made them queue). Retries, a pending target to hand the
      // freed slot to, stopOnFirstFailure's skips and cancels take the run's lock first, as before.
      const [peek] = await tx.$queryRawUnsafe<Array<{ options: RunOptions; cancel_requested_at: Date | null; pending: boolean }>>(
        `SELECT options, cancel_requested_at,
                EXISTS (SELECT 1 FROM run_targets WHERE run_id = $1::uuid AND status = 'PENDING') AS pending
           FROM runs WHERE id = $1::uuid`,
        job.runId,
      );
      if (!peek) return false;
      const failed = outcome.status === "FAILED" || outcome.status === "TIMED_OUT";
      unlocked = !peek.cancel_requested_at && !peek.pending && !(failed && (job.attempt <= peek.options.retries || peek.options.stopOnFirstFailure));
      const run = unlocked ? peek : await this.lockRun(tx, job.runId);
      if (!run) return false;
      const options = run.options;
      const retryable = failed && !run.cancel_requested_at;
      const retry = retryable && job.attempt <= options.retries;
      const status: TargetOutcome = run.cancel_requested_at && outcome.status !== "SUCCEEDED" ? "CANCELLED" : outcome.status;
      const skipPending = !retry && (status === "FAILED" || status === "TIMED_OUT") && options.stopOnFirstFailure;
      // One statement under the run's lock, and only if the attempt is still current (RUNNING, this
      // number): the target's transition (next attempt, or final); the steps the attempt left RUNNING
      // (its worker died) ended, with the process groups they may have left on the target;
      // stopOnFirstFailure's skips; and the run's targets counted by status. The count sees the
      // statement's snapshot, from before its own changes, which are added in below.
      const transition = retry
        ? `status = $7::"TargetStatus", attempt = $2 + 1, queued_at = $5::timestamptz AT TIME ZONE 'UTC', exit_code = $6, error = $4, heartbeat_at = NULL`
        : `status = $7::"TargetStatus", exit_code = $6, error = $4, finished_at = $5::timestamptz AT TIME ZONE 'UTC'`;
      const [row] = await tx.$queryRawUnsafe<Array<{ target_id: string; target_name: string; pgids: number[]; skipped: number; counts: Record<string, number> }>>(
        `WITH ended AS (
           UPDATE step_results SET status = $3::"StepStatus", error = $4, finished_at = $5::timestamptz AT TIME ZONE 'UTC'
            WHERE run_target_id = $1::uuid AND attempt = $2 AND status = 'RUNNING'
              AND EXISTS (SELECT 1 FROM run_targets WHERE id = $1::uuid AND attempt = $2 AND status = 'RUNNING')
            RETURNING remote_pgid),
         moved AS (
           UPDATE run_targets SET ${transition}
            WHERE id = $1::uuid AND attempt = $2 AND status = 'RUNNING'
            RETURNING target_id, target_name),
         skipped AS (
           UPDATE run_targets SET status = 'SKIPPED', finished_at = $5::timestamptz AT TIME ZONE 'UTC'
            WHERE run_id = $8::uuid AND status = 'PENDING' AND $9::boolean AND EXISTS (SELECT 1 FROM moved)
            RETURNING id)
         SELECT m.target_id::text, m.target_name,
                (SELECT coalesce(json_agg(remote_pgid), '[]'::json) FROM ended WHERE remote_pgid IS NOT NULL) AS pgids,
                (SELECT count(*) FROM skipped)::int AS skipped,
                (SELECT coalesce(json_object_agg(status, n), '{}'::json)
                   FROM (SELECT status::text AS status, count(*)::int AS n FROM run_targets WHERE run_id = $8::uuid GROUP BY status) c) AS counts
           FROM moved m`,
        job.runTargetId,
        job.attempt,
        outcome.status === "CANCELLED" ? "CANCELLED" : "FAILED",
        outcome.error,
        new Date().toISOString(),
        outcome.exitCode,
        // Every parameter is used by both statements: PostgreSQL cannot type an unused one.
        retry ? "QUEUED" : status,
        job.runId,
        skipPending,
      );
      if (!row) return false;
      if (row.pgids.length) orphan = { runId: job.runId, targetId: row.target_id, attempt: job.attempt, pgids: row.pgids };
      if (retry) {
        retryDelay = options.retryBackoffSeconds * 1000 * 2 ** (job.attempt - 1);
        jobs.push({ runId: job.runId, runTargetId: job.runTargetId, attempt: job.attempt + 1 });
        return true;
      }
      const counts = { ...row.counts };
      const add = (key: string, n: number) => (counts[key] = (counts[key] ?? 0) + n);
      add("RUNNING", -1);
      add(status, 1);
      add("PENDING", -row.skipped);
      add("SKIPPED", row.skipped);
      await emitEvent(tx, "executions.target.finished", {
        actor: SYSTEM_ACTOR,
        subject: { type: "Run", id: job.runId },
        data: { runId: job.runId, targetId: row.target_id, targetName: row.target_name, status, attempt: job.attempt, exitCode: outcome.exitCode },
      });
      // Without the lock the counts may miss transitions committed meanwhile: finalized after the commit.
      if (unlocked) return true;
      if ((counts.PENDING ?? 0) > 0 && !run.cancel_requested_at) jobs.push(...(await this.dispatchIn(tx, job.runId, options)));
      else finalized = await this.finalizeIfDone(tx, job.runId, counts);
      return true;
    }, TX_LIMITS);
    if (!changed) return undefined;
    if (unlocked) finalized = await this.finalizeIfIdle(job.runId);
    await this.queue.add(jobs.map((next) => (next.runTargetId === job.runTargetId ? { ...next, delayMs: retryDelay } : next)));
    // The run's final state goes out at once; a target's own change joins the run's coalesced updates.
    if (finalized) await this.publishRun(job.runId);
    else this.notifyRun(job.runId);
    return orphan;
  }

  /**
   * After a transition committed without the run's lock: when the run has nothing pending, queued or
   * running any more, finalizes it under the lock. Every such transition checks after its own commit,
   * so the last of several concurrent ones sees all of them committed; finalizeIfDone under the lock
   * makes the run final once, whoever gets there first.
   */
  private async finalizeIfIdle(runId: string): Promise<boolean> {
    // Many of the last targets get here at once: all but the first find the run final, and leave
    // without a count (before the lock, or right after it when the first finalized meanwhile).
    const [row] = await this.prisma.$queryRawUnsafe<Array<{ active: boolean; status: string }>>(
      `SELECT status::text, EXISTS (SELECT 1 FROM run_targets WHERE run_id = $1::uuid AND status IN ('PENDING', 'QUEUED', 'RUNNING')) AS active
         FROM runs WHERE id = $1::uuid`,
      runId,
    );
    if (!row || row.active || FINAL_RUN.includes(row.status)) return false;
    return this.finalizeLocked(runId);
  }

  /** finalizeIfDone in a transaction of its own under the run's lock; a run found final is left at once. */
  private finalizeLocked(runId: string): Promise<boolean> {
    return this.transaction(async (tx) => {
      const run = await this.lockRun(tx, runId);
      if (!run || FINAL_RUN.includes(run.status)) return false;
      return this.finalizeIfDone(tx, runId);
    }, TX_LIMITS);
  }

  /**
   * Finalizes a run none of whose targets is pending, queued or running: the status follows from the
   * targets; the SECRET values are deleted; executions.run.finished is written. `counted` is the run's
   * targets by status when the caller has just counted them under the run's lock.
   */
  async finalizeIfDone(tx: Tx, runId: string, counted?: Record<string, number>): Promise<boolean> {
    const counts: Record<string, number> =
      counted ??
      Object.fromEntries((await tx.runTarget.groupBy({ by: ["status"], where: { runId }, _count: { _all: true } })).map((group) => [group.status, group._count._all]));
    for (const [status, n] of Object.entries(counts)) if (n === 0) delete counts[status];
    if ((counts.PENDING ?? 0) + (counts.QUEUED ?? 0) + (counts.RUNNING ?? 0) > 0) return false;
    const run = await tx.run.findUniqueOrThrow({ where: { id: runId } });
    if (FINAL_RUN.includes(run.status)) return false;
    const succeeded = counts.SUCCEEDED ?? 0;
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    const status = run.cancelRequestedAt
      ? "CANCELLED"
      : succeeded === total
        ? "SUCCEEDED"
        : succeeded > 0
          ? "PARTIAL"
          : (counts.TIMED_OUT ?? 0) > 0 && (counts.FAILED ?? 0) === 0
            ? "TIMED_OUT"
            : "FAILED";
    const finishedAt = new Date();
    await tx.run.update({ where: { id: runId }, data: { status, finishedAt, secretsEncrypted: null } });
    await emitEvent(tx, "executions.run.finished", {
      actor: SYSTEM_ACTOR,
      subject: { type: "Run", id: runId },
      data: {
        id: run.id,
        jobId: run.jobId,
        jobName: run.jobName,
        jobVersion: run.jobVersion,
        number: run.number,
        trigger: run.trigger,
        triggeredById: run.triggeredById,
        scheduleId: run.scheduleId,
        status,
        counts,
        durationMs: run.startedAt ? finishedAt.getTime() - run.startedAt.getTime() : null,
      },
    });
    return true;
  }

  /**
   * Cancel: targets not started yet are CANCELLED at once; running ones are told through Redis (and
   * see it at their next heartbeat at the latest), kill their remote process group and end CANCELLED.
   */
  async cancel(runId: string, actor = SYSTEM_ACTOR): Promise<"cancelled" | "final" | "missing"> {
    const outcome = await this.transaction(async (tx) => {
      const run = await this.lockRun(tx, runId);
      if (!run) return "missing" as const;
      if (FINAL_RUN.includes(run.status)) return "final" as const;
      if (run.cancel_requested_at) return "cancelled" as const;
      const row = await tx.run.update({ where: { id: runId }, data: { cancelRequestedAt: new Date() } });
      await tx.runTarget.updateMany({ where: { runId, status: { in: ["PENDING", "QUEUED"] } }, data: { status: "CANCELLED", finishedAt: new Date() } });
      await emitEvent(tx, "executions.run.cancelled", { actor, subject: { type: "Run", id: runId }, data: { id: runId, jobId: row.jobId, number: row.number } });
      await this.finalizeIfDone(tx, runId);
      return "cancelled" as const;
    }, TX_LIMITS);
    if (outcome === "cancelled") {
      try {
        await this.redis().publish(cancelChannel(this.keyPrefix), runId);
      } catch (error) {
        this.logger.warn("could not announce a cancel (workers see it at their next heartbeat)", { runId, error: (error as Error).message });
      }
      await this.publishRun(runId);
    }
    return outcome;
  }

  /**
   * The reaper's sweep, safe to run in every worker at once (each transition is conditional):
   * running attempts whose heartbeat stopped are ended as lost; queued attempts whose job vanished
   * are added again (same job id) or, when BullMQ gave up on them, ended as lost; runs with nothing
   * left are finalized and runs with free slots dispatched.
   */
  async reap(
    staleAfterSeconds: number,
    isLocal: (runTargetId: string) => boolean,
  ): Promise<{ lost: number; requeued: number; finalized: number; orphans: Orphan[] }> {
    const orphans: Orphan[] = [];
    let lost = 0;
    let requeued = 0;
    let finalized = 0;
    const stale = await this.prisma.$queryRawUnsafe<Array<{ id: string; run_id: string; attempt: number }>>(
      `SELECT id::text, run_id::text, attempt FROM run_targets
        WHERE status = 'RUNNING' AND (heartbeat_at IS NULL OR heartbeat_at < now() - make_interval(secs => $1::int)) LIMIT 500`,
      staleAfterSeconds,
    );
    for (const row of stale) {
      if (isLocal(row.id)) continue;
      const orphan = await this.finishAttempt({ runId: row.run_id, runTargetId: row.id, attempt: row.attempt }, lostOutcome("its heartbeat stopped"));
      if (orphan) orphans.push(orphan);
      lost += 1;
    }
    const queued = await this.prisma.$queryRawUnsafe<Array<{ id: string; run_id: string; attempt: number }>>(
      `SELECT id::text, run_id::text, attempt FROM run_targets
        WHERE status = 'QUEUED' AND queued_at < now() - make_interval(secs => $1::int) LIMIT 500`,
      staleAfterSeconds,
    );
    for (const row of queued) {
      const job = { runId: row.run_id, runTargetId: row.id, attempt: row.attempt };
      const state = await this.queue.stateOf(job);
      if (state === undefined || state === "unknown") {
        await this.queue.add([job]);
        requeued += 1;
      } else if (state === "failed" || state === "completed") {
        // A QUEUED attempt was never claimed, so it never executed (its job failed before the claim,
        // e.g. the database was unreachable): running it now is its first and only execution.
        await this.queue.requeue(job);
        requeued += 1;
      }
    }
    const open = await this.prisma.$queryRawUnsafe<Array<{ id: string }>>(
      `SELECT r.id::text FROM runs r
        WHERE r.status IN ('QUEUED', 'RUNNING') AND r.created_at < now() - make_interval(secs => $1::int)
          AND NOT EXISTS (SELECT 1 FROM run_targets t WHERE t.run_id = r.id AND t.status IN ('QUEUED', 'RUNNING'))
        LIMIT 500`,
      staleAfterSeconds,
    );
    for (const { id } of open) {
      const done = await this.finalizeLocked(id);
      if (done) {
        finalized += 1;
        await this.publishRun(id);
      } else await this.dispatch(id);
    }
    return { lost, requeued, finalized, orphans };
  }
}

export const lostOutcome = (why: string) => ({
  status: "FAILED" as const,
  exitCode: null,
  error: `attempt lost: the worker executing it stopped (${why}); it was not executed again`,
});
