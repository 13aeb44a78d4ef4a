import { errorCodes, eventually } from "@opsconductor/kit/testing";
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

describe("job gaps through the gateway: saved groups checked at save, restore, global blackout windows", () => {
  it("checks a job's saved group with the targets service: an unknown one is BAD_USER_INPUT on input.targets.groupId, a real one is saved", async () => {
    const before = await countJobs(adminToken);
    const unknown = "0b7c8a4e-1f0b-4a55-9a7b-5f1d2c3e4a5b";
    const refused = await gql(CREATE, { input: { name: unique("grp"), steps: [{ content: "true" }], targets: { groupId: unknown } } }, adminToken);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.targets.groupId" });
    expect(await countJobs(adminToken)).toBe(before);
    const group = await gql<{ createSavedGroup: { id: string } }>(
      "mutation($input: SavedGroupInput!) { createSavedGroup(input: $input) { id } }",
      { input: { name: unique("grp"), filter: { tags: ["web"] } } },
      adminToken,
    );
    expect(group.errors).toBeUndefined();
    const groupId = group.data!.createSavedGroup.id;
    const saved = await gql<{ createJob: { id: string; targets: { groupId: string } } }>(
      "mutation($input: CreateJobInput!) { createJob(input: $input) { id targets { groupId } } }",
      { input: { name: unique("grp"), steps: [{ content: "true" }], targets: { groupId } } },
      adminToken,
    );
    expect(saved.errors).toBeUndefined();
    expect(saved.data!.createJob.targets.groupId).toBe(groupId);
    // Once the group is deleted, an update naming it is refused the same way, and the job keeps its version.
    expect((await gql("mutation($id: ID!) { deleteSavedGroup(id: $id) }", { id: groupId }, adminToken)).errors).toBeUndefined();
    const update = await gql(UPDATE, { id: saved.data!.createJob.id, input: { targets: { groupId } } }, adminToken);
    expect(update.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.targets.groupId" });
  });

  it("restores a deleted job with its versions (jobs:write), CONFLICT while a live job has its name", async () => {
    const RESTORE = "mutation($id: ID!) { restoreJob(id: $id) { id name version } }";
    const created = await gql<{ createJob: Job }>(CREATE, { input: { name: unique("restore"), steps: [{ content: "true" }] } }, adminToken);
    const job = created.data!.createJob;
    await gql(UPDATE, { id: job.id, input: { steps: [{ content: "echo two" }] } }, adminToken);
    expect((await gql("mutation($id: ID!) { deleteJob(id: $id) }", { id: job.id }, adminToken)).data).toEqual({ deleteJob: true });
    const viewer = await createUserAndLogin(adminToken, ["VIEWER"]);
    expect(errorCodes(await gql(RESTORE, { id: job.id }, viewer.accessToken))).toEqual(["FORBIDDEN"]);
    const taker = await gql<{ createJob: Job }>(CREATE, { input: { name: job.name, steps: [{ content: "true" }] } }, adminToken);
    expect(errorCodes(await gql(RESTORE, { id: job.id }, adminToken))).toEqual(["CONFLICT"]);
    await gql("mutation($id: ID!) { deleteJob(id: $id) }", { id: taker.data!.createJob.id }, adminToken);
    const restored = await gql<{ restoreJob: { id: string; name: string; version: number } }>(RESTORE, { id: job.id }, adminToken);
    expect(restored.data?.restoreJob).toEqual({ id: job.id, name: job.name, version: 2 });
    const read = await gql<{ job: { versions: { total: number } } }>("query($id: ID!) { job(id: $id) { versions { total } } }", { id: job.id }, adminToken);
    expect(read.data?.job.versions.total).toBe(2);
  });

  it("a global blackout window (admin only) makes a real every-second schedule record SKIPPED ticks inside it and start real runs outside it", async () => {
    const GLOBAL = "mutation($input: BlackoutWindowInput!) { createGlobalBlackoutWindow(input: $input) { id window { label startsAt endsAt } } }";
    const operator = await createUserAndLogin(adminToken, ["OPERATOR"]);
    // The built-in localhost target runs on the stack's host (LOCAL executor): a real run per tick.
    const found = await gql<{ targets: { items: Array<{ id: string; address: string }> } }>(`query { targets(filter: { search: "localhost" }) { items { id address } } }`, {}, adminToken);
    const local = found.data!.targets.items.find((target) => target.address === "localhost")!;
    const job = await gql<{ createJob: { id: string } }>(CREATE, { input: { name: unique("global-bo"), steps: [{ content: "true" }], targets: { targetIds: [local.id] } } }, adminToken);
    const second = (ms: number) => Math.ceil(ms / 1000) * 1000;
    // Ticks every second from startAt to endAt; the global window covers the middle three.
    const startAt = second(Date.now() + 6000);
    const endAt = startAt + 8000;
    const window = { kind: "DATE_RANGE", label: unique("global-freeze"), startsAt: new Date(startAt + 3000).toISOString(), endsAt: new Date(startAt + 6000).toISOString() };
    expect(errorCodes(await gql(GLOBAL, { input: window }, operator.accessToken))).toEqual(["FORBIDDEN"]);
    const bad = await gql(GLOBAL, { input: { ...window, durationMinutes: 5 } }, adminToken);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.durationMinutes" });
    const created = await gql<{ createGlobalBlackoutWindow: { id: string } }>(GLOBAL, { input: window }, adminToken);
    expect(created.errors).toBeUndefined();
    const globalId = created.data!.createGlobalBlackoutWindow.id;
    try {
      const listed = await gql<{ globalBlackoutWindows: Array<{ id: string }> }>("query { globalBlackoutWindows { id } }", {}, operator.accessToken);
      expect(listed.data?.globalBlackoutWindows.map((w) => w.id)).toContain(globalId);
      const schedule = await gql<{ createSchedule: { id: string; nextRuns: Array<{ at: string; skipped: boolean }> } }>(
        SCHEDULE,
        { input: { jobId: job.data!.createJob.id, kind: "INTERVAL", intervalSeconds: 1, startAt: new Date(startAt).toISOString(), endAt: new Date(endAt).toISOString() } },
        adminToken,
      );
      expect(schedule.errors).toBeUndefined();
      const scheduleId = schedule.data!.createSchedule.id;
      type Occurrence = { scheduledFor: string; status: string; reason: string | null; runId: string | null };
      const OCCURRENCES = "query($id: ID!) { schedule(id: $id) { finishedAt occurrences(pagination: { limit: 100 }) { items { scheduledFor status reason runId } } } }";
      await eventually(async () => Date.now() > endAt + 1500, 30_000, 250);
      const occurrences = await eventually(async () => {
        const { data } = await gql<{ schedule: { occurrences: { items: Occurrence[] } } }>(OCCURRENCES, { id: scheduleId }, adminToken);
        const items = data?.schedule.occurrences.items ?? [];
        return items.length && items.every((o) => o.status !== "PENDING") ? items : undefined;
      }, 30_000);
      const inside = (o: Occurrence) => Date.parse(o.scheduledFor) >= startAt + 3000 && Date.parse(o.scheduledFor) < startAt + 6000;
      expect(occurrences.filter(inside).length).toBeGreaterThan(0);
      for (const o of occurrences.filter(inside)) expect([o.status, o.runId, o.reason]).toEqual(["SKIPPED", null, expect.stringContaining(`global blackout window "${window.label}"`)]);
      const outside = occurrences.filter((o) => !inside(o));
      expect(outside.some((o) => Date.parse(o.scheduledFor) < startAt + 3000) && outside.some((o) => Date.parse(o.scheduledFor) >= startAt + 6000)).toBe(true);
      expect(outside.every((o) => o.status === "STARTED" && o.runId)).toBe(true);
      // The runs it started are real runs of the executions service, triggered by the schedule.
      const runs = await gql<{ runs: { items: Array<{ id: string; trigger: string; scheduleId: string }> } }>(
        "query($jobId: ID!) { runs(filter: { jobId: $jobId }, pagination: { limit: 100 }) { items { id trigger scheduleId } } }",
        { jobId: job.data!.createJob.id },
        adminToken,
      );
      expect(runs.data!.runs.items.map((run) => run.id).sort()).toEqual(outside.map((o) => o.runId).sort());
      expect(runs.data!.runs.items.every((run) => run.trigger === "SCHEDULE" && run.scheduleId === scheduleId)).toBe(true);
    } finally {
      const removed = await gql("mutation($id: ID!) { deleteGlobalBlackoutWindow(id: $id) }", { id: globalId }, adminToken);
      expect(removed.data).toEqual({ deleteGlobalBlackoutWindow: true });
    }
  }, 90_000);
});
