import type { RepeatOptions } from "bullmq";
import type { Schedule as ScheduleRow } from "../generated/prisma/client";
import { ScheduleKind } from "../generated/prisma/enums";
import { blackoutAt, cronInstants, describeWindow, intervalInstants, type BlackoutWindowValue } from "./timing";

/** What a schedule will do next: the preview (`nextRuns`) and the BullMQ job scheduler that fires it. */

export type { ScheduleRow };
export const windowsOf = (row: Pick<ScheduleRow, "blackoutWindows">) => (row.blackoutWindows ?? []) as BlackoutWindowValue[];

/** Whether the schedule still fires: enabled, not deleted, not finished (by maxRuns, endAt or its one run). */
export const isLive = (row: ScheduleRow, now = new Date()) =>
  row.enabled && !row.deletedAt && !row.finishedAt && !(row.endAt && row.endAt < now) && !(row.maxRuns !== null && row.runCount >= row.maxRuns);

/** Raw tick instants strictly after `after` (no blackout, no maxRuns). */
export function ticksAfter(row: ScheduleRow, after: Date, count: number): Date[] {
  const from = row.startAt && row.startAt.getTime() - 1 > after.getTime() ? new Date(row.startAt.getTime() - 1) : after;
  switch (row.kind) {
    case ScheduleKind.CRON:
      return cronInstants(row.cron!, row.timezone, from, count, row.endAt);
    case ScheduleKind.INTERVAL:
      return intervalInstants(row.anchorAt, row.intervalSeconds!, from, count, row.endAt);
    default:
      return row.runAt && row.runAt > after ? [row.runAt] : [];
  }
}

export interface PlannedRun {
  at: Date;
  skipped: boolean;
  reason: string | null;
}

/**
 * The next `n` ticks from `now`, blackout ones (the schedule's own windows and the global ones) marked
 * skipped; stops where maxRuns would end the schedule.
 */
export function upcoming(row: ScheduleRow, now: Date, n: number, globalWindows: readonly BlackoutWindowValue[] = []): PlannedRun[] {
  if (!isLive(row, now)) return [];
  let remaining = row.maxRuns === null ? Infinity : row.maxRuns - row.runCount;
  const windows = [...windowsOf(row), ...globalWindows];
  const out: PlannedRun[] = [];
  let after = new Date(now.getTime() - 1);
  while (out.length < n && remaining > 0) {
    const batch = ticksAfter(row, after, n - out.length);
    if (!batch.length) break;
    for (const at of batch) {
      const window = blackoutAt(windows, at);
      out.push({ at, skipped: !!window, reason: window ? describeWindow(window) : null });
      if (!window) remaining -= 1;
      if (remaining <= 0 || out.length >= n) break;
    }
    after = batch[batch.length - 1]!;
    if (row.kind === ScheduleKind.ONCE) break;
  }
  return out;
}

/** A one-shot's "interval": large enough never to come round (it is removed after its tick anyway). */
const ONCE_EVERY_MS = 10 * 365 * 86_400_000;

/** The BullMQ repeat options of a live schedule, its ticks landing exactly on the instants `upcoming` shows. */
export function repeatOptions(row: ScheduleRow, now: Date): Omit<RepeatOptions, "key"> | null {
  if (!isLive(row, now)) return null;
  const endDate = row.endAt ?? undefined;
  switch (row.kind) {
    case ScheduleKind.CRON:
      // BullMQ looks for the first instant strictly after startDate; ours may be startAt itself.
      return { pattern: row.cron!, tz: row.timezone, ...(row.startAt ? { startDate: new Date(row.startAt.getTime() - 1) } : {}), ...(endDate ? { endDate } : {}) };
    case ScheduleKind.INTERVAL: {
      // The first tick on the schedule's grid (anchor + k × interval) a little after now, so it is still
      // in the future when Redis reads it (else BullMQ starts from its own now, off the grid); BullMQ adds `every` from there.
      const [first] = intervalInstants(row.anchorAt, row.intervalSeconds!, new Date(Math.max(now.getTime() + 200, (row.startAt?.getTime() ?? 0) - 1)), 1, row.endAt);
      if (!first) return null;
      return { every: row.intervalSeconds! * 1000, startDate: first, ...(endDate ? { endDate } : {}) };
    }
    default:
      return row.runAt ? { every: ONCE_EVERY_MS, startDate: row.runAt, limit: 1 } : null;
  }
}
