import { eventually, outboxEvents } from "@opsconductor/kit/testing";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { getRun, runJob, startHarness, step, waitForRun, type Harness } from "./harness";

/** Cancel, timeouts, retries with back-off, stop on first failure and rerun of failed targets. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ sshdCount: 3 });
  await h.startWorkers();
}, 120_000);
afterAll(() => h?.stop(), 60_000);

/** Processes on this machine (where the sshd targets run) whose command line contains marker. */
const remoteProcesses = (marker: string): string[] => {
  try {
    return execFileSync("pgrep", ["-f", marker], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
  } catch {
    return [];
  }
};

describe("cancel", () => {
  it("kills the remote process during `sleep 30` and ends the run CANCELLED", async () => {
    // A sleep of a unique length, so pgrep finds exactly this step's processes on the target side.
    const marker = `sleep 30.${Math.floor(Math.random() * 1e6)}`;
    const targets = [h.addTarget({}), h.addTarget({})];
    const jobId = h.defineJob({ steps: [step("sleep", `echo started; ${marker}; echo after`), step("never", "echo should-not-run")] });
    const run = await runJob(h, jobId, [], targets.map((t) => t.id));
    await eventually(async () => remoteProcesses(`^${marker}$`).length === 2, 15_000);
    const cancelled = await h.gql<{ cancelRun: { status: string; cancelRequestedAt: string } }>(
      "mutation($id: ID!) { cancelRun(id: $id) { status cancelRequestedAt } }",
      { id: run.id },
      { token: h.token },
    );
    expect(cancelled.errors).toBeUndefined();
    expect(cancelled.data?.cancelRun.cancelRequestedAt).not.toBeNull();
    const cancelledAt = Date.now();
    const finished = await waitForRun(h, run.id, 10_000);
    const tookMs = Date.now() - cancelledAt;
    expect(finished.status).toBe("CANCELLED");
    expect(tookMs).toBeLessThan(5_000);
    expect(remoteProcesses(marker)).toEqual([]);
    for (const target of finished.targets) {
      expect(target.status).toBe("CANCELLED");
      expect(target.steps.map((s) => s.status)).toEqual(["CANCELLED"]);
      expect(target.steps[0].stdout).toBe("started\n");
    }
    const again = await h.gql("mutation($id: ID!) { cancelRun(id: $id) { id } }", { id: run.id }, { token: h.token });
    expect(again.errors?.[0].extensions?.code).toBe("CONFLICT");
    const events = await outboxEvents(h.subgraph.prisma, { subjectId: run.id });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["executions.run.cancelled", "executions.run.finished"]));
  }, 60_000);

  it("cancels targets still waiting for a slot without running them", async () => {
    const targets = [h.addTarget({}), h.addTarget({}), h.addTarget({})];
    const jobId = h.defineJob({ steps: [step("sleep", "sleep 20")], options: { maxParallel: 1 } });
    const run = await runJob(h, jobId, [], targets.map((t) => t.id));
    // One target handed out (maxParallel 1); a worker may already have claimed it by the time counts are read.
    expect(run.counts).toMatchObject({ pending: 2 });
    expect(run.counts.queued + run.counts.running).toBe(1);
    await eventually(async () => (await getRun(h, run.id)).counts.running === 1, 15_000);
    await h.gql("mutation($id: ID!) { cancelRun(id: $id) { id } }", { id: run.id }, { token: h.token });
    const finished = await waitForRun(h, run.id, 10_000);
    expect(finished.status).toBe("CANCELLED");
    expect(finished.targets.filter((t) => t.attempt === 0 && t.steps.length === 0)).toHaveLength(2);
  }, 60_000);
});

describe("timeouts", () => {
  it("ends a step over its timeout TIMED_OUT and kills it on the target", async () => {
    const marker = `sleep 30.${Math.floor(Math.random() * 1e6)}`;
    const target = h.addTarget({});
    const jobId = h.defineJob({ steps: [step("slow", `${marker}; true`, { timeoutSeconds: 1 })] });
    const run = await waitForRun(h, (await runJob(h, jobId, [], [target.id])).id, 20_000);
    expect(run.status).toBe("TIMED_OUT");
    expect(run.targets[0]).toMatchObject({ status: "TIMED_OUT", error: 'step "slow" timed out' });
    expect(run.targets[0].steps[0]).toMatchObject({ status: "TIMED_OUT", error: "timed out after 1 s" });
    expect(remoteProcesses(marker)).toEqual([]);
  }, 30_000);

  it("ends a target over the job's per-target timeout TIMED_OUT", async () => {
    const target = h.addTarget({});
    const jobId = h.defineJob({ steps: [step("one", "true"), step("two", "sleep 30")], options: { targetTimeoutSeconds: 3 } });
    const started = await runJob(h, jobId, [], [target.id]);
    const run = await waitForRun(h, started.id, 20_000).catch(async (error) => {
      throw new Error(`${(error as Error).message}: ${JSON.stringify(await getRun(h, started.id))}`);
    });
    expect(run.status).toBe("TIMED_OUT");
    expect(run.targets[0].status).toBe("TIMED_OUT");
    // Step one finishes; the limit ends whatever runs when it strikes (step two, or on a slow machine
    // the start of it), and nothing is left running.
    const statuses = run.targets[0].steps.map((s) => s.status);
    expect(statuses[0]).toBe("SUCCEEDED");
    expect(statuses.slice(1).every((status) => status === "TIMED_OUT")).toBe(true);
  }, 30_000);
});

