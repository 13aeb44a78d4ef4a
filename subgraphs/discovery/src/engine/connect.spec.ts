import net from "node:net";
import { Connector, type PortState } from "./connect";

/** Blocks this thread (a busy process whose event loop runs late). */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spinning on purpose
  }
}

describe("Connector", () => {
  let server: net.Server;
  let open: number;
  let closed: number;
  beforeAll(async () => {
    server = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    open = (server.address() as net.AddressInfo).port;
    // A port that was just free: nothing listens there (refused).
    const spare = net.createServer();
    await new Promise<void>((resolve) => spare.listen(0, "127.0.0.1", resolve));
    closed = (spare.address() as net.AddressInfo).port;
    await new Promise((resolve) => spare.close(resolve));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const probe = (connector: Connector, port: number, timeoutMs: number) =>
    new Promise<{ state: PortState; rttMs: number | null }>((resolve) => connector.probe("127.0.0.1", port, timeoutMs, (state, rttMs) => resolve({ state, rttMs })));

  it("takes in answers that arrived while the loop was late before calling anything past its deadline filtered", async () => {
    const connector = new Connector();
    const answers = Promise.all([probe(connector, open, 20), probe(connector, closed, 20)]);
    // Past both deadlines before the loop could read either answer (the kernel has them by now).
    busy(150);
    const [first, second] = await answers;
    expect(first.state).toBe("open");
    expect(second.state).toBe("closed");
    expect(connector.size).toBe(0);
  });

  it("ends every connect in flight on stop, without calling back", async () => {
    const connector = new Connector();
    const calls: PortState[] = [];
    for (let index = 0; index < 20; index++) connector.probe("127.0.0.1", closed, 1_000, (state) => calls.push(state));
    connector.stop();
    expect(connector.size).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toEqual([]);
  });
});
