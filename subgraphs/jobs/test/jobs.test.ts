import { errorCodes } from "@opsconductor/kit/testing";
import { randomUUID } from "node:crypto";
import { CREATE_JOB, createJob, eventsOf, JOB_FIELDS, startJobs, unique, type Harness, type JobData } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startJobs();
});
afterAll(() => h.stop());

const UPDATE = `mutation($id: ID!, $input: UpdateJobInput!) { updateJob(id: $id, input: $input) { ${JOB_FIELDS} } }`;
const JOB = `query($id: ID!) { job(id: $id) { ${JOB_FIELDS} versions { total items { version name steps { content } createdAt } } } }`;
const countJobs = () => h.subgraph.prisma.job.count();
const countVersions = () => h.subgraph.prisma.jobVersion.count();

describe("job definitions", () => {
  it("refuses a caller without a token, and writes for a reader", async () => {
    expect(errorCodes(await h.graphql("query { jobs { total } }"))).toEqual(["UNAUTHENTICATED"]);
    const reader = h.token(["jobs:read"]);
    expect((await h.graphql("query { jobs { total } }", {}, { token: reader })).errors).toBeUndefined();
    const refused = await h.graphql(CREATE_JOB, { input: { name: unique("r"), steps: [{ content: "true" }] } }, { token: reader });
    expect(errorCodes(refused)).toEqual(["FORBIDDEN"]);
    expect(errorCodes(await h.graphql("query { jobs { total } }", {}, { token: h.token(["targets:read"]) }))).toEqual(["FORBIDDEN"]);
  });

  it("creates version 1 with defaults, steps in order, typed parameters and a created event", async () => {
    const groupId = randomUUID();
    h.groups.add(groupId);
    const job = await createJob(h, {
      description: "  two steps ",
      steps: [
        { name: "Say", content: "echo {{greeting}} {{count}} to {{target.address}} run {{run.number}} {{ run.id }}" },
        { type: "SCRIPT", content: "print('{{mode}}')", interpreter: "PYTHON3", timeoutSeconds: 20, continueOnError: true },
      ],
      parameters: [
        { name: "greeting", type: "STRING", defaultValue: "hello", pattern: "[a-z]+", min: 2, max: 10 },
        { name: "count", type: "INT", defaultValue: "3", min: 1, max: 5, required: true },
        { name: "mode", type: "CHOICE", choices: ["fast", "slow"], defaultValue: "slow" },
        { name: "verbose", type: "BOOL", defaultValue: "TRUE" },
        { name: "token", type: "SECRET", required: true },
      ],
      targets: { targetIds: [groupId.toUpperCase()], tags: [" Web ", "web", "db"], groupId },
      options: { maxParallel: 50, retries: 2 },
    });
    expect(job.version).toBe(1);
    expect(job.steps.map((step) => [step.id, step.name, step.type, step.interpreter, step.timeoutSeconds, step.continueOnError])).toEqual([
      ["step-1", "Say", "COMMAND", null, 300, false],
      ["step-2", "Step 2", "SCRIPT", "PYTHON3", 20, true],
    ]);
    expect(job.parameters.map((parameter) => [parameter.name, parameter.type, parameter.defaultValue])).toEqual([
      ["greeting", "STRING", "hello"],
      ["count", "INT", "3"],
      ["mode", "CHOICE", "slow"],
      ["verbose", "BOOL", "true"],
      ["token", "SECRET", null],
    ]);
    expect(job.targets).toEqual({ targetIds: [groupId], tags: ["web", "db"], groupId });
    expect(job.options).toEqual({ maxParallel: 50, targetTimeoutSeconds: 3600, retries: 2, retryBackoffSeconds: 10, stopOnFirstFailure: false });
    const [event] = await eventsOf(h, { type: "jobs.job.created", subjectId: job.id });
    expect(event?.data).toEqual({ id: job.id, name: job.name, version: 1, isTemplate: false, stepCount: 2, parameterNames: ["greeting", "count", "mode", "verbose", "token"], clonedFromId: null });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["blank name", { name: "  " }, "input.name"],
    ["no steps", { steps: [] }, "input.steps"],
    ["blank step", { steps: [{ content: " " }] }, "input.steps.0.content"],
    ["interpreter on a command", { steps: [{ content: "ls", interpreter: "BASH" }] }, "input.steps.0.interpreter"],
    ["step timeout 0", { steps: [{ content: "ls", timeoutSeconds: 0 }] }, "input.steps.0.timeoutSeconds"],
    ["undeclared parameter", { steps: [{ content: "ls" }, { content: "echo {{nope}}" }] }, "input.steps.1.content"],
    ["unknown built-in", { steps: [{ content: "echo {{target.password}}" }] }, "input.steps.0.content"],
    ["placeholder in a step name", { steps: [{ name: "for {{who}}", content: "ls" }] }, "input.steps.0.name"],
    ["bad parameter name", { parameters: [{ name: "1x" }] }, "input.parameters.0.name"],
    ["reserved parameter name", { parameters: [{ name: "target" }] }, "input.parameters.0.name"],
    ["duplicate parameter", { parameters: [{ name: "a" }, { name: "A" }] }, "input.parameters.1.name"],
    ["SECRET with a default", { parameters: [{ name: "pw", type: "SECRET", defaultValue: "x" }] }, "input.parameters.0.defaultValue"],
    ["CHOICE without choices", { parameters: [{ name: "c", type: "CHOICE" }] }, "input.parameters.0.choices"],
    ["default not a choice", { parameters: [{ name: "c", type: "CHOICE", choices: ["a"], defaultValue: "b" }] }, "input.parameters.0.defaultValue"],
    ["INT default not an integer", { parameters: [{ name: "n", type: "INT", defaultValue: "1.5" }] }, "input.parameters.0.defaultValue"],
    ["INT default over max", { parameters: [{ name: "n", type: "INT", defaultValue: "9", max: 5 }] }, "input.parameters.0.defaultValue"],
    ["min over max", { parameters: [{ name: "n", type: "INT", min: 5, max: 1 }] }, "input.parameters.0.max"],
    ["bad pattern", { parameters: [{ name: "s", pattern: "(" }] }, "input.parameters.0.pattern"],
    ["pattern on INT", { parameters: [{ name: "n", type: "INT", pattern: "1" }] }, "input.parameters.0.pattern"],
    ["default not matching pattern", { parameters: [{ name: "s", pattern: "[a-z]+", defaultValue: "ABC" }] }, "input.parameters.0.defaultValue"],
    ["BOOL default", { parameters: [{ name: "b", type: "BOOL", defaultValue: "yes" }] }, "input.parameters.0.defaultValue"],
    ["bad target id", { targets: { targetIds: ["not-a-uuid"] } }, "input.targets.targetIds.0"],
    ["bad tag", { targets: { tags: ["no spaces please"] } }, "input.targets.tags.0"],
    ["bad group id", { targets: { groupId: "x" } }, "input.targets.groupId"],
    ["maxParallel 0", { options: { maxParallel: 0 } }, "input.options.maxParallel"],
    ["too many retries", { options: { retries: 11 } }, "input.options.retries"],
  ])("refuses %s naming %s and writes nothing", async (_label, override, field) => {
    const [jobs, versions, events] = [await countJobs(), await countVersions(), (await eventsOf(h, { type: "jobs.job.created" })).length];
    const result = await h.graphql(CREATE_JOB, { input: { name: unique("bad"), steps: [{ content: "true" }], ...override } }, { token: h.token() });
    expect(errorCodes(result)).toEqual(["BAD_USER_INPUT"]);
    expect(result.errors?.[0]?.extensions?.field).toBe(field);
    expect(result.errors?.[0]?.message).toContain(field);
    expect([await countJobs(), await countVersions(), (await eventsOf(h, { type: "jobs.job.created" })).length]).toEqual([jobs, versions, events]);
  });

  it("keeps names unique among live jobs, case-insensitively", async () => {
    const job = await createJob(h);
    const duplicate = await h.graphql(CREATE_JOB, { input: { name: job.name.toUpperCase(), steps: [{ content: "true" }] } }, { token: h.token() });
    expect(errorCodes(duplicate)).toEqual(["CONFLICT"]);
    expect(duplicate.errors?.[0]?.extensions?.field).toBe("input.name");
    const other = await createJob(h);
    const renamed = await h.graphql(UPDATE, { id: other.id, input: { name: job.name } }, { token: h.token() });
    expect(errorCodes(renamed)).toEqual(["CONFLICT"]);
  });

  it("makes a new immutable version per change and none for an update that changes nothing", async () => {
    const job = await createJob(h, { steps: [{ content: "echo one" }] });
    const updated = (await h.ok<{ updateJob: JobData }>(UPDATE, { id: job.id, input: { steps: [{ content: "echo two" }, { content: "echo {{greeting}}" }], options: { retries: 3 } } })).updateJob;
    expect(updated.version).toBe(2);
    expect(updated.options.retries).toBe(3);
    const same = (await h.ok<{ updateJob: JobData }>(UPDATE, { id: job.id, input: { steps: [{ content: "echo two" }, { content: "echo {{greeting}}" }] } })).updateJob;
    expect(same.version).toBe(2);
    const renamed = (await h.ok<{ updateJob: JobData }>(UPDATE, { id: job.id, input: { name: `${job.name}-renamed`, isTemplate: true } })).updateJob;
    expect(renamed.version).toBe(3);

    const read = await h.ok<{ job: JobData & { versions: { total: number; items: Array<{ version: number; name: string; steps: Array<{ content: string }> }> } } }>(JOB, { id: job.id });
    expect(read.job.versions.total).toBe(3);
    expect(read.job.versions.items.map((version) => version.version)).toEqual([3, 2, 1]);
    const first = await h.ok<{ jobVersion: { version: number; name: string; isTemplate: boolean; steps: Array<{ content: string }>; options: { retries: number } } }>(
      "query($jobId: ID!) { jobVersion(jobId: $jobId, version: 1) { version name isTemplate steps { content } options { retries } } }",
      { jobId: job.id },
    );
    expect(first.jobVersion).toEqual({ version: 1, name: job.name, isTemplate: false, steps: [{ content: "echo one" }], options: { retries: 0 } });
    const missing = await h.ok<{ jobVersion: unknown }>("query($jobId: ID!) { jobVersion(jobId: $jobId, version: 9) { version } }", { jobId: job.id });
    expect(missing.jobVersion).toBeNull();
    const events = await eventsOf(h, { type: "jobs.job.updated", subjectId: job.id });
    expect(events.map((event) => [event.data.version, event.data.changed])).toEqual([
      [2, ["steps", "options"]],
      [3, ["name", "isTemplate"]],
    ]);
  });

  it("refuses an update that leaves a step referring to a removed parameter, writing nothing", async () => {
    const job = await createJob(h);
    const result = await h.graphql(UPDATE, { id: job.id, input: { parameters: [] } }, { token: h.token() });
    expect(errorCodes(result)).toEqual(["BAD_USER_INPUT"]);
    expect(result.errors?.[0]?.extensions?.field).toBe("input.steps.0.content");
    expect(await h.subgraph.prisma.jobVersion.count({ where: { jobId: job.id } })).toBe(1);
  });

  it("lists templates, clones one into a new job at version 1, and filters, searches and sorts", async () => {
    const tag = unique("tpl");
    const template = await createJob(h, { name: `${tag}-b template`, isTemplate: true, description: "for cloning" });
    await createJob(h, { name: `${tag}-a plain` });
    const templates = await h.ok<{ jobTemplates: { items: Array<{ id: string }> } }>("query($s: String) { jobTemplates(search: $s) { total items { id } } }", { s: tag });
    expect(templates.jobTemplates.items.map((item) => item.id)).toEqual([template.id]);

    const clone = (await h.ok<{ cloneJob: JobData }>(`mutation($id: ID!, $name: String!) { cloneJob(id: $id, name: $name) { ${JOB_FIELDS} } }`, { id: template.id, name: `${tag}-c clone` })).cloneJob;
    expect(clone).toMatchObject({ version: 1, isTemplate: false, clonedFromId: template.id, steps: template.steps, parameters: template.parameters, options: template.options });
    expect(clone.id).not.toBe(template.id);
    const [event] = await eventsOf(h, { type: "jobs.job.created", subjectId: clone.id });
    expect(event?.data.clonedFromId).toBe(template.id);
    const taken = await h.graphql("mutation($id: ID!, $name: String!) { cloneJob(id: $id, name: $name) { id } }", { id: template.id, name: template.name }, { token: h.token() });
    expect(errorCodes(taken)).toEqual(["CONFLICT"]);
    expect(taken.errors?.[0]?.extensions?.field).toBe("name");

    const list = `query($f: JobFilter, $s: JobSort) { jobs(filter: $f, sort: $s, pagination: { limit: 10 }) { total items { name } } }`;
    const byName = await h.ok<{ jobs: { total: number; items: Array<{ name: string }> } }>(list, { f: { search: tag.toUpperCase() }, s: { field: "NAME", direction: "DESC" } });
    expect(byName.jobs.items.map((item) => item.name)).toEqual([`${tag}-c clone`, `${tag}-b template`, `${tag}-a plain`]);
    const plain = await h.ok<{ jobs: { total: number } }>(list, { f: { search: tag, isTemplate: false } });
    expect(plain.jobs.total).toBe(2);
  });

  it("soft-deletes: the job disappears, its name is free, a second delete is NOT_FOUND, the snapshot of its versions stays in the database", async () => {
    const job = await createJob(h);
    const deleted = await h.ok<{ deleteJob: boolean }>("mutation($id: ID!) { deleteJob(id: $id) }", { id: job.id });
    expect(deleted.deleteJob).toBe(true);
    expect((await h.ok<{ job: unknown }>("query($id: ID!) { job(id: $id) { id } }", { id: job.id })).job).toBeNull();
    expect(errorCodes(await h.graphql("mutation($id: ID!) { deleteJob(id: $id) }", { id: job.id }, { token: h.token() }))).toEqual(["NOT_FOUND"]);
    expect(errorCodes(await h.graphql(UPDATE, { id: job.id, input: { name: "x" } }, { token: h.token() }))).toEqual(["NOT_FOUND"]);
    const again = await createJob(h, { name: job.name });
    expect(again.id).not.toBe(job.id);
    expect(await h.subgraph.prisma.jobVersion.count({ where: { jobId: job.id } })).toBe(1);
    const [event] = await eventsOf(h, { type: "jobs.job.deleted", subjectId: job.id });
    expect(event?.data).toEqual({ id: job.id, name: job.name, version: 1 });
  });

  it("refuses a saved group the targets service does not know, on create and on update, naming the field and writing nothing", async () => {
    const [jobs, versions] = [await countJobs(), await countVersions()];
    const missing = randomUUID();
    const created = await h.graphql(CREATE_JOB, { input: { name: unique("g"), steps: [{ content: "true" }], targets: { groupId: missing } } }, { token: h.token() });
    expect(errorCodes(created)).toEqual(["BAD_USER_INPUT"]);
    expect(created.errors?.[0]?.extensions?.field).toBe("input.targets.groupId");
    expect(created.errors?.[0]?.message).toContain(missing);
    const job = await createJob(h);
    const updated = await h.graphql(UPDATE, { id: job.id, input: { targets: { groupId: missing } } }, { token: h.token() });
    expect(updated.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.targets.groupId" });
    expect([await countJobs(), await countVersions()]).toEqual([jobs + 1, versions + 1]);
    // A group the targets service knows is saved.
    const known = randomUUID();
    h.groups.add(known);
    const ok = await h.ok<{ updateJob: JobData }>(UPDATE, { id: job.id, input: { targets: { groupId: known } } });
    expect(ok.updateJob.targets.groupId).toBe(known);
    expect(ok.updateJob.version).toBe(2);
  });

  it("restores a soft-deleted job with its versions; refuses while its name is taken, a live job, an unknown id; needs jobs:write", async () => {
    const RESTORE = `mutation($id: ID!) { restoreJob(id: $id) { id name version } }`;
    const job = await createJob(h);
    await h.ok(UPDATE, { id: job.id, input: { description: "second version" } });
    expect(errorCodes(await h.graphql(RESTORE, { id: job.id }, { token: h.token() }))).toEqual(["CONFLICT"]);
    await h.ok("mutation($id: ID!) { deleteJob(id: $id) }", { id: job.id });
    expect(errorCodes(await h.graphql(RESTORE, { id: job.id }, { token: h.token(["jobs:read"]) }))).toEqual(["FORBIDDEN"]);
    // Another live job took the name: CONFLICT, nothing restored.
    const taker = await createJob(h, { name: job.name.toUpperCase() });
    const taken = await h.graphql(RESTORE, { id: job.id }, { token: h.token() });
    expect(taken.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "id" });
    expect((await h.ok<{ job: unknown }>("query($id: ID!) { job(id: $id) { id } }", { id: job.id })).job).toBeNull();
    await h.ok("mutation($id: ID!) { deleteJob(id: $id) }", { id: taker.id });
    const restored = await h.ok<{ restoreJob: { id: string; name: string; version: number } }>(RESTORE, { id: job.id });
    expect(restored.restoreJob).toEqual({ id: job.id, name: job.name, version: 2 });
    const read = await h.ok<{ job: { version: number; versions: { total: number } } }>(JOB, { id: job.id });
    expect([read.job.version, read.job.versions.total]).toEqual([2, 2]);
    // Its name is taken again: a new job with it is refused.
    expect(errorCodes(await h.graphql(CREATE_JOB, { input: { name: job.name, steps: [{ content: "true" }] } }, { token: h.token() }))).toEqual(["CONFLICT"]);
    const [event] = await eventsOf(h, { type: "jobs.job.restored", subjectId: job.id });
    expect(event?.data).toEqual({ id: job.id, name: job.name, version: 2 });
    expect(errorCodes(await h.graphql(RESTORE, { id: randomUUID() }, { token: h.token() }))).toEqual(["NOT_FOUND"]);
  });

  it("resolves Job as a federation entity only with jobs:read", async () => {
    const job = await createJob(h);
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Job { id name version } } }`;
    const variables = { r: [{ __typename: "Job", id: job.id }, { __typename: "Job", id: randomUUID() }] };
    const read = await h.graphql<{ _entities: unknown[] }>(query, variables, { token: h.token(["jobs:read"]) });
    expect(read.data?._entities).toEqual([{ id: job.id, name: job.name, version: 1 }, null]);
    expect(errorCodes(await h.graphql(query, variables, { token: h.token(["targets:read"]) }))).toEqual(["FORBIDDEN"]);
  });

  it("never puts parameter defaults or values in events", async () => {
    const marker = unique("default-value");
    await createJob(h, { parameters: [{ name: "greeting", defaultValue: marker }] });
    expect(await eventsOf(h, { contains: marker })).toEqual([]);
  });
});
