import http from "node:http";
import net from "node:net";
import { probe } from "./probe";

/** The non-SSH probes against throwaway loopback servers. */

async function listen(server: net.Server): Promise<number> {
  // The probe closes its side at once; a reset on the server's side must not surface as an uncaught
  // "read ECONNRESET" in whichever test file runs next.
  server.on("connection", (socket: net.Socket) => socket.on("error", () => undefined));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as net.AddressInfo).port;
}

describe("probe", () => {
  it("HTTP: sends HEAD to the base path and reports the Server header; 401 still proves the service answers", async () => {
    const paths: string[] = [];
    const server = http.createServer((req, res) => {
      paths.push(`${req.method} ${req.url}`);
      res.writeHead(req.url === "/api/" ? 401 : 503, { server: "test-httpd/1.0" }).end();
    });
    const port = await listen(server);
    try {
      const ok = await probe({ type: "HTTP", address: "127.0.0.1", port, timeoutMs: 1000, http: { https: false, basePath: "/api/", tlsVerify: true } });
      expect(ok).toMatchObject({ ok: true, errorCategory: null, serverVersion: "test-httpd/1.0", message: "HTTP 401" });
      const failing = await probe({ type: "HTTP", address: "127.0.0.1", port, timeoutMs: 1000, http: { https: false, basePath: "/", tlsVerify: true } });
      expect(failing).toMatchObject({ ok: false, errorCategory: "PROTOCOL" });
      expect(paths).toEqual(["HEAD /api/", "HEAD /"]);
    } finally {
      server.close();
    }
  });

  it("TELNET: a server that sends its greeting is reachable", async () => {
    const server = net.createServer((socket) => socket.end(Buffer.from([0xff, 0xfd, 0x18])));
    const port = await listen(server);
    try {
      expect(await probe({ type: "TELNET", address: "127.0.0.1", port, timeoutMs: 1000 })).toMatchObject({ ok: true });
    } finally {
      server.close();
    }
  });

  it("HTTP: a listener that never answers is a TIMEOUT within the limit", async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => sockets.push(socket));
    const port = await listen(server);
    try {
      const result = await probe({ type: "HTTP", address: "127.0.0.1", port, timeoutMs: 300, http: { https: false, basePath: "/", tlsVerify: true } });
      expect(result).toMatchObject({ ok: false, errorCategory: "TIMEOUT" });
      expect(result.latencyMs).toBeLessThan(800);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      server.close();
    }
  });
});

describe("probe's DNS category", () => {
  // A real failed lookup would ask the machine's resolver (a packet off loopback), so the resolver is a stand-in here.
  const failing = (code: string) => async () => {
    throw Object.assign(new Error(`getaddrinfo ${code} db.example.test`), { code });
  };

  it.each(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL"])("reports DNS, not a connection failure, when the name does not resolve (%s)", async (code) => {
    const result = await probe({ type: "SSH", address: "db.example.test", port: 22, timeoutMs: 1_000, lookup: failing(code) });
    expect(result).toMatchObject({ ok: false, errorCategory: "DNS" });
    expect(result.message).toContain("db.example.test");
  });

  it("reports DNS when the lookup does not answer within the limit", async () => {
    const result = await probe({ type: "TCP", address: "slow.example.test", port: 22, timeoutMs: 200, lookup: () => new Promise(() => undefined) });
    expect(result).toMatchObject({ ok: false, errorCategory: "DNS" });
    expect(result.latencyMs).toBeLessThan(1_000);
  });

  it("connects to the address a name resolves to", async () => {
    const server = net.createServer((socket) => socket.end("220 ready\r\n"));
    const port = await listen(server);
    try {
      const result = await probe({ type: "TCP", address: "box.example.test", port, timeoutMs: 2_000, lookup: async () => ({ address: "127.0.0.1" }) });
      expect(result.ok).toBe(true);
    } finally {
      server.close();
    }
  });
});
