import { errorCodes } from "@opsconductor/kit/testing";
import { createUserAndLogin, gql, loginAsAdmin, unique } from "./stack";

const JOB = `id name version isTemplate clonedFromId createdBy { username }
  steps { id name type content interpreter } parameters { name type defaultValue required } options { maxParallel retries }`;
const CREATE = `mutation($input: CreateJobInput!) { createJob(input: $input) { ${JOB} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateJobInput!) { updateJob(id: $id, input: $input) { ${JOB} versions { total items { version steps { content } } } } }`;
const CLONE = `mutation($id: ID!, $name: String!) { cloneJob(id: $id, name: $name) { ${JOB} } }`;
const SCHEDULE = `mutation($input: ScheduleInput!) { createSchedule(input: $input) { id kind timezone job { name version } nextRuns(n: 3) { at skipped } } }`;

interface Job {
  id: string;
  name: string;
  version: number;
  isTemplate: boolean;
  clonedFromId: string | null;
  createdBy: { username: string } | null;
  steps: Array<{ content: string }>;
}

let adminToken: string;
beforeAll(async () => {
  adminToken = (await loginAsAdmin()).accessToken;
});

const countJobs = async (token: string) => {
  const result = await gql<{ jobs: { total: number } }>("query { jobs { total } }", {}, token);
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.jobs.total;
};

describe("jobs through the gateway", () => {
  it("creates, updates (a new version), clones and schedules a job; createdBy resolves from the users subgraph", async () => {
    const operator = await createUserAndLogin(adminToken, ["OPERATOR"]);
    const name = unique("deploy");
    const created = await gql<{ createJob: Job }>(
      CREATE,
      {
        input: {
          name,
          steps: [{ name: "Greet", content: "echo {{greeting}} from {{target.name}}" }, { type: "SCRIPT", interpreter: "SH", content: "uname -a" }],
          parameters: [{ name: "greeting", defaultValue: "hello" }],
          options: { maxParallel: 20 },
        },
      },
      operator.accessToken,
    );
    expect(created.errors).toBeUndefined();
    const job = created.data!.createJob;
    expect(job).toMatchObject({ name, version: 1, createdBy: { username: operator.username }, options: { maxParallel: 20, retries: 0 } });

    const updated = await gql<{ updateJob: Job & { versions: { total: number; items: Array<{ version: number; steps: Array<{ content: string }> }> } } }>(
      UPDATE,
      { id: job.id, input: { steps: [{ content: "echo {{greeting}} again" }], isTemplate: true } },
      operator.accessToken,
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateJob.version).toBe(2);
    expect(updated.data!.updateJob.versions.items.map((version) => [version.version, version.steps.length])).toEqual([
      [2, 1],
      [1, 2],
    ]);

    const templates = await gql<{ jobTemplates: { items: Array<{ name: string }> } }>("query { jobTemplates(pagination: { limit: 100 }) { items { name } } }", {}, operator.accessToken);
    expect(templates.data!.jobTemplates.items.map((item) => item.name)).toEqual(expect.arrayContaining([name, "Uptime and kernel"]));

    const cloneName = unique("deploy-copy");
    const cloned = await gql<{ cloneJob: Job }>(CLONE, { id: job.id, name: cloneName }, adminToken);
    expect(cloned.errors).toBeUndefined();
    expect(cloned.data!.cloneJob).toMatchObject({ name: cloneName, version: 1, isTemplate: false, clonedFromId: job.id, createdBy: { username: "admin" }, steps: [{ content: "echo {{greeting}} again" }] });

    const scheduled = await gql<{ createSchedule: { id: string; job: { name: string; version: number }; nextRuns: Array<{ at: string; skipped: boolean }> } }>(
      SCHEDULE,
      { input: { jobId: cloned.data!.cloneJob.id, kind: "CRON", cron: "0 9 * * *", timezone: "Europe/Berlin", startAt: "2027-03-27T00:00:00Z" } },
      operator.accessToken,
    );
    expect(scheduled.errors).toBeUndefined();
    expect(scheduled.data!.createSchedule.job).toEqual({ name: cloneName, version: 1 });
    expect(scheduled.data!.createSchedule.nextRuns.map((run) => run.at)).toEqual(["2027-03-27T08:00:00.000Z", "2027-03-28T07:00:00.000Z", "2027-03-29T07:00:00.000Z"]);

    const bad = await gql(CREATE, { input: { name: unique("bad"), steps: [{ content: "echo {{missing}}" }] } }, operator.accessToken);
    expect(errorCodes(bad)).toEqual(["BAD_USER_INPUT"]);
    expect(bad.errors?.[0]?.extensions?.field).toBe("input.steps.0.content");
  });

  it("lets a VIEWER read jobs but refuses every write, writing nothing", async () => {
    const viewer = await createUserAndLogin(adminToken, ["VIEWER"]);
    const existing = await gql<{ createJob: Job }>(CREATE, { input: { name: unique("viewer-target"), steps: [{ content: "true" }] } }, adminToken);
    const jobId = existing.data!.createJob.id;
    const before = await countJobs(adminToken);

    const read = await gql<{ job: { name: string } }>("query($id: ID!) { job(id: $id) { name versions { total } } }", { id: jobId }, viewer.accessToken);
    expect(read.errors).toBeUndefined();
    expect(read.data!.job.name).toBe(existing.data!.createJob.name);

    const writes: Array<[string, Record<string, unknown>]> = [
      [CREATE, { input: { name: unique("v"), steps: [{ content: "true" }] } }],
      [UPDATE, { id: jobId, input: { description: "viewer was here" } }],
      [CLONE, { id: jobId, name: unique("v-clone") }],
      ["mutation($id: ID!) { deleteJob(id: $id) }", { id: jobId }],
      [SCHEDULE, { input: { jobId, kind: "INTERVAL", intervalSeconds: 60 } }],
    ];
    for (const [query, variables] of writes) expect(errorCodes(await gql(query, variables, viewer.accessToken))).toEqual(["FORBIDDEN"]);
    expect(await countJobs(adminToken)).toBe(before);
    const after = await gql<{ job: { version: number; schedules: unknown[] } }>("query($id: ID!) { job(id: $id) { version schedules { id } } }", { id: jobId }, adminToken);
    expect(after.data!.job).toEqual({ version: 1, schedules: [] });
    expect(errorCodes(await gql("query { jobs { total } }"))).toEqual(["UNAUTHENTICATED"]);
  });
});
