import { eventually, withFreshPort } from "@opsconductor/kit/testing";
import net from "node:net";
import { collect, liveClient, type LiveResult, type LiveTestClient } from "../live-client";
import { gatewayUrl, gql, isAlive, loginAsAdmin, restartService, stack, unique } from "./stack";

/**
 * A bulk connection test whose targets process is killed (SIGKILL) mid-batch: the restarted process's
 * reaper finishes it, untested targets INTERRUPTED, and a client following it through the gateway
 * sees it end. Targets answer from listeners on 127.0.0.1 that this file starts: a greeting one (a
 * TELNET test passes at once) and silent ones (an HTTP test waits for the stack's 5 s timeout).
 */

const STALE_SECONDS = 3;
let token: string;
const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();
let client: LiveTestClient | undefined;

interface Batch {
  id: string;
  total: number;
  done: number;
  ok: number;
  failed: number;
  finishedAt: string | null;
  error: string | null;
  results: Array<{ targetId: string; ok: boolean; errorCategory: string | null; message: string | null }>;
}
const FIELDS = "id total done ok failed finishedAt error results { targetId ok errorCategory message }";

async function call<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await gql<T>(query, variables, token);
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

async function listen(onConnection: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined).on("close", () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return (server.address() as net.AddressInfo).port;
}

async function target(method: Record<string, unknown>): Promise<string> {
  const created = await withFreshPort((port) =>
    call<{ createTarget: { id: string } }>("mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }", {
      input: { name: unique("crash"), address: "127.0.0.1", port },
    }),
  );
  await call("mutation($t: ID!, $input: ConnectionMethodInput!) { addConnectionMethod(targetId: $t, input: $input) { id } }", { t: created.createTarget.id, input: method });
  return created.createTarget.id;
}

const batch = async (id: string) => (await call<{ connectionTestBatch: Batch }>(`query($id: ID!) { connectionTestBatch(id: $id) { ${FIELDS} } }`, { id })).connectionTestBatch;

beforeAll(async () => {
  token = (await loginAsAdmin()).accessToken;
}, 30_000);

afterAll(async () => {
  await client?.client.dispose();
  for (const socket of sockets) socket.destroy();
  for (const server of servers) server.close();
  // setup-after-env.ts starts targets again with the stack's own settings for the files after this one.
}, 60_000);

describe("a bulk connection test whose process is killed", () => {
  it("is finished by the restarted service's reaper: tested targets keep their results, the rest INTERRUPTED, live to the end", async () => {
    const greeting = await listen((socket) => socket.write("welcome\r\n"));
    const silent = await listen(() => undefined);
    const fast = [];
    for (let i = 0; i < 3; i++) fast.push(await target({ type: "TELNET", port: greeting }));
    const slow = [];
    for (let i = 0; i < 30; i++) slow.push(await target({ type: "HTTP", port: silent, https: false }));

    const batchId = (await call<{ testTargetConnections: { id: string } }>("mutation($ids: [ID!]) { testTargetConnections(ids: $ids) { id } }", { ids: [...fast, ...slow] }))
      .testTargetConnections.id;
    client = liveClient(gatewayUrl, token);
    const progress = collect(client.client, { query: `subscription($id: ID!) { connectionTestBatchUpdated(batchId: $id) { ${FIELDS} } }`, variables: { id: batchId } });

    await progress.nth(1);
    // The greeting targets answer at once; the silent ones hold the workers for 5 s: kill then.
    await eventually(async () => (await batch(batchId)).ok >= 1);
    const pid = stack().pids.targets;
    process.kill(pid, "SIGKILL");
    await eventually(async () => !isAlive(pid));
    await restartService("targets", { CONNECTION_TEST_BATCH_STALE_SECONDS: String(STALE_SECONDS) });
    const finished = await eventually(async () => {
      const view = await batch(batchId);
      return view.finishedAt ? view : null;
    }, 30_000);

    expect(finished).toMatchObject({ total: 33, done: 33 });
    expect(finished.results).toHaveLength(33);
    expect(new Set(finished.results.map((result) => result.targetId)).size).toBe(33);
    const interrupted = finished.results.filter((result) => result.errorCategory === "INTERRUPTED");
    // Killed before any silent target's 5 s timeout: none of them was tested.
    expect(interrupted.length).toBeGreaterThanOrEqual(30);
    for (const result of interrupted) expect(result.message).toMatch(/process running this batch stopped .*run the test again/);
    expect(finished.ok).toBe(finished.results.filter((result) => result.ok).length);
    expect(finished.ok).toBeGreaterThanOrEqual(1);
    expect(finished.failed).toBe(33 - finished.ok);
    expect(finished.error).toMatch(new RegExp(`^${interrupted.length} of 33 targets not tested`));

    // A client that followed it through the gateway sees the end (published by the new process's reaper).
    const seen = (result: LiveResult) => (result.data as { connectionTestBatchUpdated?: Batch } | null)?.connectionTestBatchUpdated;
    const results = await progress.until((result) => Boolean(seen(result)?.finishedAt));
    expect(seen(results.find((result) => seen(result)?.finishedAt)!)).toMatchObject({ id: batchId, done: 33, total: 33, error: finished.error });
    progress.unsubscribe();
  }, 120_000);
});
