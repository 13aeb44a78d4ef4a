import { callInternal, InternalCallError, jobSnapshotContract } from "@opsconductor/kit";
import { randomUUID } from "node:crypto";
import { createJob, startJobs, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startJobs();
});
afterAll(() => h.stop());

const snapshot = (id: string, version: string, serviceToken = h.subgraph.env.SERVICE_TOKEN) =>
  callInternal(h.subgraph.url, jobSnapshotContract, { params: { id, version }, serviceToken });

async function failure(call: Promise<unknown>): Promise<InternalCallError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof InternalCallError) return error;
    throw error;
  }
  throw new Error("the call succeeded");
}

describe("GET /internal/jobs/:id/versions/:version (jobSnapshotContract)", () => {
  it("answers only callers holding the service token", async () => {
    const job = await createJob(h);
    expect((await failure(snapshot(job.id, "latest", "not-the-token-".repeat(3)))).status).toBe(401);
    const response = await fetch(new URL(`/internal/jobs/${job.id}/versions/latest`, h.subgraph.url));
    expect([response.status, await response.json()]).toEqual([401, { error: { message: "service token required" } }]);
  });

  it("returns the latest or a given version in the contract's shape, SECRET without default", async () => {
    const job = await createJob(h, {
      steps: [{ content: "echo {{greeting}} {{pw}}" }, { type: "SCRIPT", content: "echo hi", interpreter: "SH", timeoutSeconds: 9 }],
      parameters: [{ name: "greeting", defaultValue: "hi", pattern: "[a-z]+" }, { name: "pw", type: "SECRET", required: true }],
      targets: { tags: ["web"] },
      options: { maxParallel: 7, stopOnFirstFailure: true },
    });
    await h.ok("mutation($id: ID!) { updateJob(id: $id, input: { steps: [{ content: \"echo v2\" }], parameters: [] }) { version } }", { id: job.id });
    const latest = await snapshot(job.id, "latest");
    expect(latest).toMatchObject({ jobId: job.id, name: job.name, version: 2, steps: [{ id: "step-1", content: "echo v2", type: "COMMAND", interpreter: null }], parameters: [] });
    const first = await snapshot(job.id, "1");
    expect(first).toEqual({
      jobId: job.id,
      name: job.name,
      version: 1,
      steps: [
        { id: "step-1", name: "Step 1", type: "COMMAND", content: "echo {{greeting}} {{pw}}", interpreter: null, timeoutSeconds: 300, continueOnError: false },
        { id: "step-2", name: "Step 2", type: "SCRIPT", content: "echo hi", interpreter: "sh", timeoutSeconds: 9, continueOnError: false },
      ],
      parameters: [
        { name: "greeting", type: "STRING", required: false, defaultValue: "hi", choices: [], pattern: "[a-z]+", min: null, max: null },
        { name: "pw", type: "SECRET", required: true, defaultValue: null, choices: [], pattern: null, min: null, max: null },
      ],
      targets: { targetIds: [], tags: ["web"], groupId: null },
      options: { maxParallel: 7, targetTimeoutSeconds: 3600, retries: 0, retryBackoffSeconds: 10, stopOnFirstFailure: true },
    });
  });

  it("is 404 for an unknown job, an unknown version or a deleted job, 400 for a malformed version", async () => {
    expect((await failure(snapshot(randomUUID(), "latest"))).status).toBe(404);
    const job = await createJob(h);
    const missing = await failure(snapshot(job.id, "5"));
    expect([missing.status, missing.failure?.field]).toEqual([404, "version"]);
    const bad = await fetch(new URL(`/internal/jobs/${job.id}/versions/0`, h.subgraph.url), { headers: { "x-service-token": h.subgraph.env.SERVICE_TOKEN } });
    expect([bad.status, await bad.text()]).toEqual([400, expect.stringContaining("version")]);
    await h.ok("mutation($id: ID!) { deleteJob(id: $id) }", { id: job.id });
    expect((await failure(snapshot(job.id, "1"))).status).toBe(404);
  });
});
