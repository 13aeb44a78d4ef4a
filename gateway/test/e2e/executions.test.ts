import { eventually, startSshd, withFreshPort, type SshdFixture } from "@opsconductor/kit/testing";
import { collect, liveClient, type LiveTestClient } from "../live-client";
import { gatewayUrl, gql, loginAsAdmin, unique } from "./stack";

/**
 * "Must show 1" of the execution engine, through the front door: a job with two steps and one
 * parameter is created in the jobs service, run by the executions service on 20 targets served by
 * real sshd processes on loopback, and followed live over graphql-ws through the gateway
 * (runUpdated: RUNNING → SUCCEEDED; runOutput: one target's output, in order).
 */

let sshd: SshdFixture;
let token: string;
let live: LiveTestClient | undefined;

async function call<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await gql<T>(query, variables, token);
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

async function sshTarget(index: number, credentialId: string): Promise<string> {
  const target = await withFreshPort((port) =>
    call<{ createTarget: { id: string } }>("mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }", {
      input: { name: unique(`exec-${index}`), address: "127.0.0.1", port },
    }),
  );
  await call("mutation($t: ID!, $input: ConnectionMethodInput!) { addConnectionMethod(targetId: $t, input: $input) { id } }", {
    t: target.createTarget.id,
    input: { type: "SSH", port: sshd.ports[index], credentialId },
  });
  return target.createTarget.id;
}

let jobId: string;

beforeAll(async () => {
  sshd = await startSshd({ count: 20 });
  token = (await loginAsAdmin()).accessToken;
}, 120_000);

afterAll(async () => {
  await live?.client.dispose();
  await sshd?.stop();
});

const RUN = `id number status jobName counts { total succeeded failed running }
  job { id }
  triggeredBy { username }
  targets { status attempt target { id name } steps { stepIndex stepName status exitCode stdout } }`;

interface RunView {
  id: string;
  number: number;
  status: string;
  counts: { total: number; succeeded: number; failed: number; running: number };
  job: { id: string };
  triggeredBy: { username: string } | null;
  targets: Array<{ status: string; attempt: number; target: { id: string; name: string } | null; steps: Array<{ stepIndex: number; stepName: string; status: string; exitCode: number; stdout: string }> }>;
}

