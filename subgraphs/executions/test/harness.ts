import {
  jobSnapshotContract,
  resolveTargetSelectionContract,
  targetConnectionBundleContract,
  targetConnectionBundlesContract,
  type JobSnapshot,
  type Logger,
  type TargetConnectionBundle,
} from "@opsconductor/kit";
import { internalFailure, route, runWorkers, type RunningOf } from "@opsconductor/kit/subgraph";
import { createTestSigner, eventually, fakeInternalService, startSshd, startTestSubgraph, subgraphClient, type SshdFixture, type SubgraphClient } from "@opsconductor/kit/testing";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import executionsSubgraph from "../src/subgraph";

/**
 * The executions subgraph in-process, its workers, real sshd targets, and stand-ins for the jobs and
 * targets services built from their contracts (requests and replies validated as the real ones are).
 */

export const TEST_SECRETS_KEY = createHash("sha256").update("opsconductor executions test key").digest("hex");

export interface FakeTarget {
  id: string;
  name: string;
  address: string;
  tags: string[];
  bundle: TargetConnectionBundle;
}

export interface Harness {
  subgraph: RunningOf<typeof executionsSubgraph>;
  gql: SubgraphClient;
  sshd: SshdFixture;
  targets: FakeTarget[];
  jobs: Map<string, JobSnapshot[]>;
  /** A token with jobs:read/write/execute. */
  token: string;
  signer: ReturnType<typeof createTestSigner>;
  env: Record<string, string>;
  /** Adds a job (version 1, or the next version of an existing one) and returns its id. */
  defineJob(job: Partial<Omit<JobSnapshot, "options">> & { steps: JobSnapshot["steps"]; options?: Partial<JobSnapshot["options"]> }, jobId?: string): string;
  addTarget(target: Partial<FakeTarget> & { bundle?: TargetConnectionBundle }): FakeTarget;
  startWorkers(): Promise<{ stop(): Promise<void> }>;
  /** A worker in a process of its own (`subgraph work`), for crash tests. */
  spawnWorker(extraEnv?: Record<string, string>): ChildProcess;
  /** SIGKILLs every worker process spawned so far (a test that needs to know which worker runs what). */
  killSpawnedWorkers(): Promise<void>;
  stop(): Promise<void>;
}

export const step = (name: string, content: string, extra: Partial<JobSnapshot["steps"][number]> = {}): JobSnapshot["steps"][number] => ({
  id: randomUUID(),
  name,
  type: "COMMAND",
  content,
  interpreter: null,
  timeoutSeconds: 60,
  continueOnError: false,
  ...extra,
});

export const ROOT = path.resolve(__dirname, "../../..");

