import { badInput } from "@opsconductor/kit/subgraph";
import { ScheduleKind } from "../generated/prisma/enums";
import { ParameterType, type JobParameter } from "../job/job.type";
import { parameterValue } from "../job/job.validation";
import { normalizeCron, normalizeTimezone, type BlackoutWindowValue } from "./timing";
import { BlackoutKind, type BlackoutWindowInput, type ScheduleInput, type ScheduleParameterInput } from "./schedule.type";

export const WINDOWS_MAX = 20;
export const MAX_RUNS_MAX = 1_000_000;
export const INTERVAL_MAX_SECONDS = 366 * 86_400;
export const WINDOW_MINUTES_MAX = 7 * 24 * 60;

/** The timing columns of a schedule, normalized. */
export interface ScheduleTiming {
  kind: ScheduleKind;
  cron: string | null;
  timezone: string;
  runAt: Date | null;
  intervalSeconds: number | null;
  startAt: Date | null;
  endAt: Date | null;
  maxRuns: number | null;
}

const validDate = (value: Date, field: string): Date => {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw badInput(field, "must be a date-time");
  return value;
};

/**
 * The schedule's timing after applying `input` to `current` (undefined fields keep their value, null
 * clears the optional ones). `changed` lists the fields the input touched, for "must be in the future" checks.
 */
export function normalizeTiming(input: ScheduleInput, current: ScheduleTiming | null, options: { minIntervalSeconds: number; now: Date }): ScheduleTiming {
  const kind = input.kind ?? current?.kind;
  if (!kind) throw badInput("input.kind", "is required");
  const pick = <K extends keyof ScheduleTiming>(key: K): ScheduleTiming[K] | null => {
    const value = input[key as keyof ScheduleInput] as ScheduleTiming[K] | null | undefined;
    return value === undefined ? (current?.[key] ?? null) : value;
  };
  const timezone = normalizeTimezone(input.timezone ?? current?.timezone ?? "UTC", "input.timezone");
  const timing: ScheduleTiming = { kind, cron: null, timezone, runAt: null, intervalSeconds: null, startAt: null, endAt: null, maxRuns: null };
  const only = (field: "cron" | "runAt" | "intervalSeconds", owner: ScheduleKind) => {
    if (kind !== owner && input[field] != null) throw badInput(`input.${field}`, `is only for ${owner} schedules`);
  };
  only("cron", ScheduleKind.CRON);
  only("runAt", ScheduleKind.ONCE);
  only("intervalSeconds", ScheduleKind.INTERVAL);
  if (kind === ScheduleKind.CRON) {
    timing.cron = normalizeCron(pick("cron"), timezone, "input.cron");
  } else if (kind === ScheduleKind.ONCE) {
    const runAt = pick("runAt");
    if (!runAt) throw badInput("input.runAt", "is required for a ONCE schedule");
    timing.runAt = validDate(runAt, "input.runAt");
    if ((input.runAt !== undefined || !current || current.kind !== kind) && timing.runAt <= options.now) throw badInput("input.runAt", "must be in the future");
  } else {
    const seconds = pick("intervalSeconds");
    if (seconds == null) throw badInput("input.intervalSeconds", "is required for an INTERVAL schedule");
    if (!Number.isInteger(seconds) || seconds < options.minIntervalSeconds || seconds > INTERVAL_MAX_SECONDS) {
      throw badInput("input.intervalSeconds", `must be an integer from ${options.minIntervalSeconds} to ${INTERVAL_MAX_SECONDS}`);
    }
    timing.intervalSeconds = seconds;
  }
  if (kind !== ScheduleKind.ONCE) {
    const startAt = pick("startAt");
    const endAt = pick("endAt");
    timing.startAt = startAt ? validDate(startAt, "input.startAt") : null;
    timing.endAt = endAt ? validDate(endAt, "input.endAt") : null;
    if (timing.startAt && timing.endAt && timing.endAt <= timing.startAt) throw badInput("input.endAt", "must be after startAt");
    if (input.endAt != null && timing.endAt && timing.endAt <= options.now) throw badInput("input.endAt", "must be in the future");
    const maxRuns = pick("maxRuns");
    if (maxRuns != null && (!Number.isInteger(maxRuns) || maxRuns < 1 || maxRuns > MAX_RUNS_MAX)) throw badInput("input.maxRuns", `must be an integer from 1 to ${MAX_RUNS_MAX}`);
    timing.maxRuns = maxRuns ?? null;
  } else {
    for (const field of ["startAt", "endAt", "maxRuns"] as const) if (input[field] != null) throw badInput(`input.${field}`, "is not for ONCE schedules (use runAt)");
  }
  return timing;
}

