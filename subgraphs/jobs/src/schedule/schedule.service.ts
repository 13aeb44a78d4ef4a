import { badInput, emitEvent, isUuid, notFound, pageArgs, pick, requirePermission, type EventData, type Logger, type PaginationInput, type RequestContext, type Transact } from "@opsconductor/kit/subgraph";
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import type { JobParameter } from "../job/job.type";
import { upcoming, windowsOf, type PlannedRun, type ScheduleRow } from "./plan";
import type { Schedule, ScheduleInput, ScheduleOccurrencePage, SchedulePage } from "./schedule.type";
import type { BlackoutWindowValue } from "./timing";
import { normalizeScheduleParameters, normalizeTiming, normalizeWindows, type ScheduleTiming } from "./schedule.validation";

type Tx = Prisma.TransactionClient;
const TIMING_FIELDS = ["kind", "cron", "timezone", "runAt", "intervalSeconds", "startAt", "endAt", "maxRuns"] as const;

/** What the service needs of the scheduler (Redis side); the database stays the truth, reconcile repairs a failed sync. */
export interface ScheduleSync {
  sync(row: ScheduleRow): Promise<void>;
  remove(id: string): Promise<void>;
}

export const scheduleView = (row: ScheduleRow): Schedule => row as unknown as Schedule;

function snapshot(row: ScheduleRow): EventData<"jobs.schedule.created"> {
  return {
    ...pick(row, ["id", "jobId", "kind", "cron", "timezone"]),
    runAt: row.runAt?.toISOString() ?? null,
    intervalSeconds: row.intervalSeconds,
    enabled: row.enabled,
    // Names only: values stay out of events.
    parameterNames: Object.keys((row.parameters ?? {}) as Record<string, string>),
    blackoutWindows: windowsOf(row).length,
  };
}

const timingOf = (row: ScheduleRow): ScheduleTiming => pick(row, TIMING_FIELDS);

