import { startRunContract } from "@opsconductor/kit";
import { route } from "@opsconductor/kit/subgraph";
import { createTestSigner, eventually, fakeInternalService } from "@opsconductor/kit/testing";
import { randomBytes, randomUUID } from "node:crypto";
import { createJob, eventsOf, startJobs, type Harness, type JobData } from "./harness";

/** The executions stand-in: POST /internal/runs per startRunContract, idempotent by key like the real one. */
async function fakeExecutions(serviceToken: string, options: { refuse?: boolean } = {}) {
  const runs = new Map<string, { runId: string; number: number }>();
  const bodies: Array<{ idempotencyKey: string; scheduleId: string | null; trigger: string; parameters: Record<string, string> }> = [];
  const fake = await fakeInternalService({
    serviceToken,
    routes: [
      route(startRunContract, async ({ body }) => {
        bodies.push(body);
        if (options.refuse) {
          const { internalFailure } = await import("@opsconductor/kit/subgraph");
          throw internalFailure(400, "parameters.count must be at most 5", "parameters.count");
        }
        const existing = runs.get(body.idempotencyKey);
        if (existing) return existing;
        const run = { runId: randomUUID(), number: runs.size + 1 };
        runs.set(body.idempotencyKey, run);
        return run;
      }),
    ],
  });
  return { ...fake, bodies, runs };
}

const CREATE = `mutation($input: ScheduleInput!) { createSchedule(input: $input) { id } }`;
const second = (ms: number) => Math.ceil(ms / 1000) * 1000;