describe("retries, stop on first failure and rerun of failed targets", () => {
  it("retries a failing target with exponential back-off and records each attempt", async () => {
    const target = h.addTarget({});
    const flag = `/tmp/opsc-retry-${randomUUID()}`;
    // Fails on the first two attempts, succeeds on the third.
    const jobId = h.defineJob({
      steps: [step("flaky", `n=$(cat ${flag} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${flag}; echo attempt $OPSC_ATTEMPT; [ $n -ge 3 ]`)],
      options: { retries: 3, retryBackoffSeconds: 1 },
    });
    const run = await waitForRun(h, (await runJob(h, jobId, [], [target.id])).id, 30_000);
    expect(run.status).toBe("SUCCEEDED");
    expect(run.targets[0].attempt).toBe(3);
    const all = await h.gql<{ run: { targets: Array<{ steps: Array<{ attempt: number; status: string; stdout: string; startedAt: string; finishedAt: string }> }> } }>(
      "query($id: ID!) { run(id: $id) { targets { steps(allAttempts: true) { attempt status stdout startedAt finishedAt } } } }",
      { id: run.id },
      { token: h.token },
    );
    const steps = all.data!.run.targets[0].steps;
    expect(steps.map((s) => [s.attempt, s.status, s.stdout])).toEqual([
      [1, "FAILED", "attempt 1\n"],
      [2, "FAILED", "attempt 2\n"],
      [3, "SUCCEEDED", "attempt 3\n"],
    ]);
    // Back-off: 1 s before attempt 2, 2 s before attempt 3 (exponential).
    const gap = (a: number, b: number) => Date.parse(steps[b].startedAt) - Date.parse(steps[a].finishedAt);
    expect(gap(0, 1)).toBeGreaterThanOrEqual(900);
    expect(gap(1, 2)).toBeGreaterThanOrEqual(1_900);
  }, 60_000);

  it("skips the targets not yet started after a failure when stopOnFirstFailure is set", async () => {
    const targets = [h.addTarget({}), h.addTarget({}), h.addTarget({})];
    const jobId = h.defineJob({ steps: [step("fail", "exit 3")], options: { maxParallel: 1, stopOnFirstFailure: true } });
    const run = await waitForRun(h, (await runJob(h, jobId, [], targets.map((t) => t.id))).id, 20_000);
    expect(run.status).toBe("FAILED");
    expect(run.targets.map((t) => t.status)).toEqual(["FAILED", "SKIPPED", "SKIPPED"]);
    expect(run.targets[0].exitCode).toBe(3);
  }, 30_000);

  it("reruns only the failed targets of a finished run, as a new run of the same version", async () => {
    const targets = [h.addTarget({}), h.addTarget({}), h.addTarget({})];
    const failing = targets[1];
    const jobId = h.defineJob({ steps: [step("maybe", `[ {{target.name}} != '${failing.name}' ] && echo done-{{target.name}}`)] });
    const first = await waitForRun(h, (await runJob(h, jobId, [], targets.map((t) => t.id))).id, 20_000);
    expect(first.status).toBe("PARTIAL");
    h.defineJob({ steps: [step("changed", "exit 9")] }, jobId);
    const rerun = await h.gql<{ rerunFailed: { id: string; number: number } }>("mutation($id: ID!) { rerunFailed(runId: $id) { id number } }", { id: first.id }, { token: h.token });
    expect(rerun.errors).toBeUndefined();
    const second = await waitForRun(h, rerun.data!.rerunFailed.id, 20_000);
    expect(second.number).toBe(2);
    expect(second.targets.map((t) => t.targetId)).toEqual([failing.id]);
    // The same version ran (version 1's step), so the failing target fails the same way.
    expect(second.targets[0].steps[0].stepName).toBe("maybe");
    expect(second.status).toBe("FAILED");
    const passing = h.defineJob({ steps: [step("ok", "true")] });
    const clean = await waitForRun(h, (await runJob(h, passing, [], [targets[0].id])).id);
    const none = await h.gql("mutation($id: ID!) { rerunFailed(runId: $id) { id } }", { id: clean.id }, { token: h.token });
    expect(none.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  }, 60_000);
});

describe("the built-in localhost target", () => {
  it("is refused unless LOCAL_TARGET_EXECUTION=enabled: nothing runs on the platform's host and the error says how to enable it", async () => {
    const id = randomUUID();
    const local = h.addTarget({
      id,
      name: "localhost",
      bundle: { target: { id, name: "localhost", address: "localhost", serialNumber: "TGT-000009" }, method: null, credential: null },
    });
    const marker = `/tmp/opsc-local-${randomUUID()}`;
    const jobId = h.defineJob({ steps: [step("touch", `touch ${marker}`)] });
    const run = await waitForRun(h, (await runJob(h, jobId, [], [local.id])).id);
    expect(run.status).toBe("FAILED");
    expect(run.targets[0].error).toMatch(/built-in localhost target is disabled.*LOCAL_TARGET_EXECUTION=enabled/);
    expect(run.targets[0].steps).toEqual([]);
    expect(existsSync(marker)).toBe(false);
  }, 30_000);
});
