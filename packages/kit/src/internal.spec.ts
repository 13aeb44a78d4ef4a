import express from "express";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { defineContract } from "./contracts";
import { callInternal, InternalCallError, internalCall, requireServiceToken, SERVICE_TOKEN_HEADER } from "./internal";

const TOKEN = "s".repeat(40);

describe("requireServiceToken + internalCall (real express app)", () => {
  let server: http.Server;
  let base: string;
  const seen: Array<{ requestId?: string; body: unknown }> = [];

  beforeAll(async () => {
    const app = express();
    app.use("/internal", requireServiceToken(TOKEN));
    app.use(express.json());
    app.get("/internal/ping", (req, res) => {
      seen.push({ requestId: req.header("x-request-id"), body: undefined });
      res.json({ pong: true });
    });
    app.post("/internal/echo", (req, res) => {
      seen.push({ requestId: req.header("x-request-id"), body: req.body });
      res.json({ echoed: req.body });
    });
    app.get("/internal/empty", (_req, res) => {
      res.status(204).end();
    });
    app.get("/internal/broken", (_req, res) => {
      res.status(502).type("text/html").send("<html>Bad Gateway</html>");
    });
    app.get("/public", (_req, res) => {
      res.json({ open: true });
    });
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("answers 401 without a service token and never reaches the route", async () => {
    const before = seen.length;
    const response = await fetch(`${base}/internal/ping`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { message: "service token required" } });
    expect(seen.length).toBe(before);
  });

  it("answers 401 with a wrong token, including one of a different length", async () => {
    for (const wrong of ["t".repeat(40), `${TOKEN}x`, "short"]) {
      const response = await fetch(`${base}/internal/ping`, { headers: { [SERVICE_TOKEN_HEADER]: wrong } });
      expect(response.status).toBe(401);
    }
  });

  it("lets the right token through", async () => {
    const response = await fetch(`${base}/internal/ping`, { headers: { [SERVICE_TOKEN_HEADER]: TOKEN } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ pong: true });
  });

  it("guards only the routes it is mounted on", async () => {
    expect((await fetch(`${base}/public`)).status).toBe(200);
  });

  it("internalCall sends the token and request id, POSTs JSON bodies and returns the parsed answer", async () => {
    await expect(internalCall(`${base}/internal/ping`, { serviceToken: TOKEN, requestId: "req-7" })).resolves.toEqual({ pong: true });
    await expect(internalCall(`${base}/internal/echo`, { serviceToken: TOKEN, body: { a: 1 } })).resolves.toEqual({ echoed: { a: 1 } });
    expect(seen.slice(-2)).toEqual([
      { requestId: "req-7", body: undefined },
      { requestId: undefined, body: { a: 1 } },
    ]);
    await expect(internalCall(`${base}/internal/empty`, { serviceToken: TOKEN })).resolves.toBeUndefined();
  });

  it("internalCall throws InternalCallError with status and body when refused", async () => {
    const error = await internalCall(`${base}/internal/ping`, { serviceToken: "wrong" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InternalCallError);
    expect(error).toMatchObject({ status: 401, body: { error: { message: "service token required" } }, failure: { message: "service token required" }, message: "internal call /internal/ping answered 401" });
  });

  it("internalCall reports a non-JSON error page as InternalCallError, not a JSON parse error", async () => {
    const error = await internalCall(`${base}/internal/broken`, { serviceToken: TOKEN }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InternalCallError);
    expect(error).toMatchObject({ status: 502, body: "<html>Bad Gateway</html>" });
  });
});

describe("callInternal retries (real HTTP server)", () => {
  // A contract-shaped read whose server fails the first `failures` calls with `status`.
  const contract = defineContract({ service: "test", method: "GET", path: "/internal/flaky", response: z.object({ ok: z.literal(true) }) });
  let server: http.Server;
  let url: string;
  let calls = 0;
  let plan: { failures: number; status: number } = { failures: 0, status: 500 };

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      calls++;
      const failing = calls <= plan.failures;
      res.writeHead(failing ? plan.status : 200, { "content-type": "application/json" });
      res.end(JSON.stringify(failing ? { error: { message: "busy" } } : { ok: true }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    calls = 0;
  });

  it("repeats a call that answered 5xx, up to `retries` more times", async () => {
    plan = { failures: 2, status: 500 };
    await expect(callInternal(url, contract, { serviceToken: "t", retries: 3 })).resolves.toEqual({ ok: true });
    expect(calls).toBe(3);
  });

  it("gives up after `retries` and reports the last failure", async () => {
    plan = { failures: 10, status: 503 };
    await expect(callInternal(url, contract, { serviceToken: "t", retries: 2 })).rejects.toMatchObject({ status: 503 });
    expect(calls).toBe(3);
  });

  it("never repeats a refusal (4xx other than 429) nor, by default, anything", async () => {
    plan = { failures: 1, status: 404 };
    await expect(callInternal(url, contract, { serviceToken: "t", retries: 3 })).rejects.toBeInstanceOf(InternalCallError);
    expect(calls).toBe(1);
    calls = 0;
    plan = { failures: 1, status: 500 };
    await expect(callInternal(url, contract, { serviceToken: "t" })).rejects.toMatchObject({ status: 500 });
    expect(calls).toBe(1);
  });
});