describe("schedule worker", () => {
  const serviceToken = randomBytes(24).toString("hex");
  const prefix = `opsc-test-jobs-sched-${randomBytes(4).toString("hex")}:`;
  const signer = createTestSigner();
  let executions: Awaited<ReturnType<typeof fakeExecutions>>;
  let replicas: Harness[];
  let job: JobData;

  beforeAll(async () => {
    executions = await fakeExecutions(serviceToken);
    // Two replicas of the service: same database, same Redis prefix, each with its own worker.
    const env = { SERVICE_TOKEN: serviceToken, REDIS_KEY_PREFIX: prefix, EXECUTIONS_URL: executions.url, JOBS_SCHEDULE_WORKER_ENABLED: "true" };
    replicas = [await startJobs(env, signer), await startJobs(env, signer)];
    job = await createJob(replicas[0]!, { steps: [{ content: "echo {{greeting}}" }], parameters: [{ name: "greeting", defaultValue: "hi" }] });
  });
  afterAll(async () => {
    for (const replica of replicas ?? []) await replica.stop();
    await executions?.close();
  });

  it("fires every second: ticks inside the blackout window are SKIPPED, the others start exactly one run each, with two replicas", async () => {
    const [a] = replicas;
    const startAt = second(Date.now() + 2000);
    const window = { startsAt: new Date(startAt + 3000).toISOString(), endsAt: new Date(startAt + 6000).toISOString() };
    const endAt = startAt + 9000;
    const { createSchedule } = await a!.ok<{ createSchedule: { id: string } }>(CREATE, {
      input: {
        jobId: job.id,
        kind: "INTERVAL",
        intervalSeconds: 1,
        startAt: new Date(startAt).toISOString(),
        endAt: new Date(endAt).toISOString(),
        parameters: [{ name: "greeting", value: "scheduled" }],
        blackoutWindows: [{ kind: "DATE_RANGE", label: "maintenance", ...window }],
      },
    });
    const id = createSchedule.id;
    const occurrences = () => a!.subgraph.prisma.scheduleOccurrence.findMany({ where: { scheduleId: id }, orderBy: { scheduledFor: "asc" } });
    // Wait (no timing assertion) until the schedule is over and every claimed tick is settled.
    await eventually(async () => Date.now() > endAt + 1500 && (await occurrences()).every((row) => row.status !== "PENDING"), 60_000, 250);
    const rows = await occurrences();

    const inside = (at: Date) => at.getTime() >= startAt + 3000 && at.getTime() < startAt + 6000;
    expect(rows.filter((row) => inside(row.scheduledFor)).map((row) => row.status)).toEqual(expect.arrayContaining(["SKIPPED"]));
    expect(rows.filter((row) => inside(row.scheduledFor)).every((row) => row.status === "SKIPPED" && row.reason?.includes("maintenance"))).toBe(true);
    const outside = rows.filter((row) => !inside(row.scheduledFor));
    expect(outside.every((row) => row.status === "STARTED" && row.runId)).toBe(true);
    expect(outside.some((row) => row.scheduledFor.getTime() < startAt + 3000)).toBe(true);
    expect(outside.some((row) => row.scheduledFor.getTime() >= startAt + 6000)).toBe(true);
    // Every tick lies on the schedule's grid, within [startAt, endAt].
    for (const row of rows) {
      expect((row.scheduledFor.getTime() - startAt) % 1000).toBe(0);
      expect(row.scheduledFor.getTime()).toBeGreaterThanOrEqual(startAt);
      expect(row.scheduledFor.getTime()).toBeLessThanOrEqual(endAt);
    }

    // Exactly one executions call per started tick, keyed by the tick; none for skipped ones.
    const calls = executions.bodies.filter((body) => body.scheduleId === id);
    const keys = calls.map((body) => body.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(outside.map((row) => `schedule:${id}:${row.scheduledFor.toISOString()}`).sort());
    expect(calls.every((body) => body.trigger === "SCHEDULE" && body.parameters.greeting === "scheduled")).toBe(true);
    expect(outside.map((row) => row.runId).sort()).toEqual(outside.map((row) => executions.runs.get(`schedule:${id}:${row.scheduledFor.toISOString()}`)?.runId).sort());

    const schedule = await a!.subgraph.prisma.schedule.findUniqueOrThrow({ where: { id } });
    expect(schedule.runCount).toBe(outside.length);
    const skipped = await eventsOf(a!, { type: "jobs.schedule.skipped", subjectId: id });
    expect(skipped).toHaveLength(rows.length - outside.length);
    const fired = await eventsOf(a!, { type: "jobs.schedule.fired", subjectId: id });
    expect(fired.map((event) => event.data.outcome)).toEqual(outside.map(() => "STARTED"));
    expect(await eventsOf(a!, { contains: "scheduled\"" })).toEqual([]);
    const page = await a!.ok<{ schedule: { occurrences: { total: number; items: Array<{ status: string }> }; nextRuns: unknown[] } }>(
      "query($id: ID!) { schedule(id: $id) { occurrences(pagination: { limit: 100 }) { total items { status scheduledFor runId } } nextRuns(n: 3) { at } } }",
      { id },
    );
    expect(page.schedule.occurrences.total).toBe(rows.length);
    expect(page.schedule.nextRuns).toEqual([]);
  });

  it("records one occurrence when a tick is handled twice at once (replicas racing), and the run is asked for once", async () => {
    const [a, b] = replicas;
    const { createSchedule } = await a!.ok<{ createSchedule: { id: string } }>(CREATE, {
      input: { jobId: job.id, kind: "CRON", cron: "0 0 1 1 *", timezone: "UTC", enabled: true },
    });
    const at = new Date("2031-01-01T00:00:00Z");
    const outcomes = await Promise.all([a!, b!, a!, b!].map((replica) => replica.subgraph.services.scheduler.tick(createSchedule.id, at)));
    expect(outcomes.filter((outcome) => outcome === "STARTED")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === "DUPLICATE")).toHaveLength(3);
    expect(await a!.subgraph.prisma.scheduleOccurrence.count({ where: { scheduleId: createSchedule.id } })).toBe(1);
    expect(executions.bodies.filter((body) => body.scheduleId === createSchedule.id)).toHaveLength(1);
  });

  it("records FAILED with the reason when executions refuses, and a ONCE schedule finishes after its tick", async () => {
    const refusing = await fakeExecutions(serviceToken, { refuse: true });
    const replica = await startJobs({ SERVICE_TOKEN: serviceToken, EXECUTIONS_URL: refusing.url }, signer);
    try {
      const { createSchedule } = await replica.ok<{ createSchedule: { id: string } }>(CREATE, {
        input: { jobId: job.id, kind: "ONCE", runAt: new Date(Date.now() + 3_600_000).toISOString() },
      });
      const row = await replica.subgraph.prisma.schedule.findUniqueOrThrow({ where: { id: createSchedule.id } });
      expect(await replica.subgraph.services.scheduler.tick(row.id, new Date())).toBe("FAILED");
      const [occurrence] = await replica.subgraph.prisma.scheduleOccurrence.findMany({ where: { scheduleId: row.id } });
      expect(occurrence).toMatchObject({ status: "FAILED", scheduledFor: row.runAt, reason: "executions answered 400: parameters.count: parameters.count must be at most 5" });
      const finished = await replica.subgraph.prisma.schedule.findUniqueOrThrow({ where: { id: row.id } });
      expect(finished.finishedAt).not.toBeNull();
      expect(await replica.subgraph.services.scheduler.queue.getJobScheduler(row.id)).toBeUndefined();
      const [event] = await eventsOf(replica, { type: "jobs.schedule.fired", subjectId: row.id });
      expect(event?.data).toMatchObject({ outcome: "FAILED", runId: null });
    } finally {
      await replica.stop();
      await refusing.close();
    }
  });

  it("resumes a tick left PENDING by a worker that died between claim and call (after the lease), once", async () => {
    const [a] = replicas;
    const { createSchedule } = await a!.ok<{ createSchedule: { id: string } }>(CREATE, {
      input: { jobId: job.id, kind: "CRON", cron: "0 0 1 1 *", timezone: "UTC" },
    });
    const at = new Date("2032-01-01T00:00:00Z");
    const stale = new Date(Date.now() - 5 * 60_000);
    await a!.subgraph.prisma.scheduleOccurrence.create({ data: { scheduleId: createSchedule.id, scheduledFor: at, status: "PENDING", createdAt: stale, updatedAt: stale } });
    // A fresh claim is left alone (its worker may still be calling).
    await a!.subgraph.prisma.scheduleOccurrence.create({ data: { scheduleId: createSchedule.id, scheduledFor: new Date("2033-01-01T00:00:00Z"), status: "PENDING" } });
    const outcome = await a!.subgraph.services.scheduler.reconcile();
    expect(outcome.resumed).toBeGreaterThanOrEqual(1);
    const rows = await a!.subgraph.prisma.scheduleOccurrence.findMany({ where: { scheduleId: createSchedule.id }, orderBy: { scheduledFor: "asc" } });
    expect(rows.map((row) => row.status)).toEqual(["STARTED", "PENDING"]);
    expect(executions.bodies.filter((body) => body.idempotencyKey === `schedule:${createSchedule.id}:${at.toISOString()}`)).toHaveLength(1);
    await a!.subgraph.prisma.scheduleOccurrence.deleteMany({ where: { scheduleId: createSchedule.id, status: "PENDING" } });
  });

  it("stops at maxRuns", async () => {
    const [a] = replicas;
    const { createSchedule } = await a!.ok<{ createSchedule: { id: string } }>(CREATE, {
      input: { jobId: job.id, kind: "CRON", cron: "0 0 * * *", timezone: "UTC", maxRuns: 2 },
    });
    const scheduler = a!.subgraph.services.scheduler;
    expect(await scheduler.tick(createSchedule.id, new Date("2031-01-01T00:00:00Z"))).toBe("STARTED");
    expect(await scheduler.tick(createSchedule.id, new Date("2031-01-02T00:00:00Z"))).toBe("STARTED");
    expect(await scheduler.tick(createSchedule.id, new Date("2031-01-03T00:00:00Z"))).toBe("INACTIVE");
    const row = await a!.subgraph.prisma.schedule.findUniqueOrThrow({ where: { id: createSchedule.id } });
    expect([row.runCount, row.finishedAt !== null]).toEqual([2, true]);
    expect(await scheduler.queue.getJobScheduler(createSchedule.id)).toBeUndefined();
  });
});
