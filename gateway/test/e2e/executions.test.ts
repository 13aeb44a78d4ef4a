import { jobSnapshotContract, type JobSnapshot } from "@opsconductor/kit";
import { internalFailure, route } from "@opsconductor/kit/subgraph";
import { eventually, fakeInternalService, startSshd, withFreshPort, type SshdFixture } from "@opsconductor/kit/testing";
import { randomUUID } from "node:crypto";
import { gql, loginAsAdmin, restartService, stack, unique } from "./stack";

/**
 * Runs through the gateway on real sshd targets. The jobs service is not part of this branch yet, so
 * its internal snapshot route is stood in for by a fake built from jobSnapshotContract (the same
 * contract the real one serves), and the stack's executions service is restarted pointing at it.
 */

let sshd: SshdFixture;
let token: string;
let jobsFake: Awaited<ReturnType<typeof fakeInternalService>>;
const jobs = new Map<string, JobSnapshot>();

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

beforeAll(async () => {
  sshd = await startSshd({ count: 20 });
  token = (await loginAsAdmin()).accessToken;
  jobsFake = await fakeInternalService({
    serviceToken: stack().secrets.SERVICE_TOKEN,
    routes: [
      route(jobSnapshotContract, async ({ params }) => {
        const job = jobs.get(params.id);
        if (!job) throw internalFailure(404, "job not found", "id");
        return job;
      }),
    ],
  });
  await restartService("executions", { JOBS_URL: jobsFake.url });
}, 120_000);

afterAll(async () => {
  await sshd?.stop();
  await jobsFake?.close();
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
    const jobId = randomUUID();
    jobs.set(jobId, {
      jobId,
      name: unique("e2e-job"),
      version: 1,
      steps: [
        { id: randomUUID(), name: "greet", type: "COMMAND", content: "echo {{greeting}} {{target.name}}", interpreter: null, timeoutSeconds: 30, continueOnError: false },
        { id: randomUUID(), name: "script", type: "SCRIPT", content: "echo run {{run.number}}\nexit 0\n", interpreter: "bash", timeoutSeconds: 30, continueOnError: false },
      ],
      parameters: [{ name: "greeting", type: "STRING", required: true, defaultValue: null, choices: [], pattern: null, min: null, max: null }],
      targets: { targetIds, tags: [], groupId: null },
      options: { maxParallel: 20, targetTimeoutSeconds: 120, retries: 0, retryBackoffSeconds: 0, stopOnFirstFailure: false },
    });

    const started = await call<{ runJob: RunView }>(`mutation($jobId: ID!, $p: [ParameterValueInput!]) { runJob(jobId: $jobId, parameters: $p) { ${RUN} } }`, {
      jobId,
      p: [{ name: "greeting", value: "hello" }],
    });
    expect(started.runJob).toMatchObject({ number: 1, counts: { total: 20 }, job: { id: jobId }, triggeredBy: { username: "admin" } });
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
        ["script", "SUCCEEDED", 0, "run 1\n"],
      ]);
    }
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

  it("refuses an anonymous caller and names the bad parameter", async () => {
    const anonymous = await gql("query { runs { total } }");
    expect(anonymous.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    const jobId = [...jobs.keys()][0];
    const bad = await gql(`mutation($jobId: ID!) { runJob(jobId: $jobId) { id } }`, { jobId }, token);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "parameters.greeting" });
  });
});
