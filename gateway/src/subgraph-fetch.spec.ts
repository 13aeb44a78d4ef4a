import http from "node:http";
import type { AddressInfo } from "node:net";
import { subgraphFetcher } from "./subgraph-fetch";

/**
 * A real HTTP server on loopback. The second request on any connection is answered by closing that
 * connection without a word: what a client sees when the server retires an idle keep-alive socket
 * just as a request goes out on it.
 */
describe("subgraphFetcher", () => {
  let server: http.Server;
  let url: string;
  const seen: string[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const fetcher = subgraphFetcher(agent);

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      const socket = request.socket as typeof request.socket & { served?: number };
      socket.served = (socket.served ?? 0) + 1;
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        seen.push(body);
        if (socket.served === 2) {
          socket.destroy();
          return;
        }
        response.setHeader("content-type", "application/json");
        response.setHeader("x-opsc-issued-token", "issued");
        response.statusCode = body.includes("teapot") ? 418 : 200;
        response.end(JSON.stringify({ data: { echo: body } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    agent.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen.length = 0;
    agent.destroy();
  });

  const post = (query: string) => fetcher(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });

  it("answers with status, headers and a body that can be read more than once", async () => {
    const response = await post("{ a }");
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.headers.get("X-Opsc-Issued-Token")).toBe("issued");
    expect(await response.json()).toEqual({ data: { echo: JSON.stringify({ query: "{ a }" }) } });
    expect(await response.text()).toBe(JSON.stringify({ data: { echo: JSON.stringify({ query: "{ a }" }) } }));
    const teapot = await post("{ teapot }");
    expect([teapot.status, teapot.ok]).toEqual([418, false]);
  });

  it("sends a query once more when the pooled socket it went out on was closed unanswered", async () => {
    await post("{ first }");
    const second = await post("query Second { b }");
    expect(await second.json()).toEqual({ data: { echo: JSON.stringify({ query: "query Second { b }" }) } });
    expect(seen.filter((body) => body.includes("Second"))).toHaveLength(2);
  });

  it("never sends a mutation twice: the caller gets the error", async () => {
    await post("{ first }");
    await expect(post("mutation { deleteEverything }")).rejects.toMatchObject({ code: "ECONNRESET" });
    expect(seen.filter((body) => body.includes("deleteEverything"))).toHaveLength(1);
  });
});
