import {
  callInternal,
  encrypt,
  InternalCallError,
  isUuid,
  jobSnapshotContract,
  parseKey,
  requirePermission,
  resolveTargetSelectionContract,
  type Actor,
  type JobSnapshot,
  type TargetSelection,
} from "@opsconductor/kit";
import { badInput, conflict, emitEvent, isUniqueViolation, notFound, pageArgs, prismaOrder, type PaginationInput, type RequestContext, type Transact } from "@opsconductor/kit/subgraph";
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import type { RunEngine } from "../engine/engine";
import type { ExecutionQueue, TargetJob } from "../engine/queue";
import { secretsAad } from "../engine/runner";
import { coerceParameters } from "./parameters";
import { RunSortField, type RunFilter, type RunSort } from "./run.input";
import { RunStatus, type RunCounts } from "./run.type";

type Tx = Prisma.TransactionClient;
export type RunRow = Prisma.RunGetPayload<object>;
export type RunTargetRow = Prisma.RunTargetGetPayload<object>;
export type StepResultRow = Prisma.StepResultGetPayload<object>;
export type ChunkRow = Prisma.RunOutputChunkGetPayload<object>;

export interface StartRunInput {
  jobId: string;
  /** "latest", or the version a rerun repeats. */
  version?: string;
  parameters: Record<string, string>;
  targetIds?: string[] | null;
  trigger: "MANUAL" | "SCHEDULE" | "API";
  triggeredById: string | null;
  scheduleId?: string | null;
  idempotencyKey?: string | null;
  rerunOfId?: string | null;
  actor: Actor;
  requestId?: string;
}

export interface ServiceConfig {
  jobsUrl: string;
  targetsUrl: string;
  serviceToken: string;
  secretsKey: string;
}

const MAX_OUTPUT_PAGE = 1_000;

