import { CronExpressionParser } from "cron-parser";
import { cronInstants, normalizeCron, normalizeTimezone } from "@opsconductor/kit/subgraph";

// Shared with other services' schedules (discovery's scan templates): the checks and the preview live in the kit.
export { cronInstants, normalizeCron, normalizeTimezone };

/** Time arithmetic of schedules and blackout windows; pure functions (all instants are UTC Dates). */

/** `global` marks a window that applies to every schedule (GlobalBlackoutWindow), never stored on a schedule. */
export type BlackoutWindowValue =
  | { kind: "DATE_RANGE"; startsAt: string; endsAt: string; label: string | null; global?: true }
  | { kind: "CRON"; cron: string; timezone: string; durationMinutes: number; label: string | null; global?: true };

/** The latest instant of a cron expression at or before `at`, if any. */
export function cronLatestAtOrBefore(cron: string, timezone: string, at: Date): Date | null {
  const expression = CronExpressionParser.parse(cron, { tz: timezone, currentDate: new Date(at.getTime() + 1) });
  return expression.hasPrev() ? expression.prev().toDate() : null;
}

/** INTERVAL ticks: anchor + k × interval, strictly after `after`. */
export function intervalInstants(anchor: Date, intervalSeconds: number, after: Date, count: number, until?: Date | null): Date[] {
  const step = intervalSeconds * 1000;
  const k = after.getTime() < anchor.getTime() ? 0 : Math.floor((after.getTime() - anchor.getTime()) / step) + 1;
  const out: Date[] = [];
  for (let i = k; out.length < count; i += 1) {
    const at = new Date(anchor.getTime() + i * step);
    if (until && at > until) break;
    out.push(at);
  }
  return out;
}

/** The blackout window covering an instant (start inclusive, end exclusive), or null. */
export function blackoutAt(windows: readonly BlackoutWindowValue[], at: Date): BlackoutWindowValue | null {
  for (const window of windows) {
    if (window.kind === "DATE_RANGE") {
      if (at >= new Date(window.startsAt) && at < new Date(window.endsAt)) return window;
    } else {
      // A window that opened at the latest start at or before `at` covers it if it has not closed yet;
      // an earlier start (same duration) cannot cover more than the latest one does.
      const start = cronLatestAtOrBefore(window.cron, window.timezone, at);
      if (start && at.getTime() < start.getTime() + window.durationMinutes * 60_000) return window;
    }
  }
  return null;
}

export const describeWindow = (window: BlackoutWindowValue): string =>
  (window.global ? "global " : "") +
  (window.kind === "DATE_RANGE"
    ? `blackout window ${window.label ? `"${window.label}" ` : ""}${window.startsAt} – ${window.endsAt}`
    : `blackout window ${window.label ? `"${window.label}" ` : ""}(${window.cron} ${window.timezone}, ${window.durationMinutes} min)`);