describe("executions through the gateway", () => {
  it("runs a two-step job with a parameter on 20 sshd targets; results per target and step, with target names resolved by targets", async () => {
    const credentialId = (
      await call<{ createCredential: { id: string } }>("mutation($input: CreateCredentialInput!) { createCredential(input: $input) { id } }", {
        input: { name: unique("exec-cred"), type: "PASSWORD", username: sshd.user, password: sshd.password },
      })
    ).createCredential.id;
    const targetIds = await Promise.all(sshd.ports.map((_port, index) => sshTarget(index, credentialId)));
    const created = await call<{ createJob: { id: string; version: number } }>("mutation($input: CreateJobInput!) { createJob(input: $input) { id version } }", {
      input: {
        name: unique("e2e-job"),
        steps: [
          // The sleep lets the live client subscribe before any output is written.
          { name: "greet", type: "COMMAND", content: "sleep 2; echo {{greeting}} {{target.name}}", timeoutSeconds: 30 },
          { name: "script", type: "SCRIPT", content: "echo run {{run.number}}\nfor i in 1 2 3; do echo line $i; done\n", interpreter: "BASH", timeoutSeconds: 30 },
        ],
        parameters: [{ name: "greeting", type: "STRING", required: true }],
        targets: { targetIds },
        options: { maxParallel: 20, targetTimeoutSeconds: 120 },
      },
    });
    jobId = created.createJob.id;

    const started = await call<{ runJob: RunView }>(`mutation($jobId: ID!, $p: [ParameterValueInput!]) { runJob(jobId: $jobId, parameters: $p) { ${RUN} } }`, {
      jobId,
      p: [{ name: "greeting", value: "hello" }],
    });
    expect(started.runJob).toMatchObject({ number: 1, counts: { total: 20 }, job: { id: jobId }, triggeredBy: { username: "admin" } });
    const watched = targetIds[0];
    live = liveClient(gatewayUrl, token);
    const updates = collect(live.client, { query: "subscription($id: ID!) { runUpdated(runId: $id) { status counts { succeeded } targets { status target { name } } } }", variables: { id: started.runJob.id } });
    const outputStream = collect(live.client, {
      query: "subscription($id: ID!, $t: ID!) { runOutput(runId: $id, targetId: $t) { seq stepIndex stream data target { id } } }",
      variables: { id: started.runJob.id, t: watched },
    });

    const run = await eventually(
      async () => {
        const { run } = await call<{ run: RunView }>(`query($id: ID!) { run(id: $id) { ${RUN} } }`, { id: started.runJob.id });
        return ["SUCCEEDED", "FAILED", "PARTIAL", "CANCELLED", "TIMED_OUT"].includes(run.status) ? run : undefined;
      },
      90_000,
      250,
    );
    expect(run.status).toBe("SUCCEEDED");
    expect(run.counts).toMatchObject({ total: 20, succeeded: 20, failed: 0, running: 0 });
    expect(run.targets.map((t) => t.target?.id).sort()).toEqual([...targetIds].sort());
    for (const target of run.targets) {
      expect(target.steps.map((s) => [s.stepName, s.status, s.exitCode, s.stdout])).toEqual([
        ["greet", "SUCCEEDED", 0, `hello ${target.target?.name}\n`],
        ["script", "SUCCEEDED", 0, "run 1\nline 1\nline 2\nline 3\n"],
      ]);
    }
    // Live: the status updates arrive in lifecycle order and end at SUCCEEDED with the target names
    // resolved by the targets service; the watched target's output arrives whole and in order.
    const statuses = (await updates.until((result) => (result.data?.runUpdated as { status: string } | undefined)?.status === "SUCCEEDED")).map(
      (result) => (result.data!.runUpdated as { status: string }).status,
    );
    const order = ["QUEUED", "RUNNING", "SUCCEEDED"];
    expect(statuses).toContain("RUNNING");
    expect(statuses.map((status) => order.indexOf(status))).toEqual([...statuses.map((status) => order.indexOf(status))].sort((a, b) => a - b));
    const last = updates.results.at(-1)!.data!.runUpdated as { counts: { succeeded: number }; targets: Array<{ status: string; target: { name: string } }> };
    expect(last.counts.succeeded).toBe(20);
    expect(last.targets.every((t) => t.status === "SUCCEEDED" && t.target.name.startsWith("exec-"))).toBe(true);
    const watchedName = run.targets.find((t) => t.target?.id === watched)!.target!.name;
    const expectedOutput = `hello ${watchedName}\nrun 1\nline 1\nline 2\nline 3\n`;
    const chunks = await eventually(async () => {
      const got = outputStream.results.map((result) => result.data!.runOutput as { seq: number; data: string; target: { id: string } });
      return got.map((chunk) => chunk.data).join("") === expectedOutput ? got : undefined;
    }, 15_000, 50);
    expect(chunks.every((chunk) => chunk.target.id === watched)).toBe(true);
    expect(chunks.map((chunk) => chunk.seq)).toEqual([...chunks.map((chunk) => chunk.seq)].sort((a, b) => a - b));
    updates.unsubscribe();
    outputStream.unsubscribe();

    const listed = await call<{ runs: { total: number; items: Array<{ id: string }> } }>("query($jobId: ID!) { runs(filter: { jobId: $jobId }) { total items { id } } }", { jobId });
    expect(listed.runs).toEqual({ total: 1, items: [{ id: run.id }] });
    const output = await call<{ runOutputChunks: Array<{ id: string; data: string; target: { name: string } }> }>(
      "query($id: ID!) { runOutputChunks(runId: $id, limit: 1000) { id data target { name } } }",
      { id: run.id },
    );
    expect(output.runOutputChunks.length).toBeGreaterThanOrEqual(20);
    const chunk = await call<{ runOutputChunk: { id: string } }>("query($id: ID!) { runOutputChunk(id: $id) { id } }", { id: output.runOutputChunks[0].id });
    expect(chunk.runOutputChunk.id).toBe(output.runOutputChunks[0].id);
  }, 180_000);

  it("a schedule in the jobs service starts real runs in the executions service: trigger SCHEDULE, its parameters, maxRuns honoured", async () => {
    const credentialId = (
      await call<{ createCredential: { id: string } }>("mutation($input: CreateCredentialInput!) { createCredential(input: $input) { id } }", {
        input: { name: unique("sched-cred"), type: "PASSWORD", username: sshd.user, password: sshd.password },
      })
    ).createCredential.id;
    const targetIds = await Promise.all([0, 1].map((index) => sshTarget(index, credentialId)));
    const job = await call<{ createJob: { id: string } }>("mutation($input: CreateJobInput!) { createJob(input: $input) { id } }", {
      input: {
        name: unique("scheduled-job"),
        steps: [{ name: "say", type: "COMMAND", content: "echo {{word}} {{run.number}}", timeoutSeconds: 30 }],
        parameters: [{ name: "word", type: "STRING", required: true }],
        targets: { targetIds },
      },
    });
    const schedule = await call<{ createSchedule: { id: string } }>("mutation($input: ScheduleInput!) { createSchedule(input: $input) { id } }", {
      input: { jobId: job.createJob.id, kind: "INTERVAL", intervalSeconds: 2, maxRuns: 2, parameters: [{ name: "word", value: "tick" }] },
    });
    const RUNS = `query($jobId: ID!) { runs(filter: { jobId: $jobId }, sort: { field: NUMBER, direction: ASC }) { total items {
      id number status trigger scheduleId targets { status steps { stdout } } } } }`;
    type Listed = { runs: { total: number; items: Array<{ id: string; number: number; status: string; trigger: string; scheduleId: string; targets: Array<{ status: string; steps: Array<{ stdout: string }> }> }> } };
    const runs = await eventually(
      async () => {
        const listed = (await call<Listed>(RUNS, { jobId: job.createJob.id })).runs;
        return listed.total === 2 && listed.items.every((run) => run.status === "SUCCEEDED") ? listed.items : undefined;
      },
      60_000,
      500,
    );
    expect(runs.map((run) => [run.number, run.trigger, run.scheduleId])).toEqual([
      [1, "SCHEDULE", schedule.createSchedule.id],
      [2, "SCHEDULE", schedule.createSchedule.id],
    ]);
    for (const run of runs) expect(run.targets.map((t) => t.steps[0].stdout)).toEqual([`tick ${run.number}\n`, `tick ${run.number}\n`]);
    // maxRuns ends the schedule: no third run, and each occurrence names the run it started.
    const ended = await eventually(async () => {
      const { schedule: found } = await call<{ schedule: { runCount: number; finishedAt: string | null; occurrences: { items: Array<{ status: string; runId: string | null }> } } }>(
        "query($id: ID!) { schedule(id: $id) { runCount finishedAt occurrences { items { status runId } } } }",
        { id: schedule.createSchedule.id },
      );
      return found.finishedAt ? found : undefined;
    }, 30_000);
    expect(ended.runCount).toBe(2);
    expect(ended.occurrences.items.map((o) => o.runId).sort()).toEqual(runs.map((run) => run.id).sort());
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect((await call<Listed>(RUNS, { jobId: job.createJob.id })).runs.total).toBe(2);
  }, 120_000);

  it("runs the built-in localhost target (seeded, no connection method) on the platform's host with the LOCAL executor", async () => {
    const found = await call<{ targets: { items: Array<{ id: string; name: string; address: string; connectionMethods: unknown[] }> } }>(
      `query { targets(filter: { search: "localhost" }) { items { id name address connectionMethods { id } } } }`,
    );
    const local = found.targets.items.find((target) => target.address === "localhost");
    expect(local).toMatchObject({ name: "localhost", connectionMethods: [] });
    const job = await call<{ createJob: { id: string } }>("mutation($input: CreateJobInput!) { createJob(input: $input) { id } }", {
      input: { name: unique("local-job"), steps: [{ name: "where", type: "COMMAND", content: "echo on {{target.name}}; test -d /proc/$$ && echo here" }], targets: { targetIds: [local!.id] } },
    });
    const started = await call<{ runJob: { id: string } }>("mutation($id: ID!) { runJob(jobId: $id) { id } }", { id: job.createJob.id });
    const run = await eventually(async () => {
      const { run } = await call<{ run: RunView }>(`query($id: ID!) { run(id: $id) { ${RUN} } }`, { id: started.runJob.id });
      return ["SUCCEEDED", "FAILED"].includes(run.status) ? run : undefined;
    }, 30_000);
    expect(run.status).toBe("SUCCEEDED");
    expect(run.targets[0].steps[0].stdout).toBe("on localhost\nhere\n");
  }, 60_000);

  it("refuses an anonymous caller and names the bad parameter", async () => {
    const anonymous = await gql("query { runs { total } }");
    expect(anonymous.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    const bad = await gql(`mutation($jobId: ID!) { runJob(jobId: $jobId) { id } }`, { jobId }, token);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "parameters.greeting" });
  });
});