/** Runs: starting (GraphQL and the scheduler's internal route), cancel, rerun, and reading them. */
export class RunService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly transaction: Transact<Tx>,
    private readonly engine: RunEngine,
    private readonly queue: ExecutionQueue,
    private readonly config: ServiceConfig,
  ) {}

  // ── start ──────────────────────────────────────────────────────────────────────────────

  async runJob(ctx: RequestContext, jobId: string, parameters: Array<{ name: string; value: string }> | null | undefined, targetIds?: string[] | null): Promise<RunRow> {
    const user = requirePermission(ctx, "jobs:execute");
    if (!isUuid(jobId)) throw badInput("jobId", "must be a job id");
    const values: Record<string, string> = {};
    for (const [index, parameter] of (parameters ?? []).entries()) {
      if (Object.prototype.hasOwnProperty.call(values, parameter.name)) throw badInput(`parameters[${index}].name`, `${parameter.name} is given twice`);
      values[parameter.name] = parameter.value;
    }
    return this.start({
      jobId,
      parameters: values,
      targetIds,
      trigger: "MANUAL",
      triggeredById: isUuid(user.id) ? user.id : null,
      actor: ctx.actor,
      requestId: ctx.requestId,
    });
  }

  /** Creates Run #n and its targets in one transaction (+ executions.run.started), then dispatches. */
  async start(input: StartRunInput): Promise<RunRow> {
    if (input.idempotencyKey) {
      const existing = await this.prisma.run.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
      if (existing) return existing;
    }
    const snapshot = await this.snapshot(input.jobId, input.version ?? "latest", input.requestId);
    const { secrets, visible } = coerceParameters(snapshot.parameters, input.parameters);
    const targets = await this.resolveTargets(input.targetIds, snapshot.targets, input.requestId);
    let jobs: TargetJob[] = [];
    let run: RunRow;
    try {
      run = await this.transaction(
        async (tx) => {
          // One run number per job at a time.
          await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtext($1))", `run-number:${snapshot.jobId}`);
          const last = await tx.run.aggregate({ where: { jobId: snapshot.jobId }, _max: { number: true } });
          const created = await tx.run.create({
            data: {
              jobId: snapshot.jobId,
              jobName: snapshot.name,
              jobVersion: snapshot.version,
              number: (last._max.number ?? 0) + 1,
              trigger: input.trigger,
              triggeredById: input.triggeredById,
              scheduleId: input.scheduleId ?? null,
              rerunOfId: input.rerunOfId ?? null,
              steps: snapshot.steps as Prisma.InputJsonValue,
              options: snapshot.options as Prisma.InputJsonValue,
              parameters: visible,
              idempotencyKey: input.idempotencyKey ?? null,
              totalTargets: targets.length,
            },
          });
          if (Object.keys(secrets).length) {
            await tx.run.update({
              where: { id: created.id },
              data: { secretsEncrypted: encrypt(JSON.stringify(secrets), parseKey(this.config.secretsKey), secretsAad(created.id)) },
            });
          }
          await tx.runTarget.createMany({
            data: targets.map((target, position) => ({ runId: created.id, targetId: target.id, targetName: target.name, targetAddress: target.address, position })),
          });
          await emitEvent(tx, "executions.run.started", {
            actor: input.actor,
            subject: { type: "Run", id: created.id },
            data: {
              id: created.id,
              jobId: created.jobId,
              jobName: created.jobName,
              jobVersion: created.jobVersion,
              number: created.number,
              trigger: created.trigger,
              triggeredById: created.triggeredById,
              scheduleId: created.scheduleId,
              rerunOfId: created.rerunOfId,
              targetIds: targets.map((target) => target.id),
            },
          });
          jobs = await this.engine.dispatchIn(tx, created.id, snapshot.options);
          return created;
        },
        { onUniqueViolation: () => undefined, maxWait: 15_000, timeout: 30_000 },
      );
    } catch (error) {
      // A concurrent call with the same idempotency key won: answer with its run.
      if (input.idempotencyKey && isUniqueViolation(error)) {
        const existing = await this.prisma.run.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
        if (existing) return existing;
      }
      throw error;
    }
    await this.queue.add(jobs);
    await this.engine.publishRun(run.id);
    return run;
  }

  private async snapshot(jobId: string, version: string, requestId?: string): Promise<JobSnapshot> {
    try {
      return await callInternal(this.config.jobsUrl, jobSnapshotContract, { params: { id: jobId, version }, serviceToken: this.config.serviceToken, requestId });
    } catch (error) {
      if (error instanceof InternalCallError && error.status === 404) throw notFound("Job", jobId);
      throw error;
    }
  }

  private async resolveTargets(targetIds: string[] | null | undefined, selection: TargetSelection, requestId?: string) {
    let body: TargetSelection = selection;
    if (targetIds) {
      const ids = [...new Set(targetIds.map((id) => id.toLowerCase()))];
      const bad = targetIds.findIndex((id) => !isUuid(id));
      if (bad >= 0) throw badInput(`targetIds[${bad}]`, "must be a target id");
      if (!ids.length) throw badInput("targetIds", "must name at least one target (or leave it out to use the job's selection)");
      body = { targetIds: ids, tags: [], groupId: null };
    }
    let reply;
    try {
      reply = await callInternal(this.config.targetsUrl, resolveTargetSelectionContract, { body, serviceToken: this.config.serviceToken, requestId, timeoutMs: 15_000 });
    } catch (error) {
      if (error instanceof InternalCallError && error.status === 404 && error.failure?.field === "groupId") {
        throw badInput("targets.groupId", "the job's saved group no longer exists");
      }
      throw error;
    }
    if (targetIds && reply.missingIds.length) throw badInput("targetIds", `not live targets: ${reply.missingIds.join(", ")}`);
    if (!reply.targets.length) throw badInput(targetIds ? "targetIds" : "targets", "the selection names no live targets");
    return reply.targets;
  }

  // ── cancel and rerun ─────────────────────────────────────────────────────────────────────

  async cancel(ctx: RequestContext, id: string): Promise<RunRow> {
    requirePermission(ctx, "jobs:execute");
    if (!isUuid(id)) throw notFound("Run", id);
    const outcome = await this.engine.cancel(id, ctx.actor);
    if (outcome === "missing") throw notFound("Run", id);
    if (outcome === "final") throw conflict("id", "the run has already finished");
    return this.prisma.run.findUniqueOrThrow({ where: { id } });
  }

  /**
   * A new run of the same job version on only the targets that FAILED or TIMED_OUT. SECRET values
   * are deleted when a run ends, so they must be given again; other parameters are reused.
   */
  async rerunFailed(ctx: RequestContext, runId: string, parameters?: Array<{ name: string; value: string }> | null): Promise<RunRow> {
    const user = requirePermission(ctx, "jobs:execute");
    if (!isUuid(runId)) throw notFound("Run", runId);
    const run = await this.prisma.run.findUnique({ where: { id: runId } });
    if (!run) throw notFound("Run", runId);
    if (!["SUCCEEDED", "FAILED", "PARTIAL", "CANCELLED", "TIMED_OUT"].includes(run.status)) throw conflict("runId", "the run has not finished yet");
    const failed = await this.prisma.runTarget.findMany({ where: { runId, status: { in: ["FAILED", "TIMED_OUT"] } }, orderBy: { position: "asc" } });
    if (!failed.length) throw badInput("runId", "the run has no failed targets");
    const snapshot = await this.snapshot(run.jobId, String(run.jobVersion), ctx.requestId);
    const secretNames = new Set(snapshot.parameters.filter((p) => p.type === "SECRET").map((p) => p.name));
    const reused = Object.fromEntries(Object.entries(run.parameters as Record<string, string>).filter(([name, value]) => !secretNames.has(name) && value !== ""));
    const given = Object.fromEntries((parameters ?? []).map((parameter) => [parameter.name, parameter.value]));
    return this.start({
      jobId: run.jobId,
      version: String(run.jobVersion),
      parameters: { ...reused, ...given },
      targetIds: failed.map((target) => target.targetId),
      trigger: "MANUAL",
      triggeredById: isUuid(user.id) ? user.id : null,
      rerunOfId: run.id,
      actor: ctx.actor,
      requestId: ctx.requestId,
    });
  }

  // ── read ─────────────────────────────────────────────────────────────────────────────────

  async get(ctx: RequestContext, id: string): Promise<RunRow | null> {
    requirePermission(ctx, "jobs:read");
    if (!isUuid(id)) return null;
    return this.prisma.run.findUnique({ where: { id } });
  }

  findByIds(ids: readonly string[]): Promise<RunRow[]> {
    return this.prisma.run.findMany({ where: { id: { in: ids.filter(isUuid) as string[] } } });
  }

  async list(ctx: RequestContext, filter?: RunFilter | null, pagination?: PaginationInput | null, sort?: RunSort | null): Promise<{ items: RunRow[]; total: number }> {
    requirePermission(ctx, "jobs:read");
    const { skip, take } = pageArgs(pagination);
    const where: Prisma.RunWhereInput = {};
    if (filter?.jobId != null) {
      if (!isUuid(filter.jobId)) throw badInput("filter.jobId", "must be a job id");
      where.jobId = filter.jobId;
    }
    if (filter?.status != null) where.status = filter.status;
    if (filter?.trigger != null) where.trigger = filter.trigger;
    if (filter?.from != null || filter?.to != null) where.createdAt = { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) };
    const direction = sort ? prismaOrder(sort.direction) : "desc";
    const column = { [RunSortField.CREATED_AT]: "createdAt", [RunSortField.NUMBER]: "number", [RunSortField.STATUS]: "status", [RunSortField.FINISHED_AT]: "finishedAt" }[
      sort?.field ?? RunSortField.CREATED_AT
    ];
    const [items, total] = await Promise.all([
      this.prisma.run.findMany({ where, orderBy: [{ [column]: direction }, { id: "asc" }], skip, take }),
      this.prisma.run.count({ where }),
    ]);
    return { items, total };
  }

  async chunk(ctx: RequestContext, id: string): Promise<ChunkRow | null> {
    requirePermission(ctx, "jobs:read");
    if (!isUuid(id)) return null;
    return this.prisma.runOutputChunk.findUnique({ where: { id } });
  }

  /** A run's stored output in order (for replay after a reconnect): after `afterSeq`, at most `limit`. */
  async output(ctx: RequestContext, runId: string, targetId?: string | null, afterSeq?: number | null, limit = 500): Promise<ChunkRow[]> {
    requirePermission(ctx, "jobs:read");
    if (!isUuid(runId)) return [];
    if (targetId != null && !isUuid(targetId)) throw badInput("targetId", "must be a target id");
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_OUTPUT_PAGE) throw badInput("limit", `must be between 1 and ${MAX_OUTPUT_PAGE}`);
    return this.prisma.runOutputChunk.findMany({
      where: { runId, ...(targetId ? { targetId } : {}), ...(afterSeq != null ? { seq: { gt: BigInt(Math.trunc(afterSeq)) } } : {}) },
      orderBy: { seq: "asc" },
      take: limit,
    });
  }

  // ── loaders (per request) ──────────────────────────────────────────────────────────────────

  targetsOf(runIds: readonly string[]): Promise<RunTargetRow[]> {
    return this.prisma.runTarget.findMany({ where: { runId: { in: [...runIds] } }, orderBy: [{ runId: "asc" }, { position: "asc" }] });
  }

  async countsOf(runIds: readonly string[]): Promise<Map<string, RunCounts>> {
    const groups = await this.prisma.runTarget.groupBy({ by: ["runId", "status"], where: { runId: { in: [...runIds] } }, _count: { _all: true } });
    const out = new Map<string, RunCounts>();
    for (const id of runIds) out.set(id, { total: 0, pending: 0, queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, timedOut: 0, skipped: 0 });
    const key = { PENDING: "pending", QUEUED: "queued", RUNNING: "running", SUCCEEDED: "succeeded", FAILED: "failed", CANCELLED: "cancelled", TIMED_OUT: "timedOut", SKIPPED: "skipped" } as const;
    for (const group of groups) {
      const counts = out.get(group.runId)!;
      counts[key[group.status]] += group._count._all;
      counts.total += group._count._all;
    }
    return out;
  }

  /** Step results of run targets: the current attempt's, or every attempt's. */
  stepsOf(runTargetIds: readonly string[]): Promise<StepResultRow[]> {
    return this.prisma.stepResult.findMany({ where: { runTargetId: { in: [...runTargetIds] } }, orderBy: [{ attempt: "asc" }, { stepIndex: "asc" }] });
  }
}

export const isFinalStatus = (status: string) => status !== RunStatus.QUEUED && status !== RunStatus.RUNNING;
