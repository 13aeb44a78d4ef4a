import { CronExpressionParser } from "cron-parser";
import { badInput } from "@opsconductor/kit/subgraph";

/** Time arithmetic of schedules and blackout windows; pure functions (all instants are UTC Dates). */

/** `global` marks a window that applies to every schedule (GlobalBlackoutWindow), never stored on a schedule. */
export type BlackoutWindowValue =
  | { kind: "DATE_RANGE"; startsAt: string; endsAt: string; label: string | null; global?: true }
  | { kind: "CRON"; cron: string; timezone: string; durationMinutes: number; label: string | null; global?: true };

const ZONE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/** An IANA zone name the runtime knows ("Europe/Berlin", "UTC"); offsets such as "+01:00" are refused (no DST rules). */
export function normalizeTimezone(value: string | null | undefined, field: string): string {
  const zone = (value ?? "UTC").trim();
  if (!zone || zone.length > 64 || !ZONE.test(zone)) throw badInput(field, "must be an IANA time zone such as Europe/Berlin or UTC");
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
  } catch {
    throw badInput(field, `"${zone}" is not a known IANA time zone`);
  }
  return zone;
}

/** A 5-field (minute…weekday) or 6-field (second first) cron expression, checked by cron-parser in the zone. */
export function normalizeCron(value: string | null | undefined, timezone: string, field: string): string {
  const cron = (value ?? "").trim().replace(/\s+/g, " ");
  if (!cron) throw badInput(field, "is required");
  const fields = cron.split(" ").length;
  if (fields < 5 || fields > 6 || cron.length > 200) throw badInput(field, "must be a cron expression of 5 fields (minute hour day month weekday) or 6 (with seconds first)");
  try {
    CronExpressionParser.parse(cron, { tz: timezone, strict: false }).next();
  } catch (error) {
    throw badInput(field, `is not a valid cron expression: ${(error as Error).message}`);
  }
  return cron;
}

/** The next `count` instants of a cron expression in a zone strictly after `after`, none after `until`. */
export function cronInstants(cron: string, timezone: string, after: Date, count: number, until?: Date | null): Date[] {
  const expression = CronExpressionParser.parse(cron, { tz: timezone, currentDate: after, ...(until ? { endDate: until } : {}) });
  const out: Date[] = [];
  while (out.length < count && expression.hasNext()) out.push(expression.next().toDate());
  return out;
}

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