/** A Redis that is down must not hold a committed mutation's answer: give up after 5 s (reconcile catches up). */
function bounded(work: Promise<void> | undefined, ms = 5_000): Promise<void> {
  if (!work) return Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Schedules of jobs: validation against the job, events, and the Redis job scheduler kept in step after each commit. */
export class ScheduleService {
  sync?: ScheduleSync;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly transaction: Transact<Tx>,
    private readonly logger: Logger,
    private readonly settings: { minIntervalSeconds: number },
    /** The global blackout windows, which apply to every schedule's ticks too. */
    private readonly globalWindows: () => Promise<BlackoutWindowValue[]>,
  ) {}

  async get(ctx: RequestContext, id: string): Promise<Schedule | null> {
    requirePermission(ctx, "jobs:read");
    if (!isUuid(id)) return null;
    const row = await this.prisma.schedule.findFirst({ where: { id, deletedAt: null, job: { deletedAt: null } } });
    return row ? scheduleView(row) : null;
  }

  async list(ctx: RequestContext, args: { jobId?: string | null; enabled?: boolean | null; pagination?: PaginationInput | null }): Promise<SchedulePage> {
    requirePermission(ctx, "jobs:read");
    const { skip, take } = pageArgs(args.pagination);
    if (args.jobId != null && !isUuid(args.jobId)) return { items: [], total: 0 };
    const where: Prisma.ScheduleWhereInput = { deletedAt: null, job: { deletedAt: null }, ...(args.jobId ? { jobId: args.jobId } : {}), ...(args.enabled != null ? { enabled: args.enabled } : {}) };
    const [items, total] = await Promise.all([
      this.prisma.schedule.findMany({ where, orderBy: [{ createdAt: "asc" }, { id: "asc" }], skip, take }),
      this.prisma.schedule.count({ where }),
    ]);
    return { items: items.map(scheduleView), total };
  }

  async ofJob(ctx: RequestContext, jobId: string): Promise<Schedule[]> {
    requirePermission(ctx, "jobs:read");
    return (await this.prisma.schedule.findMany({ where: { jobId, deletedAt: null }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] })).map(scheduleView);
  }

  async occurrences(ctx: RequestContext, scheduleId: string, pagination?: PaginationInput | null): Promise<ScheduleOccurrencePage> {
    requirePermission(ctx, "jobs:read");
    const { skip, take } = pageArgs(pagination);
    const where = { scheduleId };
    const [items, total] = await Promise.all([
      this.prisma.scheduleOccurrence.findMany({ where, orderBy: [{ scheduledFor: "desc" }, { id: "asc" }], skip, take }),
      this.prisma.scheduleOccurrence.count({ where }),
    ]);
    return { items, total };
  }

  async nextRuns(ctx: RequestContext, schedule: Schedule, count: number): Promise<PlannedRun[]> {
    requirePermission(ctx, "jobs:read");
    if (!Number.isInteger(count) || count < 1 || count > 100) throw badInput("count", "must be an integer from 1 to 100");
    return upcoming(schedule as unknown as ScheduleRow, new Date(), count, await this.globalWindows());
  }

  /** Needs jobs:write and jobs:execute: a schedule starts runs. */
  async create(ctx: RequestContext, input: ScheduleInput): Promise<Schedule> {
    const user = requirePermission(ctx, "jobs:write", "jobs:execute");
    if (!input.jobId) throw badInput("input.jobId", "is required");
    if (!isUuid(input.jobId)) throw badInput("input.jobId", "is not a job id");
    const now = new Date();
    const timing = normalizeTiming(input, null, { minIntervalSeconds: this.settings.minIntervalSeconds, now });
    const windows = normalizeWindows(input.blackoutWindows ?? []);
    const row = await this.transaction(async (tx) => {
      const job = await tx.job.findFirst({ where: { id: input.jobId!, deletedAt: null } });
      if (!job) throw badInput("input.jobId", "is not a live job");
      const parameters = normalizeScheduleParameters(input.parameters ?? [], job.parameters as unknown as JobParameter[]);
      const created = await tx.schedule.create({
        data: {
          ...timing,
          jobId: job.id,
          anchorAt: timing.startAt ?? now,
          enabled: input.enabled ?? true,
          parameters,
          blackoutWindows: windows as unknown as Prisma.InputJsonValue,
          createdById: isUuid(user.id) ? user.id : null,
        },
      });
      await emitEvent(tx, "jobs.schedule.created", { actor: ctx.actor, subject: { type: "Schedule", id: created.id }, data: snapshot(created) });
      return created;
    });
    await this.syncAfterCommit(row);
    return scheduleView(row);
  }

  async update(ctx: RequestContext, id: string, input: ScheduleInput): Promise<Schedule> {
    requirePermission(ctx, "jobs:write", "jobs:execute");
    if (!isUuid(id)) throw notFound("Schedule", id);
    if (input.jobId != null) throw badInput("input.jobId", "cannot change: create a schedule for the other job");
    const windows = input.blackoutWindows == null ? undefined : normalizeWindows(input.blackoutWindows);
    const now = new Date();
    const row = await this.transaction(async (tx) => {
      await tx.$executeRawUnsafe("SELECT 1 FROM schedules WHERE id = $1::uuid AND deleted_at IS NULL FOR UPDATE", id);
      const current = await tx.schedule.findFirst({ where: { id, deletedAt: null, job: { deletedAt: null } }, include: { job: true } });
      if (!current) throw notFound("Schedule", id);
      const timing = normalizeTiming(input, timingOf(current), { minIntervalSeconds: this.settings.minIntervalSeconds, now });
      const parameters = input.parameters == null ? undefined : normalizeScheduleParameters(input.parameters, current.job.parameters as unknown as JobParameter[]);
      const changed: string[] = TIMING_FIELDS.filter((field) => String(timing[field] instanceof Date ? (timing[field] as Date).getTime() : timing[field]) !== String(current[field] instanceof Date ? (current[field] as Date).getTime() : current[field]));
      if (input.enabled != null && input.enabled !== current.enabled) changed.push("enabled");
      if (parameters && JSON.stringify(parameters) !== JSON.stringify(current.parameters)) changed.push("parameters");
      if (windows && JSON.stringify(windows) !== JSON.stringify(current.blackoutWindows)) changed.push("blackoutWindows");
      if (!changed.length) return null;
      const regrid = changed.some((field) => ["kind", "intervalSeconds", "startAt"].includes(field));
      // A changed schedule may run again (a later endAt, a higher maxRuns, a new runAt); the worker ends it again if not.
      const updated = await tx.schedule.update({
        where: { id },
        data: {
          ...timing,
          ...(regrid ? { anchorAt: timing.startAt ?? now } : {}),
          ...(input.enabled != null ? { enabled: input.enabled } : {}),
          ...(parameters ? { parameters } : {}),
          ...(windows ? { blackoutWindows: windows as unknown as Prisma.InputJsonValue } : {}),
          // A one-shot that already ran stays finished unless it gets a new runAt.
          finishedAt: current.finishedAt && timing.kind === "ONCE" && current.kind === "ONCE" && !changed.includes("runAt") ? current.finishedAt : null,
        },
      });
      await emitEvent(tx, "jobs.schedule.updated", { actor: ctx.actor, subject: { type: "Schedule", id }, data: { ...snapshot(updated), changed } });
      return updated;
    });
    if (!row) return (await this.get(ctx, id))!;
    await this.syncAfterCommit(row);
    return scheduleView(row);
  }

  setEnabled(ctx: RequestContext, id: string, enabled: boolean): Promise<Schedule> {
    return this.update(ctx, id, { enabled });
  }

  async delete(ctx: RequestContext, id: string): Promise<boolean> {
    requirePermission(ctx, "jobs:write", "jobs:execute");
    if (!isUuid(id)) throw notFound("Schedule", id);
    await this.transaction(async (tx) => {
      await tx.$executeRawUnsafe("SELECT 1 FROM schedules WHERE id = $1::uuid AND deleted_at IS NULL FOR UPDATE", id);
      const current = await tx.schedule.findFirst({ where: { id, deletedAt: null, job: { deletedAt: null } } });
      if (!current) throw notFound("Schedule", id);
      await tx.schedule.update({ where: { id }, data: { deletedAt: new Date(), enabled: false } });
      await emitEvent(tx, "jobs.schedule.deleted", { actor: ctx.actor, subject: { type: "Schedule", id }, data: { id, jobId: current.jobId } });
    });
    await this.removeAfterCommit([id]);
    return true;
  }

  /** A deleted job's schedules are deleted with it (same transaction); returns their ids. */
  async deleteOfJob(tx: Tx, ctx: RequestContext, jobId: string): Promise<string[]> {
    const rows = await tx.schedule.findMany({ where: { jobId, deletedAt: null }, select: { id: true } });
    for (const { id } of rows) {
      await tx.schedule.update({ where: { id }, data: { deletedAt: new Date(), enabled: false } });
      await emitEvent(tx, "jobs.schedule.deleted", { actor: ctx.actor, subject: { type: "Schedule", id }, data: { id, jobId } });
    }
    return rows.map((row) => row.id);
  }

  async removeAfterCommit(ids: string[]): Promise<void> {
    for (const id of ids) {
      await bounded(this.sync?.remove(id)).catch((error: Error) => this.logger.warn("could not remove a schedule's job scheduler (reconcile will)", { id, error: error.message }));
    }
  }

  private async syncAfterCommit(row: ScheduleRow) {
    await bounded(this.sync?.sync(row)).catch((error: Error) => this.logger.warn("could not sync a schedule's job scheduler (reconcile will)", { id: row.id, error: error.message }));
  }
}
