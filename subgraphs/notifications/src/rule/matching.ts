import { eventSchemas, fillPlaceholders, placeholderNames, type EventEnvelope, type EventType } from "@opsconductor/kit";
import { z } from "@opsconductor/kit/subgraph";

/** How bad an event is, derived from its type and outcome (events carry no severity of their own). */
export enum Severity {
  INFO = "INFO",
  WARNING = "WARNING",
  ERROR = "ERROR",
  CRITICAL = "CRITICAL",
}

const SEGMENT = /^[a-z0-9][a-z0-9-]*$/;
export const EVENT_TYPES = Object.keys(eventSchemas) as EventType[];

/** What is wrong with an event-type pattern, or null: dot-separated segments, `*` one segment, `#` any number. */
export function patternProblem(pattern: string): string | null {
  if (!pattern || pattern.length > 200) return "must be 1-200 characters";
  const segments = pattern.split(".");
  if (segments.some((segment) => segment !== "*" && segment !== "#" && !SEGMENT.test(segment))) {
    return "must be dot-separated segments of lower-case letters, digits and -, or * (one segment) or # (any number of segments)";
  }
  if (!EVENT_TYPES.some((type) => matchesPattern(pattern, type))) return "matches no known event type";
  return null;
}

export function matchesPattern(pattern: string, type: string): boolean {
  const want = pattern.split(".");
  const have = type.split(".");
  const match = (i: number, j: number): boolean => {
    if (i === want.length) return j === have.length;
    if (want[i] === "#") return match(i + 1, j) || (j < have.length && match(i, j + 1));
    return j < have.length && (want[i] === "*" || want[i] === have[j]) && match(i + 1, j + 1);
  };
  return match(0, 0);
}

const isStatus = (value: unknown, statuses: string[]) => typeof value === "string" && statuses.includes(value);

export function severityOf(event: Pick<EventEnvelope, "type" | "data">): Severity {
  const data = event.data as Record<string, unknown>;
  switch (event.type) {
    case "executions.run.finished":
    case "executions.target.finished":
      if (isStatus(data.status, ["FAILED", "TIMED_OUT"])) return Severity.ERROR;
      return isStatus(data.status, ["PARTIAL", "CANCELLED"]) ? Severity.WARNING : Severity.INFO;
    case "jobs.schedule.fired":
      return data.outcome === "FAILED" ? Severity.ERROR : Severity.INFO;
    case "targets.connection.tested":
      return data.ok === false ? Severity.WARNING : Severity.INFO;
    case "auth.login.failed":
    case "jobs.schedule.skipped":
      return Severity.WARNING;
    case "auth.refresh.reused":
    case "targets.hostkey.mismatched":
      return Severity.CRITICAL;
    default:
      return Severity.INFO;
  }
}

/** Variables every template may use, whatever the event. */
const ENVELOPE_VARIABLES = ["event.id", "event.type", "event.occurredAt", "severity", "actor.userId", "actor.username", "actor.ip", "subject.type", "subject.id", "rule.name"];

/**
 * The variables a template of a rule with this pattern may use: the envelope's, plus `data.<field>` for
 * every field of the payload of at least one event type the pattern matches (`data.<field>.<key>` under
 * a record such as `counts`).
 */
export function templateVariables(pattern: string): { exact: Set<string>; recordPrefixes: Set<string> } {
  const exact = new Set(ENVELOPE_VARIABLES);
  const recordPrefixes = new Set<string>();
  for (const type of EVENT_TYPES.filter((candidate) => matchesPattern(pattern, candidate))) {
    const schema = eventSchemas[type] as unknown as z.ZodObject<Record<string, z.ZodType>>;
    for (const [field, fieldSchema] of Object.entries(schema.shape)) {
      exact.add(`data.${field}`);
      if (fieldSchema instanceof z.ZodRecord) recordPrefixes.add(`data.${field}.`);
    }
  }
  return { exact, recordPrefixes };
}

/** The first placeholder in the text a rule with this pattern cannot fill, or undefined. */
export function unknownVariable(text: string, pattern: string): string | undefined {
  const { exact, recordPrefixes } = templateVariables(pattern);
  return placeholderNames(text).find((name) => !exact.has(name) && ![...recordPrefixes].some((prefix) => name.startsWith(prefix) && name.length > prefix.length));
}

function lookup(source: unknown, path: string[]): unknown {
  let value = source;
  for (const key of path) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Renders a template for an event; a variable the event lacks renders empty (another matched type has it). */
export function render(template: string, event: EventEnvelope, ruleName: string): string {
  const scope = {
    event: { id: event.id, type: event.type, occurredAt: event.occurredAt },
    severity: severityOf(event),
    actor: event.actor,
    subject: event.subject,
    rule: { name: ruleName },
    data: event.data,
  };
  return fillPlaceholders(template, (name) => {
    const value = lookup(scope, name.split("."));
    if (value === undefined || value === null) return "";
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  });
}

/** Rule conditions: each non-empty list must match the event. */
export interface RuleConditions {
  statuses: string[];
  jobIds: string[];
  targetTags: string[];
  severities: Severity[];
}

/** Target ids an event is about (for the target-tag condition). */
export function targetIdsOf(event: EventEnvelope): string[] {
  const data = event.data as Record<string, unknown>;
  const ids = [...(Array.isArray(data.targetIds) ? data.targetIds : []), data.targetId];
  if (event.type.startsWith("targets.target.") && typeof data.id === "string") ids.push(data.id);
  return [...new Set(ids.filter((id): id is string => typeof id === "string"))];
}

/**
 * Whether an event meets the conditions; `taggedTargets` answers which of the event's targets carry
 * all of the tags (asked only when a rule has target tags and the event names targets without tags).
 */
export async function meetsConditions(event: EventEnvelope, conditions: RuleConditions, taggedTargets: (ids: string[], tags: string[]) => Promise<string[]>): Promise<boolean> {
  const data = event.data as Record<string, unknown>;
  if (conditions.statuses.length && !isStatus(data.status, conditions.statuses)) return false;
  if (conditions.jobIds.length && !(typeof data.jobId === "string" && conditions.jobIds.includes(data.jobId.toLowerCase()))) return false;
  if (conditions.severities.length && !conditions.severities.includes(severityOf(event))) return false;
  if (conditions.targetTags.length) {
    // As the targets filter reads tags: the target carries every one of them.
    if (Array.isArray(data.tags)) return conditions.targetTags.every((tag) => (data.tags as unknown[]).includes(tag));
    const ids = targetIdsOf(event);
    if (!ids.length || !(await taggedTargets(ids, conditions.targetTags)).length) return false;
  }
  return true;
}
