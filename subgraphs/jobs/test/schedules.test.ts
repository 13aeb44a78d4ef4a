import { errorCodes } from "@opsconductor/kit/testing";
import { randomUUID } from "node:crypto";
import { cronInstants, blackoutAt, type BlackoutWindowValue } from "../src/schedule/timing";
import { createJob, eventsOf, startJobs, type Harness, type JobData } from "./harness";

let h: Harness;
let job: JobData;
beforeAll(async () => {
  h = await startJobs();
  job = await createJob(h, {
    steps: [{ content: "echo {{greeting}} {{count}} {{mode}} {{pw}}" }],
    parameters: [
      { name: "greeting", defaultValue: "hi" },
      { name: "count", type: "INT", min: 1, max: 5, required: true },
      { name: "mode", type: "CHOICE", choices: ["a", "b"], defaultValue: "a" },
      { name: "pw", type: "SECRET" },
    ],
  });
});
afterAll(() => h.stop());

const SCHEDULE_FIELDS = `id jobId kind cron timezone runAt intervalSeconds startAt endAt maxRuns enabled runCount finishedAt
  parameters { name value } blackoutWindows { kind label startsAt endsAt cron timezone durationMinutes }`;
const CREATE = `mutation($input: ScheduleInput!) { createSchedule(input: $input) { ${SCHEDULE_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: ScheduleInput!) { updateSchedule(id: $id, input: $input) { ${SCHEDULE_FIELDS} } }`;
const NEXT = `query($id: ID!, $n: Int!) { schedule(id: $id) { nextRuns(n: $n) { at skipped reason } } }`;

interface ScheduleData {
  id: string;
  kind: string;
  enabled: boolean;
  parameters: Array<{ name: string; value: string }>;
  blackoutWindows: Array<Record<string, unknown>>;
}
type Run = { at: string; skipped: boolean; reason: string | null };

const base = () => ({ jobId: job.id, kind: "CRON", cron: "0 9 * * *", timezone: "Europe/Berlin", parameters: [{ name: "count", value: "2" }] });
const create = async (input: Record<string, unknown>) => (await h.ok<{ createSchedule: ScheduleData }>(CREATE, { input: { ...base(), ...input } })).createSchedule;
const nextRuns = async (id: string, n = 5) => (await h.ok<{ schedule: { nextRuns: Run[] } }>(NEXT, { id, n })).schedule.nextRuns;
const schedulerOf = (id: string) => h.subgraph.services.scheduler.queue.getJobScheduler(id);

