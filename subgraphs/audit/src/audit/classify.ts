import type { EventEnvelope } from "@opsconductor/kit";

export type Outcome = "SUCCESS" | "FAILURE";
export type Severity = "INFO" | "NOTICE" | "WARNING" | "CRITICAL";

/** Event types that record something refused or gone wrong. */
const FAILURE_TYPES = /\.(login\.failed|permission\.denied|refresh\.reused|hostkey\.mismatched)$/;

/** FAILURE for refusals and failed work, else SUCCESS. */
export function outcomeOf(event: EventEnvelope): Outcome {
  if (FAILURE_TYPES.test(event.type)) return "FAILURE";
  const data = event.data as Record<string, unknown>;
  if (event.type === "targets.connection.tested" && data.ok === false) return "FAILURE";
  if (event.type === "jobs.schedule.fired" && data.outcome === "FAILED") return "FAILURE";
  if ((event.type === "executions.run.finished" || event.type === "executions.target.finished") && ["FAILED", "TIMED_OUT", "PARTIAL"].includes(String(data.status))) {
    return "FAILURE";
  }
  return "SUCCESS";
}

/** How much an operator should care: security signals first, then destructive changes. */
export function severityOf(event: EventEnvelope, outcome: Outcome): Severity {
  if (/\.(refresh\.reused|hostkey\.mismatched)$/.test(event.type)) return "CRITICAL";
  if (/\.(login\.failed|permission\.denied)$/.test(event.type)) return "WARNING";
  if (outcome === "FAILURE") return "WARNING";
  if (/\.(deleted|removed|deactivated|rotated|password\.changed)$/.test(event.type) || event.type.includes(".credential.")) return "NOTICE";
  return "INFO";
}
