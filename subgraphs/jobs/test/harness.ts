import { resolveTargetSelectionContract, type Permission } from "@opsconductor/kit";
import { internalFailure, route, type RunningOf } from "@opsconductor/kit/subgraph";
import { createTestSigner, fakeInternalService, outboxEvents, startTestSubgraph, subgraphClient, type GraphQLResponse, type SubgraphClient } from "@opsconductor/kit/testing";
import { randomBytes, randomUUID } from "node:crypto";
import jobsSubgraph from "../src/subgraph";

/** In-process jobs subgraph on a free port against the migrated test database; its schedule worker off unless asked. */

export type JobsSubgraph = RunningOf<typeof jobsSubgraph>;

export interface Harness {
  subgraph: JobsSubgraph;
  graphql: SubgraphClient;
  signer: ReturnType<typeof createTestSigner>;
  /** Saved group ids the stand-in targets service knows (its resolve contract answers 404 for others). */
  groups: Set<string>;
  /** A token with these permissions (default: read, write and execute jobs). */
  token(permissions?: Permission[], id?: string): string;
  /** GraphQL as a user with every jobs permission; throws on errors. */
  ok<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

export const ALL: Permission[] = ["jobs:read", "jobs:write", "jobs:execute"];

export async function startJobs(env: Record<string, string> = {}, signer = createTestSigner()): Promise<Harness> {
  const serviceToken = env.SERVICE_TOKEN ?? randomBytes(24).toString("hex");
  // The targets service's resolve contract, as the jobs service asks it whether a saved group exists.
  const groups = new Set<string>();
  const targets = await fakeInternalService({
    serviceToken,
    routes: [
      route(resolveTargetSelectionContract, async ({ body }) => {
        if (body.groupId && !groups.has(body.groupId)) throw internalFailure(404, `saved group ${body.groupId} not found`, "groupId");
        return { targets: [], missingIds: body.targetIds };
      }),
    ],
  });
  const subgraph = await startTestSubgraph(jobsSubgraph, {
    keys: signer.keys,
    env: { JOBS_SCHEDULE_WORKER_ENABLED: "false", TARGETS_URL: targets.url, ...env, SERVICE_TOKEN: serviceToken },
  });
  const graphql = subgraphClient(subgraph);
  const token = (permissions: Permission[] = ALL, id = randomUUID()) => signer.sign({ id, username: "tester", permissions });
  return {
    subgraph,
    graphql,
    signer,
    groups,
    token,
    async ok<T>(query: string, variables: Record<string, unknown> = {}) {
      const result: GraphQLResponse<T> = await graphql<T>(query, variables, { token: token() });
      if (result.errors?.length || !result.data) throw new Error(`GraphQL failed: ${JSON.stringify(result.errors)}`);
      return result.data;
    },
    // startTestSubgraph's stop also deletes what the start left under its own Redis prefix (schedulers, delayed ticks).
    stop: async () => {
      await subgraph.stop();
      await targets.close();
    },
  };
}

export const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

export const JOB_FIELDS = `id name description isTemplate version clonedFromId createdAt updatedAt
  steps { id name type content interpreter timeoutSeconds continueOnError }
  parameters { name type description required defaultValue choices pattern min max }
  targets { targetIds tags groupId }
  options { maxParallel targetTimeoutSeconds retries retryBackoffSeconds stopOnFirstFailure }`;

export const CREATE_JOB = `mutation($input: CreateJobInput!) { createJob(input: $input) { ${JOB_FIELDS} } }`;

export interface JobData {
  id: string;
  name: string;
  version: number;
  isTemplate: boolean;
  clonedFromId: string | null;
  steps: Array<{ id: string; name: string; type: string; content: string; interpreter: string | null; timeoutSeconds: number; continueOnError: boolean }>;
  parameters: Array<{ name: string; type: string; defaultValue: string | null; required: boolean }>;
  targets: { targetIds: string[]; tags: string[]; groupId: string | null };
  options: { maxParallel: number; targetTimeoutSeconds: number; retries: number; retryBackoffSeconds: number; stopOnFirstFailure: boolean };
}

export async function createJob(harness: Harness, input: Record<string, unknown> = {}): Promise<JobData> {
  const data = await harness.ok<{ createJob: JobData }>(CREATE_JOB, {
    input: { name: unique("job"), steps: [{ content: "echo {{greeting}} on {{target.name}}" }], parameters: [{ name: "greeting", defaultValue: "hi" }], ...input },
  });
  return data.createJob;
}

export const eventsOf = (harness: Harness, filter: Parameters<typeof outboxEvents>[1]) => outboxEvents(harness.subgraph.prisma, filter);