describe("schedules", () => {
  const past = new Date(Date.now() - 60_000).toISOString();
  it.each<[string, Record<string, unknown>, string]>([
    ["no kind", { kind: null }, "input.kind"],
    ["unknown job", { jobId: randomUUID() }, "input.jobId"],
    ["bad cron", { cron: "61 * * * *" }, "input.cron"],
    ["cron of 4 fields", { cron: "* * * *" }, "input.cron"],
    ["unknown zone", { timezone: "Mars/Olympus" }, "input.timezone"],
    ["an offset instead of a zone", { timezone: "+01:00" }, "input.timezone"],
    ["cron on an INTERVAL", { kind: "INTERVAL", intervalSeconds: 60 }, "input.cron"],
    ["interval under the minimum", { kind: "INTERVAL", cron: null, intervalSeconds: 0 }, "input.intervalSeconds"],
    ["ONCE without runAt", { kind: "ONCE", cron: null }, "input.runAt"],
    ["ONCE in the past", { kind: "ONCE", cron: null, runAt: past }, "input.runAt"],
    ["endAt before startAt", { startAt: "2031-01-02T00:00:00Z", endAt: "2031-01-01T00:00:00Z" }, "input.endAt"],
    ["maxRuns 0", { maxRuns: 0 }, "input.maxRuns"],
    ["unknown parameter", { parameters: [{ name: "count", value: "2" }, { name: "nope", value: "1" }] }, "input.parameters.1.name"],
    ["SECRET parameter", { parameters: [{ name: "count", value: "2" }, { name: "pw", value: "hunter2" }] }, "input.parameters.1.name"],
    ["INT out of range", { parameters: [{ name: "count", value: "9" }] }, "input.parameters.0.value"],
    ["not a choice", { parameters: [{ name: "count", value: "2" }, { name: "mode", value: "c" }] }, "input.parameters.1.value"],
    ["required parameter missing", { parameters: [] }, "input.parameters"],
    ["window without end", { blackoutWindows: [{ kind: "DATE_RANGE", startsAt: "2031-01-01T00:00:00Z" }] }, "input.blackoutWindows.0.endsAt"],
    ["window with a bad cron", { blackoutWindows: [{ kind: "CRON", cron: "x", durationMinutes: 5 }] }, "input.blackoutWindows.0.cron"],
    ["window with a bad zone", { blackoutWindows: [{ kind: "CRON", cron: "0 1 * * *", timezone: "Nowhere/Land", durationMinutes: 5 }] }, "input.blackoutWindows.0.timezone"],
    ["window without duration", { blackoutWindows: [{ kind: "CRON", cron: "0 1 * * *" }] }, "input.blackoutWindows.0.durationMinutes"],
  ])("refuses %s naming %s and writes nothing", async (_label, override, field) => {
    const before = [await h.subgraph.prisma.schedule.count(), (await eventsOf(h, { type: "jobs.schedule.created" })).length];
    const result = await h.graphql(CREATE, { input: { ...base(), ...override } }, { token: h.token() });
    expect(errorCodes(result)).toEqual(["BAD_USER_INPUT"]);
    expect(result.errors?.[0]?.extensions?.field).toBe(field);
    expect([await h.subgraph.prisma.schedule.count(), (await eventsOf(h, { type: "jobs.schedule.created" })).length]).toEqual(before);
  });

  it("says clearly that a SECRET parameter cannot be stored on a schedule", async () => {
    const result = await h.graphql(CREATE, { input: { ...base(), parameters: [{ name: "count", value: "1" }, { name: "pw", value: "hunter2" }] } }, { token: h.token() });
    expect(result.errors?.[0]?.message).toMatch(/SECRET parameter: secrets cannot be stored on a schedule/);
    const secretJob = await createJob(h, { steps: [{ content: "echo {{pw}}" }], parameters: [{ name: "pw", type: "SECRET", required: true }] });
    const required = await h.graphql(CREATE, { input: { ...base(), jobId: secretJob.id, parameters: [] } }, { token: h.token() });
    expect(required.errors?.[0]?.message).toMatch(/SECRET parameter "pw" is required .* secrets cannot be stored on a schedule/);
    expect(await eventsOf(h, { contains: "hunter2" })).toEqual([]);
  });

  it("needs jobs:write and jobs:execute to write, jobs:read to read", async () => {
    const writer = h.token(["jobs:read", "jobs:write"]);
    expect(errorCodes(await h.graphql(CREATE, { input: base() }, { token: writer }))).toEqual(["FORBIDDEN"]);
    const schedule = await create({});
    const read = await h.graphql("query($id: ID!) { schedule(id: $id) { id job { id name } } }", { id: schedule.id }, { token: h.token(["jobs:read"]) });
    expect(read.data).toEqual({ schedule: { id: schedule.id, job: { id: job.id, name: job.name } } });
  });

  it("reads a Europe/Berlin cron in local time across both DST changes of 2026", () => {
    const march = cronInstants("0 9 * * *", "Europe/Berlin", new Date("2026-03-27T12:00:00Z"), 3).map((at) => at.toISOString());
    expect(march).toEqual(["2026-03-28T08:00:00.000Z", "2026-03-29T07:00:00.000Z", "2026-03-30T07:00:00.000Z"]);
    const october = cronInstants("0 9 * * *", "Europe/Berlin", new Date("2026-10-23T12:00:00Z"), 3).map((at) => at.toISOString());
    expect(october).toEqual(["2026-10-24T07:00:00.000Z", "2026-10-25T08:00:00.000Z", "2026-10-26T08:00:00.000Z"]);
    // 02:30 does not exist on 29 March (it runs at 03:30 CEST) and exists twice on 25 October (it runs once).
    const gap = cronInstants("30 2 * * *", "Europe/Berlin", new Date("2026-03-28T12:00:00Z"), 2).map((at) => at.toISOString());
    expect(gap).toEqual(["2026-03-29T01:30:00.000Z", "2026-03-30T00:30:00.000Z"]);
    const repeated = cronInstants("30 2 * * *", "Europe/Berlin", new Date("2026-10-24T12:00:00Z"), 2).map((at) => at.toISOString());
    expect(repeated).toEqual(["2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"]);
  });

  it("previews a Berlin cron across the next DST changes through nextRuns, honouring startAt, endAt and maxRuns", async () => {
    const spring = await create({ startAt: "2027-03-27T00:00:00Z", endAt: "2027-03-29T12:00:00Z" });
    expect((await nextRuns(spring.id, 5)).map((run) => run.at)).toEqual(["2027-03-27T08:00:00.000Z", "2027-03-28T07:00:00.000Z", "2027-03-29T07:00:00.000Z"]);
    const autumn = await create({ startAt: "2027-10-30T00:00:00Z", maxRuns: 2 });
    expect(await nextRuns(autumn.id, 5)).toEqual([
      { at: "2027-10-30T07:00:00.000Z", skipped: false, reason: null },
      { at: "2027-10-31T08:00:00.000Z", skipped: false, reason: null },
    ]);
  });

  it("marks ticks inside blackout windows as skipped (date ranges and cron windows in their zone), without counting them against maxRuns", async () => {
    const schedule = await create({
      cron: "0 * * * *",
      timezone: "UTC",
      startAt: "2031-06-01T00:00:00Z",
      maxRuns: 4,
      blackoutWindows: [
        { kind: "DATE_RANGE", label: "freeze", startsAt: "2031-06-01T01:00:00Z", endsAt: "2031-06-01T03:00:00Z" },
        // 06:00-06:30 Berlin (CEST) = 04:00-04:30 UTC
        { kind: "CRON", cron: "0 6 * * *", timezone: "Europe/Berlin", durationMinutes: 30 },
      ],
    });
    const runs = await nextRuns(schedule.id, 10);
    expect(runs.map((run) => [run.at.slice(11, 16), run.skipped])).toEqual([
      ["00:00", false],
      ["01:00", true],
      ["02:00", true],
      ["03:00", false],
      ["04:00", true],
      ["05:00", false],
      ["06:00", false],
    ]);
    expect(runs[1]?.reason).toContain("freeze");
    expect(schedule.blackoutWindows).toEqual([
      { kind: "DATE_RANGE", label: "freeze", startsAt: "2031-06-01T01:00:00.000Z", endsAt: "2031-06-01T03:00:00.000Z", cron: null, timezone: null, durationMinutes: null },
      { kind: "CRON", label: null, startsAt: null, endsAt: null, cron: "0 6 * * *", timezone: "Europe/Berlin", durationMinutes: 30 },
    ]);
    const window: BlackoutWindowValue = { kind: "CRON", cron: "0 22 * * *", timezone: "UTC", durationMinutes: 180, label: null };
    expect(blackoutAt([window], new Date("2031-06-02T00:59:59Z"))).toBe(window);
    expect(blackoutAt([window], new Date("2031-06-02T01:00:00Z"))).toBeNull();
  });

  it("applies global blackout windows (administrators' system:write) to every schedule: nextRuns marks them, a tick inside one is recorded SKIPPED", async () => {
    const GLOBAL = `mutation($input: BlackoutWindowInput!) { createGlobalBlackoutWindow(input: $input) { id createdAt window { kind label startsAt endsAt cron timezone durationMinutes } } }`;
    const DELETE = `mutation($id: ID!) { deleteGlobalBlackoutWindow(id: $id) }`;
    const input = { kind: "DATE_RANGE", label: "company freeze", startsAt: "2032-03-01T01:00:00Z", endsAt: "2032-03-01T03:00:00Z" };
    // Only system:write manages them; bad input names the field and writes nothing.
    expect(errorCodes(await h.graphql(GLOBAL, { input }, { token: h.token() }))).toEqual(["FORBIDDEN"]);
    const admin = h.token(["jobs:read", "system:write"]);
    const bad = await h.graphql(GLOBAL, { input: { ...input, endsAt: "2032-03-01T00:00:00Z" } }, { token: admin });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.endsAt" });
    const badCron = await h.graphql(GLOBAL, { input: { kind: "CRON", cron: "0 1 * * *", timezone: "Nowhere/Land", durationMinutes: 5 } }, { token: admin });
    expect(badCron.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.timezone" });
    expect(await h.subgraph.prisma.globalBlackoutWindow.count()).toBe(0);

    const created = await h.graphql<{ createGlobalBlackoutWindow: { id: string; window: Record<string, unknown> } }>(GLOBAL, { input }, { token: admin });
    expect(created.errors).toBeUndefined();
    const globalId = created.data!.createGlobalBlackoutWindow.id;
    try {
      expect(created.data!.createGlobalBlackoutWindow.window).toEqual({ ...input, startsAt: "2032-03-01T01:00:00.000Z", endsAt: "2032-03-01T03:00:00.000Z", cron: null, timezone: null, durationMinutes: null });
      const listed = await h.ok<{ globalBlackoutWindows: Array<{ id: string }> }>("query { globalBlackoutWindows { id window { label } } }");
      expect(listed.globalBlackoutWindows.map((window) => window.id)).toEqual([globalId]);
      const [event] = await eventsOf(h, { type: "jobs.blackout.created", subjectId: globalId });
      expect(event?.data).toEqual({ id: globalId, kind: "DATE_RANGE", label: "company freeze" });

      // A schedule with no windows of its own: the global one marks its ticks (and does not count them against maxRuns).
      const schedule = await create({ cron: "0 * * * *", timezone: "UTC", startAt: "2032-03-01T00:00:00Z", maxRuns: 2 });
      const runs = await nextRuns(schedule.id, 5);
      expect(runs.map((run) => [run.at.slice(11, 16), run.skipped])).toEqual([
        ["00:00", false],
        ["01:00", true],
        ["02:00", true],
        ["03:00", false],
      ]);
      expect(runs[1]?.reason).toBe('global blackout window "company freeze" 2032-03-01T01:00:00.000Z – 2032-03-01T03:00:00.000Z');

      // The scheduler's tick inside it starts no run: SKIPPED with the window, and a skipped event.
      const at = new Date("2032-03-01T01:00:00Z");
      expect(await h.subgraph.services.scheduler.tick(schedule.id, at)).toBe("SKIPPED");
      const occurrence = await h.subgraph.prisma.scheduleOccurrence.findUniqueOrThrow({ where: { scheduleId_scheduledFor: { scheduleId: schedule.id, scheduledFor: at } } });
      expect([occurrence.status, occurrence.runId, occurrence.reason]).toEqual(["SKIPPED", null, runs[1]?.reason]);
      const [skipped] = await eventsOf(h, { type: "jobs.schedule.skipped", subjectId: schedule.id });
      expect(skipped?.data).toMatchObject({ scheduleId: schedule.id, scheduledFor: at.toISOString(), reason: runs[1]?.reason });
    } finally {
      expect(errorCodes(await h.graphql(DELETE, { id: globalId }, { token: h.token() }))).toEqual(["FORBIDDEN"]);
      expect((await h.graphql<{ deleteGlobalBlackoutWindow: boolean }>(DELETE, { id: globalId }, { token: admin })).data?.deleteGlobalBlackoutWindow).toBe(true);
    }
    expect(errorCodes(await h.graphql(DELETE, { id: globalId }, { token: admin }))).toEqual(["NOT_FOUND"]);
    expect((await eventsOf(h, { type: "jobs.blackout.deleted", subjectId: globalId })).map((event) => event.data)).toEqual([{ id: globalId, kind: "DATE_RANGE", label: "company freeze" }]);
  });

  it("previews INTERVAL and ONCE schedules; a disabled schedule previews nothing", async () => {
    const interval = await create({ kind: "INTERVAL", cron: null, intervalSeconds: 90, startAt: "2031-01-01T00:00:00Z" });
    expect((await nextRuns(interval.id, 3)).map((run) => run.at)).toEqual(["2031-01-01T00:00:00.000Z", "2031-01-01T00:01:30.000Z", "2031-01-01T00:03:00.000Z"]);
    const once = await create({ kind: "ONCE", cron: null, runAt: "2031-01-01T12:00:00Z" });
    expect((await nextRuns(once.id, 3)).map((run) => run.at)).toEqual(["2031-01-01T12:00:00.000Z"]);
    await h.ok("mutation($id: ID!) { setScheduleEnabled(id: $id, enabled: false) { enabled } }", { id: once.id });
    expect(await nextRuns(once.id, 3)).toEqual([]);
  });

  it("keeps the BullMQ job scheduler in step with create, update, disable, enable and delete, without parameter values in Redis", async () => {
    const schedule = await create({ cron: "*/5 * * * *", parameters: [{ name: "count", value: "3" }, { name: "greeting", value: "redis-should-not-see-this" }] });
    expect(schedule.parameters).toEqual([{ name: "count", value: "3" }, { name: "greeting", value: "redis-should-not-see-this" }]);
    expect(await schedulerOf(schedule.id)).toMatchObject({ pattern: "*/5 * * * *", tz: "Europe/Berlin", template: { data: { scheduleId: schedule.id } } });
    expect(JSON.stringify(await schedulerOf(schedule.id))).not.toContain("redis-should-not-see-this");
    await h.ok(UPDATE, { id: schedule.id, input: { kind: "INTERVAL", cron: null, intervalSeconds: 3600 } });
    expect(await schedulerOf(schedule.id)).toMatchObject({ every: 3_600_000 });
    await h.ok(UPDATE, { id: schedule.id, input: { enabled: false } });
    expect(await schedulerOf(schedule.id)).toBeUndefined();
    await h.ok(UPDATE, { id: schedule.id, input: { enabled: true } });
    expect(await schedulerOf(schedule.id)).toMatchObject({ every: 3_600_000 });
    const events = await eventsOf(h, { type: "jobs.schedule.updated", subjectId: schedule.id });
    expect(events.map((event) => event.data.changed)).toEqual([["kind", "cron", "intervalSeconds"], ["enabled"], ["enabled"]]);
    expect(await eventsOf(h, { contains: "redis-should-not-see-this" })).toEqual([]);
    expect(await h.ok("mutation($id: ID!) { deleteSchedule(id: $id) }", { id: schedule.id })).toEqual({ deleteSchedule: true });
    expect(await schedulerOf(schedule.id)).toBeUndefined();
    expect(errorCodes(await h.graphql("mutation($id: ID!) { deleteSchedule(id: $id) }", { id: schedule.id }, { token: h.token() }))).toEqual(["NOT_FOUND"]);
  });

  it("stops a deleted job's schedules, and reconcile repairs Redis from the database", async () => {
    const doomed = await createJob(h);
    const schedule = await create({ jobId: doomed.id, parameters: [] });
    expect(await schedulerOf(schedule.id)).toBeDefined();
    await h.ok("mutation($id: ID!) { deleteJob(id: $id) }", { id: doomed.id });
    expect(await schedulerOf(schedule.id)).toBeUndefined();
    expect(await eventsOf(h, { type: "jobs.schedule.deleted", subjectId: schedule.id })).toHaveLength(1);

    const kept = await create({});
    const queue = h.subgraph.services.scheduler.queue;
    await queue.removeJobScheduler(kept.id);
    await queue.upsertJobScheduler(randomUUID(), { every: 60_000 }, { name: "tick", data: {} });
    const outcome = await h.subgraph.services.scheduler.reconcile();
    expect(outcome.upserted).toBeGreaterThanOrEqual(1);
    expect(outcome.removed).toBeGreaterThanOrEqual(1);
    expect(await schedulerOf(kept.id)).toMatchObject({ pattern: "0 9 * * *" });
    const live = await h.subgraph.prisma.schedule.findMany({ where: { deletedAt: null, enabled: true, finishedAt: null, job: { deletedAt: null } }, select: { id: true } });
    const inRedis = (await queue.getJobSchedulers(0, -1)).map((scheduler) => scheduler.key);
    const liveIds = new Set(live.map((row) => row.id));
    expect(inRedis.filter((id) => !liveIds.has(id))).toEqual([]);
    expect(inRedis).toContain(kept.id);
  });
});
