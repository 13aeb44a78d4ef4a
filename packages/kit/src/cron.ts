import { CronExpressionParser } from "cron-parser";
import { badInput } from "./errors";

/**
 * Cron expressions and IANA zones as schedules use them (jobs' schedules, discovery's scan templates):
 * the same checks and the same preview of the next instants, so every service accepts the same forms.
 * BullMQ's job schedulers fire the same expressions (they use cron-parser too).
 */

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
