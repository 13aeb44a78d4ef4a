import { callInternal, startRunContract } from "@opsconductor/kit";
import { outboxEvents } from "@opsconductor/kit/testing";
import { randomUUID } from "node:crypto";
import { getRun, runJob, startHarness, step, waitForRun, type Harness } from "./harness";

/** A job with two steps and a parameter on 20 real sshd targets; results per target and step. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ sshdCount: 20, env: { LOCAL_TARGET_EXECUTION: "enabled" } });
  await h.startWorkers();
}, 120_000);
afterAll(() => h?.stop(), 60_000);

const greeting = { name: "greeting", type: "STRING" as const, required: true, defaultValue: null, choices: [], pattern: null, min: null, max: null };

describe("running a job on 20 sshd targets", () => {
  it("runs both steps on every target with the parameter and built-ins substituted, and records per-step results", async () => {
    const targets = Array.from({ length: 20 }, () => h.addTarget({}));
    const jobId = h.defineJob({
      steps: [step("hello", "echo {{greeting}} from {{target.name}} run {{run.number}}"), step("fail-free", "printf 'address=%s\\n' {{target.address}}; echo err >&2")],
      parameters: [greeting],
      options: { maxParallel: 8 },
    });
    const started = await runJob(h, jobId, [{ name: "greeting", value: "it's a 'quoted' $HOME" }], targets.map((t) => t.id));
    expect(started.number).toBe(1);
    expect(started.counts.total).toBe(20);
    const run = await waitForRun(h, started.id);
    expect(run.status).toBe("SUCCEEDED");
    expect(run.counts).toMatchObject({ total: 20, succeeded: 20, failed: 0, running: 0, queued: 0, pending: 0 });
    for (const target of run.targets) {
      expect(target.status).toBe("SUCCEEDED");
      expect(target.attempt).toBe(1);
      expect(target.steps.map((s) => [s.stepIndex, s.status, s.exitCode])).toEqual([
        [0, "SUCCEEDED", 0],
        [1, "SUCCEEDED", 0],
      ]);
      expect(target.steps[0].stdout).toBe(`it's a 'quoted' $HOME from ${target.targetName} run 1\n`);
      expect(target.steps[1].stdout).toBe("address=127.0.0.1\n");
      expect(target.steps[1].stderr).toBe("err\n");
      expect(target.steps[0].durationMs).toEqual(expect.any(Number));
    }
    const second = await runJob(h, jobId, [{ name: "greeting", value: "again" }], [targets[0].id]);
    expect(second.number).toBe(2);
    await waitForRun(h, second.id);
    const events = await outboxEvents(h.subgraph.prisma, { subjectId: started.id });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["executions.run.started", "executions.target.finished", "executions.run.finished"]));
    expect(events.filter((e) => e.type === "executions.target.finished")).toHaveLength(20);
  }, 120_000);

  it("finishes targets that end at once without the run's lock, and still finalizes the run exactly once", async () => {
    // Every target in flight (maxParallel = targets, no retries): each end is a lock-free transition and
    // the run is finalized after the commits, by whichever finish sees the last of them.
    const targets = Array.from({ length: 20 }, (_, i) => h.addTarget({ name: `${i % 4 === 0 ? "bad" : "good"}-${i}-${Math.random().toString(36).slice(2, 6)}` }));
    const jobId = h.defineJob({
      steps: [step("check", "case {{target.name}} in bad-*) echo failing; exit 3;; esac; echo fine")],
      options: { maxParallel: 20, retries: 0 },
    });
    const started = await runJob(h, jobId, [], targets.map((t) => t.id));
    const run = await waitForRun(h, started.id);
    expect(run.status).toBe("PARTIAL");
    expect(run.counts).toMatchObject({ total: 20, succeeded: 15, failed: 5, running: 0, queued: 0, pending: 0 });
    for (const target of run.targets) expect([target.targetName.startsWith("bad-") ? "FAILED" : "SUCCEEDED", target.steps[0].exitCode]).toEqual([target.status, target.targetName.startsWith("bad-") ? 3 : 0]);
    const events = await outboxEvents(h.subgraph.prisma, { subjectId: started.id });
    expect(events.filter((e) => e.type === "executions.target.finished")).toHaveLength(20);
    expect(events.filter((e) => e.type === "executions.run.finished")).toHaveLength(1);
  }, 120_000);

  it("refuses bad parameters naming the parameter, and writes nothing", async () => {
    const target = h.addTarget({});
    const jobId = h.defineJob({
      steps: [step("s", "true")],
      parameters: [greeting, { name: "count", type: "INT", required: false, defaultValue: "3", choices: [], pattern: null, min: 1, max: 5 }],
    });
    const call = (parameters: Array<{ name: string; value: string }>) =>
      h.gql(`mutation($jobId: ID!, $p: [ParameterValueInput!], $t: [ID!]) { runJob(jobId: $jobId, parameters: $p, targetIds: $t) { id } }`, { jobId, p: parameters, t: [target.id] }, { token: h.token });
    const missing = await call([]);
    expect(missing.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "parameters.greeting" });
    const tooBig = await call([{ name: "greeting", value: "x" }, { name: "count", value: "9" }]);
    expect(tooBig.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "parameters.count" });
    const unknown = await call([{ name: "greeting", value: "x" }, { name: "nope", value: "1" }]);
    expect(unknown.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "parameters.nope" });
    expect(await h.subgraph.prisma.run.count({ where: { jobId } })).toBe(0);
    const forbidden = await h.gql(`mutation($jobId: ID!) { runJob(jobId: $jobId) { id } }`, { jobId }, { token: h.signer.sign({ id: "00000000-0000-4000-8000-000000000099", permissions: ["jobs:read"] }) });
    expect(forbidden.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });

  it("runs the job's own tag selection when no targetIds are given", async () => {
    const tag = `tag-${Date.now()}`;
    const tagged = [h.addTarget({ tags: [tag] }), h.addTarget({ tags: [tag] })];
    const jobId = h.defineJob({ steps: [step("s", "echo ok")], targets: { targetIds: [], tags: [tag], groupId: null } });
    const run = await waitForRun(h, (await runJob(h, jobId)).id);
    expect(run.targets.map((t) => t.targetId).sort()).toEqual(tagged.map((t) => t.id).sort());
    expect(run.status).toBe("SUCCEEDED");
    expect((await getRun(h, run.id)).counts.succeeded).toBe(2);
  }, 60_000);

  it("starts a run for the scheduler through POST /internal/runs, once per idempotency key", async () => {
    const tag = `sched-${Date.now()}`;
    h.addTarget({ tags: [tag] });
    const jobId = h.defineJob({ steps: [step("s", "echo scheduled")], targets: { targetIds: [], tags: [tag], groupId: null } });
    const base = `http://127.0.0.1:${h.subgraph.port}`;
    const scheduleId = randomUUID();
    const body = { jobId, parameters: {}, trigger: "SCHEDULE" as const, scheduleId, triggeredById: null, idempotencyKey: `${scheduleId}:tick-1` };
    const [a, b] = await Promise.all([
      callInternal(base, startRunContract, { serviceToken: h.env.SERVICE_TOKEN, body }),
      callInternal(base, startRunContract, { serviceToken: h.env.SERVICE_TOKEN, body }),
    ]);
    expect(a).toEqual(b);
    const run = await waitForRun(h, a.runId);
    expect(run.status).toBe("SUCCEEDED");
    const stored = await h.subgraph.prisma.run.findUniqueOrThrow({ where: { id: a.runId } });
    expect(stored).toMatchObject({ trigger: "SCHEDULE", scheduleId });
    expect(await h.subgraph.prisma.run.count({ where: { jobId } })).toBe(1);
    await expect(callInternal(base, startRunContract, { serviceToken: h.env.SERVICE_TOKEN, body: { ...body, idempotencyKey: "k2", jobId: randomUUID() } })).rejects.toMatchObject({
      status: 404,
    });
    await expect(callInternal(base, startRunContract, { serviceToken: "x".repeat(40), body })).rejects.toMatchObject({ status: 401 });
  }, 60_000);

  it("runs the built-in localhost target (no connection method) with the LOCAL executor, scripts on stdin", async () => {
    const id = randomUUID();
    const local = h.addTarget({
      id,
      name: "localhost",
      bundle: { target: { id, name: "localhost", address: "localhost", serialNumber: "TGT-000001" }, method: null, credential: null },
    });
    const jobId = h.defineJob({
      steps: [step("cmd", "echo on {{target.address}} attempt $OPSC_ATTEMPT"), step("py", "import sys\nprint('py', sys.version_info[0])\n", { type: "SCRIPT", interpreter: "python3" })],
    });
    const run = await waitForRun(h, (await runJob(h, jobId, [], [local.id])).id);
    expect(run.status).toBe("SUCCEEDED");
    expect(run.targets[0].steps.map((s) => s.stdout)).toEqual(["on localhost attempt 1\n", "py 3\n"]);
  }, 30_000);
});
