import { createLogger } from "@opsconductor/kit";
import { outboxEvents } from "@opsconductor/kit/testing";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { runJob, startHarness, step, waitForRun, type Harness, type RunView } from "./harness";

/** A SECRET parameter echoed by a command appears nowhere: stored output, chunks, live events, logs, outbox, Redis. */

const logLines: string[] = [];
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ sshdCount: 2, logger: createLogger("executions", "debug", (line) => void logLines.push(line)) });
  await h.startWorkers();
}, 120_000);
afterAll(() => h?.stop(), 60_000);

describe("SECRET parameters", () => {
  it("are redacted from output before it is stored or published, and deleted when the run ends", async () => {
    const secret = `s3cr3t-${randomBytes(12).toString("hex")}`;
    const subscriber = new Redis(h.subgraph.env.REDIS_URL);
    const published: string[] = [];
    await subscriber.psubscribe(`${h.subgraph.env.REDIS_KEY_PREFIX}*`);
    subscriber.on("pmessage", (_pattern: string, _channel: string, message: string) => void published.push(message));
    let run: RunView;
    try {

    const targets = [h.addTarget({}), h.addTarget({})];
    const jobId = h.defineJob({
      steps: [
        step("echo", "echo token={{token}}; echo {{token}} >&2; printf '%s' {{token}} | cut -c1-10"),
        // Split across writes: the redactor holds back a tail until it knows it is not a secret.
        step("split", "printf '%s' {{token}} | fold -w 7; echo; echo {{user}}", { type: "SCRIPT", interpreter: "sh" }),
      ],
      parameters: [
        { name: "token", type: "SECRET", required: true, defaultValue: null, choices: [], pattern: null, min: null, max: null },
        { name: "user", type: "STRING", required: false, defaultValue: "ops", choices: [], pattern: null, min: null, max: null },
      ],
    });
    const started = await runJob(h, jobId, [{ name: "token", value: secret }], targets.map((t) => t.id));
    expect([...started.parameters].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: "token", value: "********" },
      { name: "user", value: "ops" },
    ]);
    const stored = await h.subgraph.prisma.run.findUniqueOrThrow({ where: { id: started.id } });
    expect(stored.secretsEncrypted).toMatch(/^v1\./);
    run = await waitForRun(h, started.id);
    expect(run.status).toBe("SUCCEEDED");
    for (const target of run.targets) {
      expect(target.steps[0].stdout).toBe(`token=********\n${secret.slice(0, 10)}\n`);
      expect(target.steps[0].stderr).toBe("********\n");
      expect(target.steps[1].stdout).toContain("ops\n");
    }
    const everything = JSON.stringify(run);
    expect(everything).not.toContain(secret);

    await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      subscriber.disconnect();
    }
    expect(published.length).toBeGreaterThan(0);
    expect(published.join("\n")).not.toContain(secret);
    const chunks = await h.subgraph.prisma.runOutputChunk.findMany({ where: { runId: run.id } });
    expect(chunks.length).toBeGreaterThan(0);
    expect(JSON.stringify(chunks, (_key, value) => (typeof value === "bigint" ? Number(value) : value))).not.toContain(secret);
    expect(JSON.stringify(await h.subgraph.prisma.stepResult.findMany({ where: { runId: run.id } }))).not.toContain(secret);
    expect((await h.subgraph.prisma.run.findUniqueOrThrow({ where: { id: run.id } })).secretsEncrypted).toBeNull();
    expect(await outboxEvents(h.subgraph.prisma, { contains: secret })).toEqual([]);
    expect((await outboxEvents(h.subgraph.prisma, { subjectId: run.id })).length).toBeGreaterThan(0);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join("\n")).not.toContain(secret);

    // Nothing under the stack's Redis prefix (queue jobs included) holds it either.
    const redis = new Redis(h.subgraph.env.REDIS_URL);
    try {
      const keys = await redis.keys(`${h.subgraph.env.REDIS_KEY_PREFIX}*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        const type = await redis.type(key);
        const dump = type === "hash" ? JSON.stringify(await redis.hgetall(key)) : type === "string" ? await redis.get(key) : "";
        expect(dump ?? "").not.toContain(secret);
      }
    } finally {
      redis.disconnect();
    }
  }, 60_000);

  it("truncates output over the per-step limit with a visible marker", async () => {
    const target = h.addTarget({});
    const jobId = h.defineJob({ steps: [step("loud", "yes abcdefghij | head -c 400000")] });
    const run = await waitForRun(h, (await runJob(h, jobId, [], [target.id])).id);
    const [result] = run.targets[0].steps;
    expect(result.stdoutTruncated).toBe(true);
    expect(result.stdout).toMatch(/\[output truncated: \d+ more bytes not stored\]\n$/);
    expect(result.stdout.length).toBeLessThan(300_000);
  }, 60_000);
});