/**
 * Parameter values checked against the job's parameters: declared, not SECRET (a schedule cannot
 * hold a secret), valid for their type; every required parameter without a default has a value.
 */
export function normalizeScheduleParameters(values: ScheduleParameterInput[], parameters: JobParameter[], field = "input.parameters"): Record<string, string> {
  const byName = new Map(parameters.map((parameter) => [parameter.name, parameter]));
  const out: Record<string, string> = {};
  values.forEach((entry, index) => {
    const at = `${field}.${index}`;
    const parameter = byName.get(entry.name);
    if (!parameter) throw badInput(`${at}.name`, `"${entry.name}" is not a parameter of this job`);
    if (parameter.type === ParameterType.SECRET) {
      throw badInput(`${at}.name`, `"${entry.name}" is a SECRET parameter: secrets cannot be stored on a schedule (give it no value here, or make the parameter optional)`);
    }
    if (Object.prototype.hasOwnProperty.call(out, entry.name)) throw badInput(`${at}.name`, `"${entry.name}" is given twice`);
    out[entry.name] = parameterValue(parameter, entry.value, `${at}.value`);
  });
  for (const parameter of parameters) {
    if (!parameter.required || parameter.defaultValue !== null || Object.prototype.hasOwnProperty.call(out, parameter.name)) continue;
    if (parameter.type === ParameterType.SECRET) {
      throw badInput(field, `the job's SECRET parameter "${parameter.name}" is required and has no default, and secrets cannot be stored on a schedule`);
    }
    throw badInput(field, `"${parameter.name}" is required (the job gives it no default)`);
  }
  return out;
}

export function normalizeWindows(windows: BlackoutWindowInput[], field = "input.blackoutWindows"): BlackoutWindowValue[] {
  if (windows.length > WINDOWS_MAX) throw badInput(field, `must have at most ${WINDOWS_MAX} windows`);
  return windows.map((window, index) => normalizeWindow(window, `${field}.${index}`));
}

/** One blackout window, its fields named under `at`. */
export function normalizeWindow(window: BlackoutWindowInput, at: string): BlackoutWindowValue {
  {
    const label = window.label?.trim() || null;
    if (label && label.length > 100) throw badInput(`${at}.label`, "must be at most 100 characters");
    if (window.kind === BlackoutKind.DATE_RANGE) {
      if (!window.startsAt) throw badInput(`${at}.startsAt`, "is required for a DATE_RANGE window");
      if (!window.endsAt) throw badInput(`${at}.endsAt`, "is required for a DATE_RANGE window");
      validDate(window.startsAt, `${at}.startsAt`);
      validDate(window.endsAt, `${at}.endsAt`);
      if (window.endsAt <= window.startsAt) throw badInput(`${at}.endsAt`, "must be after startsAt");
      for (const key of ["cron", "durationMinutes"] as const) if (window[key] != null) throw badInput(`${at}.${key}`, "is only for CRON windows");
      return { kind: "DATE_RANGE", startsAt: window.startsAt.toISOString(), endsAt: window.endsAt.toISOString(), label };
    }
    for (const key of ["startsAt", "endsAt"] as const) if (window[key] != null) throw badInput(`${at}.${key}`, "is only for DATE_RANGE windows");
    const timezone = normalizeTimezone(window.timezone ?? "UTC", `${at}.timezone`);
    const cron = normalizeCron(window.cron, timezone, `${at}.cron`);
    const minutes = window.durationMinutes;
    if (minutes == null) throw badInput(`${at}.durationMinutes`, "is required for a CRON window");
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > WINDOW_MINUTES_MAX) throw badInput(`${at}.durationMinutes`, `must be an integer from 1 to ${WINDOW_MINUTES_MAX}`);
    return { kind: "CRON", cron, timezone, durationMinutes: minutes, label };
  }
}

/** The window as GraphQL shows it. */
export const windowView = (window: BlackoutWindowValue) =>
  window.kind === "DATE_RANGE"
    ? { kind: BlackoutKind.DATE_RANGE, label: window.label, startsAt: new Date(window.startsAt), endsAt: new Date(window.endsAt), cron: null, timezone: null, durationMinutes: null }
    : { kind: BlackoutKind.CRON, label: window.label, startsAt: null, endsAt: null, cron: window.cron, timezone: window.timezone, durationMinutes: window.durationMinutes };
