import { createEnvelope, SYSTEM_ACTOR } from "@opsconductor/kit";
import { matchesPattern, patternProblem, render, Severity, severityOf, unknownVariable } from "./matching";

describe("rule matching", () => {
  it("matches exact types, * as one segment and # as any number of segments", () => {
    expect(matchesPattern("executions.run.finished", "executions.run.finished")).toBe(true);
    expect(matchesPattern("executions.run.*", "executions.run.finished")).toBe(true);
    expect(matchesPattern("executions.*", "executions.run.finished")).toBe(false);
    expect(matchesPattern("executions.#", "executions.run.finished")).toBe(true);
    expect(matchesPattern("#", "auth.logout")).toBe(true);
    expect(matchesPattern("executions.run.*", "executions.target.finished")).toBe(false);
  });

  it("refuses malformed patterns and patterns no event type matches", () => {
    expect(patternProblem("executions.run.*")).toBeNull();
    expect(patternProblem("Executions.run")).toMatch(/segments/);
    expect(patternProblem("nothing.*")).toBe("matches no known event type");
    expect(patternProblem("")).toMatch(/1-200/);
  });

  it("knows the variables of the events a pattern matches, records included", () => {
    expect(unknownVariable("{{data.status}} {{data.counts.failed}} {{severity}} {{actor.username}}", "executions.run.finished")).toBeUndefined();
    expect(unknownVariable("{{data.status}}", "auth.login.failed")).toBe("data.status");
    expect(unknownVariable("{{ data.nope }}", "executions.run.*")).toBe("data.nope");
  });

  it("renders from the envelope and data, with a derived severity", () => {
    const event = createEnvelope("executions.run.finished", {
      actor: SYSTEM_ACTOR,
      subject: { type: "Run", id: "r1" },
      data: { id: "0b0e0b45-5b9e-4a4c-9f9f-2ad3c1f1a001", jobId: "0b0e0b45-5b9e-4a4c-9f9f-2ad3c1f1a002", jobName: "backup", jobVersion: 1, number: 7, trigger: "MANUAL", triggeredById: null, scheduleId: null, status: "PARTIAL", counts: { failed: 1 }, durationMs: null },
    });
    expect(severityOf(event)).toBe(Severity.WARNING);
    expect(render("[{{severity}}] {{data.jobName}} #{{data.number}} {{data.status}} {{data.durationMs}}|{{rule.name}}", event, "r")).toBe("[WARNING] backup #7 PARTIAL |r");
  });
});
