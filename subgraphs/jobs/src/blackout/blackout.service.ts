import { emitEvent, isUuid, notFound, requirePermission, badInput, type RequestContext, type Transact } from "@opsconductor/kit/subgraph";
import type { GlobalBlackoutWindow as Row, Prisma, PrismaClient } from "../generated/prisma/client";
import type { BlackoutWindowInput } from "../schedule/schedule.type";
import { normalizeWindow, windowView } from "../schedule/schedule.validation";
import type { BlackoutWindowValue } from "../schedule/timing";
import type { GlobalBlackoutWindow } from "./blackout.type";

type Tx = Prisma.TransactionClient;
export const GLOBAL_WINDOWS_MAX = 50;

const view = (row: Row): GlobalBlackoutWindow => ({ id: row.id, window: windowView(row.window as BlackoutWindowValue), createdAt: row.createdAt, createdById: row.createdById });

/**
 * Blackout windows that apply to every schedule, next to each schedule's own: the scheduler skips a
 * tick inside any of them (recorded SKIPPED with the window) and `nextRuns` marks it. Reading them
 * needs jobs:read; creating and deleting them system:write (an administrator's).
 */
export class GlobalBlackoutService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly transaction: Transact<Tx>,
  ) {}

  /** The windows as the scheduler applies them (global: true marks them in a SKIPPED reason). */
  async values(): Promise<BlackoutWindowValue[]> {
    const rows = await this.prisma.globalBlackoutWindow.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    return rows.map((row) => ({ ...(row.window as BlackoutWindowValue), global: true }));
  }

  async list(ctx: RequestContext): Promise<GlobalBlackoutWindow[]> {
    requirePermission(ctx, "jobs:read");
    const rows = await this.prisma.globalBlackoutWindow.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    return rows.map(view);
  }

  async create(ctx: RequestContext, input: BlackoutWindowInput): Promise<GlobalBlackoutWindow> {
    const user = requirePermission(ctx, "system:write");
    const window = normalizeWindow(input, "input");
    const row = await this.transaction(async (tx) => {
      // One at a time, so the limit holds however many administrators add windows at once.
      await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtext('jobs.global_blackout_windows'))");
      if ((await tx.globalBlackoutWindow.count()) >= GLOBAL_WINDOWS_MAX) throw badInput("input", `at most ${GLOBAL_WINDOWS_MAX} global blackout windows`);
      const created = await tx.globalBlackoutWindow.create({
        data: { window: window as unknown as Prisma.InputJsonValue, createdById: isUuid(user.id) ? user.id : null },
      });
      await emitEvent(tx, "jobs.blackout.created", { actor: ctx.actor, subject: { type: "GlobalBlackoutWindow", id: created.id }, data: { id: created.id, kind: window.kind, label: window.label } });
      return created;
    });
    return view(row);
  }

  async delete(ctx: RequestContext, id: string): Promise<boolean> {
    requirePermission(ctx, "system:write");
    if (!isUuid(id)) throw notFound("GlobalBlackoutWindow", id);
    await this.transaction(async (tx) => {
      const rows = await tx.$queryRawUnsafe<Array<{ window: BlackoutWindowValue }>>(`DELETE FROM global_blackout_windows WHERE id = $1::uuid RETURNING "window"`, id);
      const window = rows[0]?.window;
      if (!window) throw notFound("GlobalBlackoutWindow", id);
      await emitEvent(tx, "jobs.blackout.deleted", { actor: ctx.actor, subject: { type: "GlobalBlackoutWindow", id }, data: { id, kind: window.kind, label: window.label } });
    });
    return true;
  }
}
