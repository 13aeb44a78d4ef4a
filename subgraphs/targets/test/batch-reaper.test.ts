import { liveChannel, liveTopics } from "@opsconductor/kit";
import { withFreshPort } from "@opsconductor/kit/testing";
import { Redis } from "ioredis";
import { randomUUID } from "node:crypto";
import net from "node:net";
import { outboxFor, startTargets, suffix, type Harness } from "./harness";

/**
 * Bulk connection tests interrupted by a crash or a shutdown are finished, not left running forever:
 * a heartbeat on the batch, and a reaper (at start and periodically) in every targets process.
 * The crash of a real process is in gateway/test/e2e/targets-connectivity.test.ts; here the dead
 * process is simulated by a batch row whose heartbeat is old, and the shutdown is a real stop().
 */

const STALE_SECONDS = 2;
const TIMEOUT_MS = 1500;

let h: Harness;
/** A loopback listener that accepts TCP and never answers: an HTTP test against it takes the full timeout. */
let silent: net.Server;
let silentPort: number;
const sockets = new Set<net.Socket>();

interface BatchView {
  id: string;
  total: number;
  done: number;
  ok: number;
  failed: number;
  finishedAt: string | null;
  error: string | null;
  results: Array<{ targetId: string; ok: boolean; errorCategory: string | null; message: string | null }>;
}
const BATCH = "id total done ok failed finishedAt error results { targetId ok errorCategory message }";

async function call<T>(harness: Harness, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const token = harness.signer.sign({ id: randomUUID(), permissions: ["targets:read", "targets:write"] });
  const result = await harness.graphql<T>(query, variables, { token });
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

/** A target whose primary method is HTTP on the silent listener (so its test hangs until the timeout). */
async function hangingTarget(harness: Harness): Promise<string> {
  const created = await withFreshPort((port) =>
    call<{ createTarget: { id: string } }>(harness, "mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }", {
      input: { name: `reap-${suffix()}`, address: "127.0.0.1", port },
    }),
  );
  await call(harness, "mutation($t: ID!, $input: ConnectionMethodInput!) { addConnectionMethod(targetId: $t, input: $input) { id } }", {
    t: created.createTarget.id,
    input: { type: "HTTP", port: silentPort, https: false },
  });
  return created.createTarget.id;
}

const batchOf = async (harness: Harness, id: string) =>
  (await call<{ connectionTestBatch: BatchView }>(harness, `query($id: ID!) { connectionTestBatch(id: $id) { ${BATCH} } }`, { id })).connectionTestBatch;

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Inserts a batch row as a process that then died would have left it: heartbeat `ageSeconds` old. */
async function leftBatch(targetIds: string[], ageSeconds: number): Promise<string> {
  const id = randomUUID();
  await h.db.$executeRawUnsafe(
    `INSERT INTO connection_test_batches (id, total, done, ok, failed, target_ids, created_at, heartbeat_at)
     VALUES ($1::uuid, $2, 1, 1, 0, $3::uuid[], (now() AT TIME ZONE 'UTC') - make_interval(secs => $4::int), (now() AT TIME ZONE 'UTC') - make_interval(secs => $4::int))`,
    id,
    targetIds.length,
    targetIds,
    ageSeconds,
  );
  // The dead process had tested the first target (ok) before it died.
  await h.db.connectionCheck.create({ data: { targetId: targetIds[0], batchId: id, ok: true, latencyMs: 3, methodType: "HTTP" } });
  return id;
}

beforeAll(async () => {
  silent = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  silentPort = (silent.address() as net.AddressInfo).port;
  h = await startTargets({
    CONNECTION_TEST_BATCH_STALE_SECONDS: String(STALE_SECONDS),
    CONNECTION_TEST_TIMEOUT_MS: String(TIMEOUT_MS),
    CONNECTION_TEST_CONCURRENCY: "1",
  });
}, 60_000);

afterAll(async () => {
  await h?.stop();
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent?.close(resolve));
});

