import net from "node:net";
import { ConnectLoop, type ConnectPlan } from "./connect-loop";

describe("ConnectLoop", () => {
  const servers: net.Server[] = [];
  let port: number;
  let refused: number;
  beforeAll(async () => {
    const listen = async (host: string, at = 0) => {
      const server = net.createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => server.listen(at, host, resolve));
      servers.push(server);
      return (server.address() as net.AddressInfo).port;
    };
    port = await listen("127.0.0.2");
    await listen("127.0.0.4", port);
    // Free on 127.0.0.2-4 (it listens only on .2 and .4 above, and nothing else was given it).
    const spare = net.createServer();
    await new Promise<void>((resolve) => spare.listen(0, "127.0.0.3", resolve));
    refused = (spare.address() as net.AddressInfo).port;
    await new Promise((resolve) => spare.close(resolve));
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  const plan = (): ConnectPlan => ({ ports: [port, refused], hostDiscovery: "NONE", timeoutMs: 1_000, concurrency: 3, rateLimit: null });

  it("reports each open port as it answers and each host once, all of its ports done", async () => {
    const events: string[] = [];
    let probed = 0;
    const loop = new ConnectLoop(
      plan(),
      ["127.0.0.2", "127.0.0.3", "127.0.0.4"][Symbol.iterator](),
      {
        open: (address, openPort, rttMs, waitMs) => {
          expect(rttMs).not.toBeNull();
          expect(waitMs).toBeGreaterThan(0);
          events.push(`open ${address}:${openPort}`);
        },
        host: (address, up) => events.push(`host ${address} ${up ? "up" : "down"}`),
        probed: (count) => (probed += count),
      },
      new AbortController().signal,
    );
    loop.pump();
    await loop.done;
    // A host's open port comes before the host is reported done.
    for (const address of ["127.0.0.2", "127.0.0.4"]) expect(events.indexOf(`open ${address}:${port}`)).toBeLessThan(events.indexOf(`host ${address} up`));
    expect(events.sort()).toEqual([`host 127.0.0.2 up`, `host 127.0.0.3 up`, `host 127.0.0.4 up`, `open 127.0.0.2:${port}`, `open 127.0.0.4:${port}`]);
    expect(probed).toBe(6);
  });

  it("is done at once when aborted", async () => {
    const controller = new AbortController();
    const endless = (function* () {
      for (;;) yield "127.0.0.2";
    })();
    const loop = new ConnectLoop(plan(), endless, { open: () => {}, host: () => {}, probed: () => {} }, controller.signal);
    loop.pump();
    controller.abort();
    await expect(loop.done).resolves.toBeUndefined();
  });
});
