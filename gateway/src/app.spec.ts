import { createTestSigner } from "@opsconductor/kit/testing";
import { AuthForwardingDataSource, start, type GatewayContext } from "./app";
import { floorCheckedProof } from "@opsconductor/kit/gateway";
import { loadEnv } from "./env";

/**
 * The gateway in-process with its real HTTP stack, limits and explorer. Nothing here reaches a
 * subgraph (they point at a closed port): every request is answered or refused by the gateway itself.
 */
describe("gateway HTTP edge (in-process)", () => {
  const METRICS_TOKEN = "gateway-metrics-token-0123";
  let gateway: Awaited<ReturnType<typeof start>>;
  let origin: string;

  beforeAll(async () => {
    const env = loadEnv({
      PORT: "0",
      LOG_LEVEL: "silent",
      AUTH_URL: "http://127.0.0.1:1",
      USERS_URL: "http://127.0.0.1:1",
      TARGETS_URL: "http://127.0.0.1:1",
      REDIS_KEY_PREFIX: "opsc-gw:",
      SERVICE_TOKEN: "gateway-spec-service-token-0123456789",
      METRICS_TOKEN,
      METRICS_OPERATIONS: "Targets,Login",
    });
    const signer = createTestSigner();
    gateway = await start(env, { keys: signer.keys, handleSignals: false });
    origin = new URL(gateway.url).origin;
  });
  afterAll(() => gateway.lifecycle.shutdown());

  const post = (body: string, type = "application/json") =>
    fetch(gateway.url, { method: "POST", headers: { "content-type": type }, body });

  describe("limits", () => {
    /** Each fragment spreads the next twice: 833 bytes at 15 levels, 2^levels selections expanded. */
    function fanOut(levels: number): string {
      let document = "query FanOut { me { ...F0 } }\n";
      for (let level = 0; level < levels; level += 1) document += `fragment F${level} on User { id ...F${level + 1} ...F${level + 1} }\n`;
      return `${document}fragment F${levels} on User { username }\n`;
    }

    it("answers a 25-level fragment fan-out with a validation error at once (CPU of the whole HTTP round trip, best of 3)", async () => {
      let elapsed = Infinity;
      let response: Response | undefined;
      for (let attempt = 0; attempt < 3; attempt += 1) {
        // CPU time of this process (client and gateway): wall time would count other processes' turns.
        const start = process.cpuUsage();
        response = await post(JSON.stringify({ query: fanOut(25) }));
        await response.clone().arrayBuffer();
        const { user, system } = process.cpuUsage(start);
        elapsed = Math.min(elapsed, (user + system) / 1000);
      }
      const body = (await response!.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
      expect(body.errors[0]).toMatchObject({
        message: 'Operation "FanOut" requests too many selections: more than the maximum of 2000 with fragments expanded',
        extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
      });
      expect(elapsed).toBeLessThan(100);
    });

    /** CPU time of this process (client and gateway) for one round trip, best of 3, and the last body. */
    async function cpuOfRoundTrip(send: () => Promise<Response>) {
      let elapsed = Infinity;
      let body: { errors?: Array<{ message: string; extensions: { code: string } }> } = {};
      let status = 0;
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const start = process.cpuUsage();
        const response = await send();
        body = (await response.json()) as typeof body;
        status = response.status;
        const { user, system } = process.cpuUsage(start);
        elapsed = Math.min(elapsed, (user + system) / 1000);
      }
      return { elapsed, body, status };
    }

    // graphql-js compares same-named fields pairwise (OverlappingFieldsCanBeMerged): these cost
    // 100-400 ms in Apollo's validation, so the gateway refuses them before it runs.
    it.each([
      ["800 copies of one field with a sub-selection", `{ ${"targets { total } ".repeat(800)}}`, /^A field is selected 800 times/],
      ["700 copies of one aliased field", `{ ${"a: me { id } ".repeat(700)}}`, /^Too many aliases/],
    ])("refuses %s before graphql-js validation, in under 50 ms of CPU", async (_name, query, message) => {
      const { elapsed, body, status } = await cpuOfRoundTrip(() => post(JSON.stringify({ query })));
      expect(status).toBe(400);
      expect(body.errors?.map((error) => error.extensions.code)).toContain("GRAPHQL_VALIDATION_FAILED");
      expect(body.errors?.map((error) => error.message)).toContainEqual(expect.stringMatching(message));
      expect(elapsed).toBeLessThan(50);
    });

    it("gates GET queries too", async () => {
      const response = await fetch(`${gateway.url}?query=${encodeURIComponent(fanOut(25))}`, { headers: { "apollo-require-preflight": "1" } });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { errors: Array<{ message: string }> }).errors[0].message).toMatch(/too many selections/);
    });

    it("answers a document past the token limit with a parse error", async () => {
      const response = await post(JSON.stringify({ query: `{ me { ${"id ".repeat(10_000)}} }` }));
      const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
      expect(body.errors[0].extensions.code).toBe("GRAPHQL_PARSE_FAILED");
      expect(body.errors[0].message).toMatch(/5000 tokens/);
    });
  });

  describe("HTTP errors are JSON", () => {
    const expectJsonError = async (response: Response, status: number, code: string) => {
      const text = await response.text();
      expect(response.status).toBe(status);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(text).not.toMatch(/<html|<pre|node_modules|\/work\/|\bat .+\(/i);
      expect(JSON.parse(text)).toEqual({
        errors: [{ message: expect.any(String), extensions: { code, requestId: response.headers.get("x-request-id") } }],
      });
    };

    it("malformed JSON → 400", async () => {
      await expectJsonError(await post('{"query": "{ me { id } }"'), 400, "BAD_REQUEST");
    });
    it("a body over 1 MB → 413", async () => {
      await expectJsonError(await post(JSON.stringify({ query: "#".repeat(1_100_000) })), 413, "PAYLOAD_TOO_LARGE");
    });
    it("a non-JSON body → 415", async () => {
      await expectJsonError(await post("query=%7B%20me%20%7B%20id%20%7D%20%7D", "application/x-www-form-urlencoded"), 415, "UNSUPPORTED_MEDIA_TYPE");
    });
    it("an unknown path or explorer asset → 404", async () => {
      await expectJsonError(await fetch(`${origin}/.env`), 404, "NOT_FOUND");
      await expectJsonError(await fetch(`${origin}/graphiql/assets/..%2f..%2fpackage.json`), 404, "NOT_FOUND");
    });
  });

  describe("explorer", () => {
    it("serves the page with a nonce-based CSP, no framing, nosniff and no referrer", async () => {
      const response = await fetch(`${origin}/graphiql`);
      expect(response.status).toBe(200);
      const csp = response.headers.get("content-security-policy") ?? "";
      const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
      expect(nonce).toBeDefined();
      expect(csp).toContain("frame-ancestors 'none'");
      const scriptSources = /script-src ([^;]*)/.exec(csp)?.[1] ?? "";
      expect(scriptSources).not.toContain("unsafe-inline");
      expect(scriptSources).not.toContain("unsafe-eval");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      const html = await response.text();
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length).toBeGreaterThanOrEqual(4);
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    });

    it("uses a new nonce for every response", async () => {
      const nonceOf = async () => /'nonce-([^']+)'/.exec((await fetch(`${origin}/graphiql`)).headers.get("content-security-policy") ?? "")?.[1];
      expect(await nonceOf()).not.toBe(await nonceOf());
    });

    it("serves its assets with nosniff", async () => {
      const response = await fetch(`${origin}/graphiql/assets/graphiql.js`);
      expect(response.status).toBe(200);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    });
  });

  describe("metrics", () => {
    const scrape = async () =>
      (await (await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text())
        .split("\n")
        .filter((line) => line.startsWith("graphql_operations_total{"));

    it("refuses /metrics without the token", async () => {
      expect((await fetch(`${origin}/metrics`)).status).toBe(401);
    });

    it("200 operations with random names add at most one `other` series; allow-listed names keep theirs", async () => {
      const before = await scrape();
      for (let i = 0; i < 200; i += 1) {
        await post(JSON.stringify({ query: `query R${Math.random().toString(36).slice(2)}${i} { __typename }` }));
      }
      await post(JSON.stringify({ query: "query Targets { __typename }" }));
      const after = await scrape();
      const newSeries = after.filter((line) => !before.some((old) => old.split(" ")[0] === line.split(" ")[0]));
      expect(newSeries.filter((line) => line.includes('operation="other"')).length).toBeLessThanOrEqual(1);
      expect(newSeries.length).toBeLessThanOrEqual(2);
      expect(after.some((line) => /operation="R/.test(line))).toBe(false);
      expect(after.some((line) => line.startsWith('graphql_operations_total{operation="Targets"'))).toBe(true);
    });
  });
});

describe("AuthForwardingDataSource", () => {
  const SERVICE_TOKEN = "gateway-spec-service-token-0123456789";
  const source = new AuthForwardingDataSource({ url: "http://127.0.0.1:1/graphql" }, SERVICE_TOKEN);
  const headersFor = (context: Partial<GatewayContext>) => {
    const headers = new Headers();
    const base = { requestId: "req-1", actor: { userId: null, username: null, ip: null, userAgent: null } };
    source.willSendRequest({ request: { http: { headers } }, context: { ...base, ...context } } as unknown as Parameters<AuthForwardingDataSource["willSendRequest"]>[0]);
    return headers;
  };

  it("attests the revocation check for the caller's own token, checked while this request's context was built", () => {
    expect(headersFor({ token: "token-a", floorChecked: true }).get("x-opsc-floor-checked")).toBe(floorCheckedProof(SERVICE_TOKEN, "req-1", "token-a"));
  });

  it("attests nothing for a token not checked here (a live event's execution) or one issued during the request", () => {
    expect(headersFor({ token: "token-a" }).get("x-opsc-floor-checked")).toBeNull();
    expect(headersFor({ issuedToken: "token-b", floorChecked: true }).get("x-opsc-floor-checked")).toBeNull();
    expect(headersFor({ issuedToken: "token-b" }).get("authorization")).toBe("Bearer token-b");
  });
});
