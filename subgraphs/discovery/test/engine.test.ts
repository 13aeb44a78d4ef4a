import http from "node:http";
import net from "node:net";
import { runScan, type HostResult, type ScanPlan } from "../src/engine/scanner";
import { parseTargets } from "../src/scan/ranges";

/** The engine against real listeners on loopback addresses (no database, no queue). */

const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();
const listen = (server: net.Server, host: string, port = 0) =>
  new Promise<number>((resolve, reject) => {
    server.on("connection", (socket: net.Socket) => {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.once("close", () => sockets.delete(socket));
    });
    server.once("error", reject);
    server.listen(port, host, () => resolve((server.address() as net.AddressInfo).port));
  });

let web: number;
let greeter: number;
let silent: number;
let excluded: number;
beforeAll(async () => {
  const httpServer = http.createServer((_req, res) => res.writeHead(200, { server: "engine-test" }).end("<title>Engine Test</title>"));
  web = await listen(httpServer, "127.0.0.2");
  const ftp = net.createServer((socket) => socket.end("220 (vsFTPd 3.0.3)\r\n"));
  greeter = await listen(ftp, "127.0.0.3");
  const quiet = net.createServer((socket) => setTimeout(() => socket.destroy(), 3_000).unref());
  silent = await listen(quiet, "127.0.0.4");
  const hidden = net.createServer((socket) => socket.end());
  excluded = await listen(hidden, "127.0.0.5");
  servers.push(httpServer, ftp, quiet, hidden);
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

function plan(overrides: Partial<ScanPlan> = {}): ScanPlan {
  return {
    targets: parseTargets({ ranges: ["127.0.0.0/29"], exclude: ["127.0.0.5"] }, { maxHosts: 65_536, allowNonLoopback: false }),
    ports: [web, greeter, silent, excluded],
    hostDiscovery: "NONE",
    timeoutMs: 1_000,
    concurrency: 50,
    rateLimit: null,
    bannerWaitMs: 1_000,
    deviceTypes: new Set(["linux-server", "other"]),
    ...overrides,
  };
}

async function scan(input: ScanPlan, signal = new AbortController().signal) {
  const hosts: HostResult[] = [];
  let done = 0;
  let probed = 0;
  await runScan(input, { hostDone: (_up, result) => (done++, result && hosts.push(result)), probed: (count) => (probed += count) }, signal);
  return { hosts: hosts.sort((a, b) => a.address.localeCompare(b.address)), done, probed };
}

describe("scan engine", () => {
  it("finds exactly the open ports, identifies the services, and never touches an excluded address", async () => {
    const { hosts, done, probed } = await scan(plan());
    // 127.0.0.1-6 without the excluded .5: five hosts, four ports each.
    expect(done).toBe(5);
    expect(probed).toBe(20);
    const open = hosts.flatMap((host) => host.ports.map((port) => `${host.address}:${port.port}`));
    expect(open).toEqual(expect.arrayContaining([`127.0.0.2:${web}`, `127.0.0.3:${greeter}`, `127.0.0.4:${silent}`]));
    expect(open.filter((entry) => entry.startsWith("127.0.0.5"))).toEqual([]);
    const byAddress = new Map(hosts.map((host) => [host.address, host]));
    expect(byAddress.get("127.0.0.2")!.ports[0]).toMatchObject({ service: "http", httpServer: "engine-test", httpTitle: "Engine Test" });
    expect(byAddress.get("127.0.0.3")!.ports[0]).toMatchObject({ service: "ftp", banner: "220 (vsFTPd 3.0.3)" });
    expect(byAddress.get("127.0.0.4")!.ports[0]).toMatchObject({ banner: null, httpTitle: null, tlsSubject: null });
  });

  it("with TCP ping, pings every host before scanning it", async () => {
    const { done, probed, hosts } = await scan(plan({ hostDiscovery: "TCP_PING" }));
    expect(done).toBe(5);
    // Loopback answers the ping (a reset is an answer): 2 ping connects + 4 ports per host.
    expect(probed).toBe(5 * 6);
    expect(hosts.map((host) => host.address)).toEqual(expect.arrayContaining(["127.0.0.2", "127.0.0.3", "127.0.0.4"]));
  });

  it("stops at once when aborted", async () => {
    const controller = new AbortController();
    const big = plan({ targets: parseTargets({ ranges: ["127.1.0.0/16"] }, { maxHosts: 65_536, allowNonLoopback: false }), ports: Array.from({ length: 200 }, (_, index) => 40_000 + index) });
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const { done } = await scan(big, controller.signal);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(done).toBeLessThan(65_534);
  });
});
