import { eventually } from "@opsconductor/kit/testing";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { getRun, runJob, startHarness, step, waitForRun, type Harness } from "./harness";

/**
 * Crash safety with real worker processes (`subgraph work subgraphs/executions`, from dist/): a
 * worker SIGKILLed mid-run loses its attempts, which are recovered (BullMQ stall detection and the
 * reaper) without executing any attempt twice, and the run still finishes.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ sshdCount: 3 });
}, 120_000);
afterAll(() => h?.stop(), 60_000);

describe("a worker killed mid-run", () => {
  it("leaves no target RUNNING, executes no attempt twice, and the run still finishes", async () => {
    const log = `/tmp/opsc-crash-${randomUUID()}.log`;
    const targets = Array.from({ length: 6 }, () => h.addTarget({}));
    // Each execution appends "<target> <attempt>" on the target side before its long part.
    const jobId = h.defineJob({
      steps: [step("work", `echo {{target.name}} $OPSC_ATTEMPT >> ${log}; sleep 3; echo finished`)],
      options: { maxParallel: 6, retries: 2, retryBackoffSeconds: 0 },
    });
    const first = h.spawnWorker();
    const run = await runJob(h, jobId, [], targets.map((t) => t.id));
    await eventually(async () => (await getRun(h, run.id)).targets.filter((t) => t.steps.length > 0).length >= 3, 20_000);
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const midway = await getRun(h, run.id);
    expect(midway.counts.running).toBeGreaterThan(0);

    h.spawnWorker();
    const finished = await waitForRun(h, run.id, 60_000);
    expect(finished.status).toBe("SUCCEEDED");
    expect(finished.counts.running).toBe(0);
    expect(finished.targets.every((t) => t.status === "SUCCEEDED")).toBe(true);
    // At least one target lost its first attempt to the kill and succeeded on a later one.
    expect(finished.targets.some((t) => t.attempt > 1)).toBe(true);

    const executions = readFileSync(log, "utf8").trim().split("\n");
    rmSync(log, { force: true });
    expect(new Set(executions).size).toBe(executions.length);
    const rows = await h.subgraph.prisma.stepResult.findMany({ where: { runId: run.id } });
    expect(rows.filter((row) => row.status === "RUNNING")).toEqual([]);
    const lost = rows.filter((row) => row.status === "FAILED");
    expect(lost.length).toBeGreaterThan(0);
    for (const row of lost) expect(row.error).toMatch(/attempt lost/);
    // Each execution is one line on the target side and none ran twice (checked above). The kill can
    // land before an attempt's command reached the target, or after it started there but before its
    // step row was written: so every line is an attempt the target really had (at most its last), and
    // every target's last, successful attempt executed.
    const lastAttempt = new Map(finished.targets.map((t) => [t.targetName, t.attempt]));
    for (const line of executions) {
      const [name, attempt] = line.split(" ");
      expect(Number(attempt)).toBeGreaterThanOrEqual(1);
      expect(Number(attempt)).toBeLessThanOrEqual(lastAttempt.get(name) ?? 0);
    }
    for (const target of finished.targets) expect(executions).toContain(`${target.targetName} ${target.attempt}`);
  }, 120_000);
});

/** Processes on this host (the sshd fixture's targets run here) whose environment holds `marker`. */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, "latin1").split("\0").includes(marker)) found.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

describe("what a killed worker left running on its targets", () => {
  it("is killed when the attempt is recovered as lost (the whole process group, children included)", async () => {
    const targets = Array.from({ length: 2 }, () => h.addTarget({}));
    // A long step with a child of its own in the background: both must go.
    const jobId = h.defineJob({ steps: [step("long", "sleep 300 & sleep 300; echo never")], options: { maxParallel: 2, retries: 0 } });
    // Only the worker about to be killed may take these attempts.
    await h.killSpawnedWorkers();
    const worker = h.spawnWorker();
    const run = await runJob(h, jobId, [], targets.map((t) => t.id));
    const marker = `OPSC_RUN_ID=${run.id}`;
    // Both steps started on their targets (and their process groups were recorded).
    await eventually(async () => {
      const rows = await h.subgraph.prisma.stepResult.findMany({ where: { runId: run.id } });
      return rows.length === 2 && rows.every((row) => row.remotePgid !== null) && processesWith(marker).length >= 4;
    }, 30_000);
    worker.kill("SIGKILL");
    await new Promise((resolve) => worker.once("exit", resolve));
    // The dead worker's SSH connections are gone, but its steps go on running on the targets.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(processesWith(marker).length).toBeGreaterThanOrEqual(4);

    h.spawnWorker();
    const finished = await waitForRun(h, run.id, 60_000);
    expect(finished.status).toBe("FAILED");
    for (const target of finished.targets) expect(target.error).toMatch(/attempt lost/);
    await eventually(async () => processesWith(marker).length === 0, 30_000);
  }, 120_000);
});
