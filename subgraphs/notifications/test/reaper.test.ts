import { randomUUID } from "node:crypto";
import { Queue, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { RunningOf } from "@opsconductor/kit/subgraph";
import { createTestSigner, eventually, startTestSubgraph } from "@opsconductor/kit/testing";
import { bullPrefix, DELIVERY_QUEUE } from "../src/delivery/queue";
import notificationsSubgraph from "../src/subgraph";

/**
 * The delivery reaper against real PostgreSQL and Redis: which PENDING deliveries it takes as stuck
 * (queued long ago, no live BullMQ job), and what it does with them. The e2e side (a job deleted from
 * Redis mid-attempt, then SENT) is gateway/test/e2e/notifications-reaper.test.ts.
 */
describe("notifications: the reaper of stuck deliveries", () => {
  let subgraph: RunningOf<typeof notificationsSubgraph>;
  let connection: Redis;
  let queue: Queue;

  beforeAll(async () => {
    subgraph = await startTestSubgraph(notificationsSubgraph, {
      keys: createTestSigner().keys,
      env: { NOTIFICATIONS_SECRETS_KEY: "ab".repeat(32), USERS_URL: "http://127.0.0.1:9", TARGETS_URL: "http://127.0.0.1:9", NOTIFICATIONS_MAX_ATTEMPTS: "3" },
    });
    connection = new Redis(subgraph.env.REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(DELIVERY_QUEUE, { connection, prefix: bullPrefix(subgraph.env.REDIS_KEY_PREFIX) });
  });
  afterAll(async () => {
    await queue?.close();
    connection?.disconnect();
    await subgraph?.stop();
  });

  /** A delivery as a worker left it: PENDING, queued an hour ago, after `attempts` sends. */
  const stuck = (attempts: number, lastError: string | null) =>
    subgraph.prisma.delivery.create({
      data: {
        eventId: randomUUID(),
        eventType: "executions.run.finished",
        channelType: "WEBHOOK",
        subject: "s",
        body: "b",
        payload: {},
        attempts,
        lastError,
        queuedAt: new Date(Date.now() - 3_600_000),
      },
    });

  it("queues again a delivery whose job is lost or ended with attempts left, fails one out of attempts, leaves live jobs alone", async () => {
    const lost = await stuck(1, "receiver answered HTTP 500");
    const ended = await stuck(2, "receiver answered HTTP 503");
    const spent = await stuck(3, "receiver answered HTTP 500");
    const delayed = await stuck(1, "receiver answered HTTP 500");
    const recent = await subgraph.prisma.delivery.update({ where: { id: (await stuck(0, null)).id }, data: { queuedAt: new Date() } });
    // `ended`: BullMQ gave up on its job (in the failed set) while the row stayed PENDING; `delayed`: a retry is due later.
    await queue.add("send", { deliveryId: delayed.id }, { jobId: `${delayed.id}.0`, delay: 3_600_000 });
    await queue.add("send", { deliveryId: ended.id }, { jobId: `${ended.id}.0` });
    const workerConnection = connection.duplicate();
    const worker = new Worker(DELIVERY_QUEUE, async () => {
      throw new UnrecoverableError("gone");
    }, { connection: workerConnection, prefix: bullPrefix(subgraph.env.REDIS_KEY_PREFIX) });
    await eventually(async () => ((await queue.getJobState(`${ended.id}.0`)) === "failed" ? true : undefined), 10_000, 50);
    await worker.close();
    workerConnection.disconnect();
    const failedState = "failed";

    const outcome = await subgraph.services.deliveries.reapStuck(60_000);
    const rows = new Map((await subgraph.prisma.delivery.findMany({ where: { id: { in: [lost.id, ended.id, spent.id, delayed.id, recent.id] } } })).map((row) => [row.id, row]));
    expect(rows.get(lost.id)).toMatchObject({ status: "PENDING", queuedAt: null, lastError: "reaper: its queue job was lost; queued again (last send error: receiver answered HTTP 500)" });
    expect(rows.get(ended.id)).toMatchObject({ status: "PENDING", queuedAt: null, lastError: `reaper: its queue job ended (${failedState}) while the delivery was still pending; queued again (last send error: receiver answered HTTP 503)` });
    expect(await queue.getJobState(`${ended.id}.0`)).toBe("unknown");
    expect(rows.get(spent.id)).toMatchObject({ status: "FAILED", lastError: "reaper: its queue job was lost; no send attempt left (last send error: receiver answered HTTP 500)" });
    expect(rows.get(delayed.id)).toMatchObject({ status: "PENDING", lastError: "receiver answered HTTP 500" });
    expect(rows.get(delayed.id)!.queuedAt).not.toBeNull();
    expect(rows.get(recent.id)!.queuedAt).not.toBeNull();
    expect(outcome.requeued).toBeGreaterThanOrEqual(2);
    expect(outcome.failed).toBeGreaterThanOrEqual(1);

    // Reaped again later, the last send error is kept once, not nested.
    await subgraph.prisma.delivery.update({ where: { id: lost.id }, data: { queuedAt: new Date(Date.now() - 3_600_000) } });
    await subgraph.services.deliveries.reapStuck(60_000);
    expect((await subgraph.prisma.delivery.findUnique({ where: { id: lost.id } }))!.lastError).toBe(
      "reaper: its queue job was lost; queued again (last send error: receiver answered HTTP 500)",
    );
    await queue.remove(`${delayed.id}.0`);
  });
});