export async function startHarness(options: { sshdCount?: number; env?: Record<string, string>; logger?: Logger } = {}): Promise<Harness> {
  const sshd = await startSshd({ count: options.sshdCount ?? 1 });
  const serviceToken = randomBytes(24).toString("hex");
  const jobs = new Map<string, JobSnapshot[]>();
  const targets: FakeTarget[] = [];

  const jobsFake = await fakeInternalService({
    serviceToken,
    routes: [
      route(jobSnapshotContract, async ({ params }) => {
        const versions = jobs.get(params.id);
        const found = params.version === "latest" ? versions?.at(-1) : versions?.find((v) => v.version === Number(params.version));
        if (!found) throw internalFailure(404, `job ${params.id} not found`, "id");
        return found;
      }),
    ],
  });
  const targetsFake = await fakeInternalService({
    serviceToken,
    routes: [
      route(resolveTargetSelectionContract, async ({ body }) => {
        const byId = new Set(body.targetIds);
        const found = targets.filter((t) => byId.has(t.id) || (body.tags.length > 0 && body.tags.every((tag) => t.tags.includes(tag))));
        return { targets: found.map(({ id, name, address }) => ({ id, name, address })), missingIds: body.targetIds.filter((id) => !targets.some((t) => t.id === id)) };
      }),
      route(targetConnectionBundleContract, async ({ params }) => {
        const target = targets.find((t) => t.id === params.id);
        if (!target) throw internalFailure(404, "not found", "id");
        return target.bundle;
      }),
      route(targetConnectionBundlesContract, async ({ body }) => {
        const found = targets.filter((t) => body.ids.includes(t.id));
        const missing = body.ids.filter((id) => !found.some((t) => t.id === id));
        return { bundles: found.map((t) => t.bundle), failures: missing.map((id) => ({ id, status: 404, message: `target ${id} not found` })) };
      }),
    ],
  });

  const signer = createTestSigner();
  const env: Record<string, string> = {
    SERVICE_TOKEN: serviceToken,
    JOBS_URL: jobsFake.url,
    TARGETS_URL: targetsFake.url,
    EXECUTIONS_SECRETS_KEY: TEST_SECRETS_KEY,
    HEARTBEAT_SECONDS: "1",
    STALE_AFTER_SECONDS: "6",
    REAPER_INTERVAL_SECONDS: "1",
    WORKER_LOCK_MS: "3000",
    WORKER_STALLED_INTERVAL_MS: "1000",
    ...options.env,
  };
  const subgraph = await startTestSubgraph(executionsSubgraph, { keys: signer.keys, env, logger: options.logger });
  const fullEnv = Object.fromEntries(Object.entries(subgraph.env).filter(([, value]) => value !== undefined).map(([key, value]) => [key, Array.isArray(value) ? value.join(",") : String(value)]));
  const children: ChildProcess[] = [];
  const workers: Array<{ stop(): Promise<void> }> = [];

  const addTarget: Harness["addTarget"] = (partial) => {
    const index = targets.length % sshd.servers.length;
    const id = partial.id ?? randomUUID();
    const name = partial.name ?? `t-${targets.length}-${id.slice(0, 6)}`;
    const server = sshd.servers[index];
    const bundle: TargetConnectionBundle = partial.bundle ?? {
      target: { id, name, address: server.host, serialNumber: `TGT-${String(targets.length + 1).padStart(6, "0")}` },
      method: { id: randomUUID(), type: "SSH", port: server.port, username: sshd.user, settings: {}, hostKeyFingerprint: server.hostKeyFingerprint },
      credential: { id: randomUUID(), type: "PASSWORD", username: sshd.user, secret: { password: sshd.password }, settings: {} },
    };
    const target: FakeTarget = { id, name, address: bundle.target.address, tags: partial.tags ?? [], bundle };
    targets.push(target);
    return target;
  };

  return {
    subgraph,
    gql: subgraphClient(subgraph),
    sshd,
    targets,
    jobs,
    signer,
    env: fullEnv,
    token: signer.sign({ id: randomUUID(), username: "operator", permissions: ["jobs:read", "jobs:write", "jobs:execute", "targets:read"] }),
    defineJob(job, jobId = randomUUID()) {
      const versions = jobs.get(jobId) ?? [];
      versions.push({
        jobId,
        name: job.name ?? `job-${jobId.slice(0, 8)}`,
        version: versions.length + 1,
        steps: job.steps,
        parameters: job.parameters ?? [],
        targets: job.targets ?? { targetIds: [], tags: [], groupId: null },
        options: { maxParallel: 50, targetTimeoutSeconds: 600, retries: 0, retryBackoffSeconds: 0, stopOnFirstFailure: false, ...job.options },
      });
      jobs.set(jobId, versions);
      return jobId;
    },
    addTarget,
    async startWorkers() {
      const running = await runWorkers(executionsSubgraph, subgraph.env, { handleSignals: false, logger: subgraph.logger });
      workers.push(running);
      return running;
    },
    spawnWorker(extraEnv = {}) {
      const child = spawn(process.execPath, [path.join(ROOT, "packages/kit/dist/bin/subgraph.js"), "work", path.join(ROOT, "subgraphs/executions")], {
        env: { PATH: process.env.PATH, ...fullEnv, LOG_LEVEL: "warn", ...extraEnv },
        stdio: ["ignore", process.env.OPSC_DEBUG_WORKER ? "inherit" : "ignore", "inherit"],
      });
      children.push(child);
      return child;
    },
    async killSpawnedWorkers() {
      const alive = children.filter((child) => child.exitCode === null && child.signalCode === null);
      await Promise.all(alive.map((child) => new Promise((resolve) => (child.once("exit", resolve), child.kill("SIGKILL")))));
    },
    async stop() {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      for (const worker of workers) await worker.stop();
      await subgraph.stop();
      await jobsFake.close();
      await targetsFake.close();
      await sshd.stop();
    },
  };
}

export const RUN_FIELDS = `id number status jobName jobVersion trigger startedAt finishedAt cancelRequestedAt
  counts { total pending queued running succeeded failed cancelled timedOut skipped }
  parameters { name value }
  targets { id targetId targetName status attempt exitCode error
    steps { stepIndex stepName attempt status exitCode stdout stderr stdoutTruncated stderrTruncated durationMs error } }`;

export interface RunView {
  id: string;
  number: number;
  status: string;
  counts: Record<string, number>;
  parameters: Array<{ name: string; value: string }>;
  cancelRequestedAt: string | null;
  targets: Array<{
    id: string;
    targetId: string;
    targetName: string;
    status: string;
    attempt: number;
    exitCode: number | null;
    error: string | null;
    steps: Array<{ stepIndex: number; stepName: string; attempt: number; status: string; exitCode: number | null; stdout: string; stderr: string; stdoutTruncated: boolean; durationMs: number | null; error: string | null }>;
  }>;
}

export async function runJob(h: Harness, jobId: string, parameters: Array<{ name: string; value: string }> = [], targetIds?: string[]): Promise<RunView> {
  const result = await h.gql<{ runJob: RunView }>(
    `mutation($jobId: ID!, $parameters: [ParameterValueInput!], $targetIds: [ID!]) { runJob(jobId: $jobId, parameters: $parameters, targetIds: $targetIds) { ${RUN_FIELDS} } }`,
    { jobId, parameters, targetIds },
    { token: h.token },
  );
  if (!result.data?.runJob) throw new Error(`runJob failed: ${JSON.stringify(result.errors)}`);
  return result.data.runJob;
}

export async function getRun(h: Harness, id: string): Promise<RunView> {
  const result = await h.gql<{ run: RunView }>(`query($id: ID!) { run(id: $id) { ${RUN_FIELDS} } }`, { id }, { token: h.token });
  if (!result.data?.run) throw new Error(`run failed: ${JSON.stringify(result.errors)}`);
  return result.data.run;
}

const FINAL = ["SUCCEEDED", "FAILED", "PARTIAL", "CANCELLED", "TIMED_OUT"];
export const waitForRun = (h: Harness, id: string, timeoutMs = 60_000) =>
  eventually(async () => {
    const run = await getRun(h, id);
    return FINAL.includes(run.status) ? run : undefined;
  }, timeoutMs, 200);
