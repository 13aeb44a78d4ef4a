import net from "node:net";
import { eventually } from "@opsconductor/kit/testing";
import { gql, loginAsAdmin, stack, startWorker, unique } from "./stack";

/**
 * A scan whose worker process is killed (SIGKILL) mid-scan is re-run from the start by the worker that
 * takes over (BullMQ finds the job stalled once the dead worker's lock has run out): it ends COMPLETED
 * with exactly the open ports, counters that count one run, and runAttempts 2 — not FAILED, not stuck
 * RUNNING. The worker runs with a 2 s lock here (SCAN_LOCK_MS) so the takeover comes quickly.
 */

const SCAN_FIELDS = `id status error runAttempts startedAt finishedAt progress { hostsTotal hostsDone hostsUp portsProbed openPorts }`;
const START = `mutation($input: StartScanInput!) { startScan(input: $input) { ${SCAN_FIELDS} } }`;
const SCAN = `query($id: ID!) { scan(id: $id) { ${SCAN_FIELDS} } }`;
const HOSTS = `query($scanId: ID!) { discoveredHosts(scanId: $scanId, pagination: { limit: 100 }) { total items { address ports { port } } } }`;

interface ScanView {
  id: string;
  status: string;
  error: string | null;
  runAttempts: number;
  progress: { hostsTotal: number; hostsDone: number; hostsUp: number; portsProbed: number; openPorts: number };
}

const HOST = "127.0.4.77";
let adminToken: string;
let server: net.Server;
let port: number;
const LOCK = { SCAN_LOCK_MS: "2000" };

const scanOf = async (id: string) => (await gql<{ scan: ScanView }>(SCAN, { id }, adminToken)).data!.scan;

beforeAll(async () => {
  adminToken = (await loginAsAdmin()).accessToken;
  // Closes each connection at once (so closing the server never waits for a client).
  server = net.createServer((socket) => socket.on("error", () => {}).destroy());
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  port = (server.address() as net.AddressInfo).port;
  await startWorker("discovery", 1, LOCK);
}, 60_000);

afterAll(async () => {
  if (server) await new Promise((resolve) => server.close(resolve));
  // setup-after-env.ts starts the stack's worker again as it was (default lock) for whatever runs next.
});

it("re-runs a scan whose worker was killed, to a complete result without duplicates", async () => {
  // 127.0.4.0/24 × 20 ports at 1,000 connects/s: about 5 s of scanning, long enough to kill the worker in the middle.
  const started = await gql<{ startScan: ScanView }>(
    START,
    { input: { name: unique("recover"), ranges: ["127.0.4.0/24"], ports: `${port},1-19`, hostDiscovery: "NONE", rateLimit: 1_000, timeoutMs: 1_000 } },
    adminToken,
  );
  expect(started.errors).toBeUndefined();
  const id = started.data!.startScan.id;
  const running = await eventually(async () => {
    const scan = await scanOf(id);
    return scan.status === "RUNNING" && scan.progress.portsProbed > 500 ? scan : undefined;
  }, 30_000, 50);
  expect(running.runAttempts).toBe(1);

  const pid = stack().pids["discovery-worker-1"];
  process.kill(pid, "SIGKILL");
  const killedAt = Date.now();
  // Partway: the dead worker's progress stays until the re-run takes the scan over.
  expect((await scanOf(id)).status).toBe("RUNNING");
  await startWorker("discovery", 1, LOCK);

  const finished = await eventually(async () => {
    const scan = await scanOf(id);
    return ["QUEUED", "RUNNING"].includes(scan.status) ? undefined : scan;
  }, 60_000, 200);
  expect(finished).toMatchObject({ status: "COMPLETED", error: null, runAttempts: 2 });
  // Counted once: the re-run started its counters afresh (254 hosts × 20 ports, retries on top at most).
  expect(finished.progress).toMatchObject({ hostsTotal: 254, hostsDone: 254, hostsUp: 254, openPorts: 1 });
  expect(finished.progress.portsProbed).toBeGreaterThanOrEqual(254 * 20);
  expect(finished.progress.portsProbed).toBeLessThan(254 * 20 * 2);
  const hosts = await gql<{ discoveredHosts: { total: number; items: Array<{ address: string; ports: Array<{ port: number }> }> } }>(HOSTS, { scanId: id }, adminToken);
  expect(hosts.data!.discoveredHosts).toEqual({ total: 1, items: [{ address: HOST, ports: [{ port }] }] });
  // Lock 2 s + two stalled checks, then ~5 s of scanning: well within a minute.
  expect(Date.now() - killedAt).toBeLessThan(60_000);
}, 120_000);