describe("interrupted bulk connection tests", () => {
  it("finishes a batch whose process died: untested targets INTERRUPTED, counts from the results, an event and a live update", async () => {
    const targets = [await hangingTarget(h), await hangingTarget(h), await hangingTarget(h)];
    const batchId = await leftBatch(targets, 3600);
    const subscriber = new Redis(h.subgraph.env.REDIS_URL);
    const published: string[] = [];
    subscriber.on("message", (_channel: string, message: string) => published.push(message));
    await subscriber.subscribe(liveChannel(h.subgraph.env.REDIS_KEY_PREFIX, liveTopics.connectionTestBatchUpdated.channel({ batchId })));
    try {
      // The periodic reaper (every STALE_SECONDS / 2) finds it.
      const batch = await until("the reaper", async () => {
        const view = await batchOf(h, batchId);
        return view.finishedAt ? view : null;
      });
      expect(batch).toMatchObject({ total: 3, done: 3, ok: 1, failed: 2 });
      expect(batch.error).toMatch(/^2 of 3 targets not tested: interrupted: the process running this batch stopped/);
      const byTarget = new Map(batch.results.map((result) => [result.targetId, result]));
      expect(batch.results).toHaveLength(3);
      expect(byTarget.get(targets[0])).toMatchObject({ ok: true, errorCategory: null });
      for (const id of targets.slice(1)) {
        expect(byTarget.get(id)).toMatchObject({ ok: false, errorCategory: "INTERRUPTED" });
        expect(byTarget.get(id)!.message).toMatch(/no heartbeat for over 2 s.*run the test again/);
      }
      // An interrupted test says nothing about the target's health: it stays as it was.
      const rows = await h.db.target.findMany({ where: { id: { in: targets.slice(1) } } });
      expect(rows.map((row) => row.healthStatus)).toEqual(["UNKNOWN", "UNKNOWN"]);
      await until("the live update", async () => published.some((message) => JSON.parse(message).id === batchId));
      const events = await h.db.$queryRawUnsafe<Array<{ payload: { data: Record<string, unknown> } }>>(
        "SELECT payload FROM outbox_events WHERE type = 'targets.batch.interrupted' AND payload->'subject'->>'id' = $1",
        batchId,
      );
      expect(events.map((event) => event.payload.data)).toEqual([{ id: batchId, total: 3, interrupted: 2, reason: expect.stringMatching(/^interrupted:/) }]);
    } finally {
      subscriber.disconnect();
    }
  });

  it("leaves a batch with a fresh heartbeat alone, and finishes it once however many reapers run", async () => {
    const targets = [await hangingTarget(h), await hangingTarget(h)];
    // Heartbeat 30 s ahead: fresh for the whole check, however slow the machine.
    const batchId = await leftBatch(targets, -30);
    const connectivity = h.subgraph.services.connectivity;
    expect(await connectivity.reap()).not.toContain(batchId);
    expect((await batchOf(h, batchId)).finishedAt).toBeNull();

    // A second targets process (another replica) reaps at the same time as this one.
    await h.db.$executeRawUnsafe("UPDATE connection_test_batches SET heartbeat_at = heartbeat_at - interval '1 hour' WHERE id = $1::uuid", batchId);
    const other = await startTargets({ CONNECTION_TEST_BATCH_STALE_SECONDS: String(STALE_SECONDS) });
    try {
      const sweeps = await Promise.all([connectivity.reap(), other.subgraph.services.connectivity.reap(), connectivity.reap()]);
      expect(sweeps.flat().filter((id) => id === batchId).length).toBeLessThanOrEqual(1);
    } finally {
      await other.stop();
    }
    const batch = await until("the reaper", async () => {
      const view = await batchOf(h, batchId);
      return view.finishedAt ? view : null;
    });
    expect(batch).toMatchObject({ total: 2, done: 2, ok: 1, failed: 1 });
    expect(batch.results.filter((result) => result.errorCategory === "INTERRUPTED")).toHaveLength(1);
    expect((await outboxFor(h.db, batchId)).filter((event) => event.type === "targets.batch.interrupted")).toHaveLength(1);
  });

  it("never reaps a batch its live process is still running: the heartbeat keeps another replica's reaper off", async () => {
    // The batch runs in a second targets process; this one's reaper (every 1 s, stale after 2 s) watches
    // it. Each hanging target takes 3 s, longer than the stale limit, so between two results only the
    // running process's heartbeat timer keeps the batch from being reaped.
    const runner = await startTargets({ CONNECTION_TEST_BATCH_STALE_SECONDS: String(STALE_SECONDS), CONNECTION_TEST_TIMEOUT_MS: "3000", CONNECTION_TEST_CONCURRENCY: "1" });
    try {
      const targets = [await hangingTarget(runner), await hangingTarget(runner)];
      const started = await call<{ testTargetConnections: { id: string } }>(runner, "mutation($ids: [ID!]) { testTargetConnections(ids: $ids) { id } }", { ids: targets });
      const batchId = started.testTargetConnections.id;
      const batch = await until(
        "the batch",
        async () => {
          const view = await batchOf(h, batchId);
          return view.finishedAt ? view : null;
        },
        60_000,
      );
      expect(batch).toMatchObject({ total: 2, done: 2, ok: 0, failed: 2, error: null });
      expect(batch.results.map((result) => result.errorCategory)).toEqual(["TIMEOUT", "TIMEOUT"]);
      const row = await h.db.connectionTestBatch.findUniqueOrThrow({ where: { id: batchId } });
      // Heartbeats were written after the start, while it ran.
      expect(row.heartbeatAt!.getTime()).toBeGreaterThan(row.createdAt.getTime() + 1000);
    } finally {
      await runner.stop();
    }
  });

  it("finishes its own running batch at shutdown, the untested targets INTERRUPTED", async () => {
    const other = await startTargets({ CONNECTION_TEST_BATCH_STALE_SECONDS: String(STALE_SECONDS), CONNECTION_TEST_TIMEOUT_MS: String(TIMEOUT_MS), CONNECTION_TEST_CONCURRENCY: "1" });
    let batchId: string;
    try {
      const targets = [await hangingTarget(other), await hangingTarget(other), await hangingTarget(other), await hangingTarget(other)];
      batchId = (await call<{ testTargetConnections: { id: string } }>(other, "mutation($ids: [ID!]) { testTargetConnections(ids: $ids) { id } }", { ids: targets }))
        .testTargetConnections.id;
      await until("the first result", async () => (await batchOf(other, batchId)).done >= 1);
    } finally {
      await other.stop();
    }
    const batch = await batchOf(h, batchId);
    expect(batch.finishedAt).not.toBeNull();
    expect(batch.done).toBe(4);
    expect(batch.failed).toBe(4);
    const interrupted = batch.results.filter((result) => result.errorCategory === "INTERRUPTED");
    // The target in hand at the stop is finished (TIMEOUT); the ones not started are INTERRUPTED.
    expect(interrupted.length).toBeGreaterThanOrEqual(1);
    expect(interrupted.length).toBeLessThanOrEqual(3);
    expect(batch.results.filter((result) => result.errorCategory === "TIMEOUT")).toHaveLength(4 - interrupted.length);
    expect(interrupted[0].message).toMatch(/targets service shut down/);
    expect(batch.error).toMatch(new RegExp(`^${interrupted.length} of 4 targets not tested`));
  });
});
