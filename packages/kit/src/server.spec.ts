import { floorCheckedProof, gatewayProof, gatewayProofHeaders } from "./proof";
import { createTestSigner, errorCodes, graphql, type GraphQLOptions } from "./testing";

const SERVICE_TOKEN = "kit-test-service-token-0123456789abcdef";
import { WidgetResolver, widgetReferences } from "../test/fixtures/widget";
import { createLogger } from "./logger";
import { buildFederatedSchema } from "./schema";
import { apolloDefaults, createServiceApp, runChecks } from "./server";
import { startSubgraphServer, type RunningServer } from "./subgraph-server";

describe("startSubgraphServer", () => {
  const signer = createTestSigner();
  const lines: string[] = [];
  const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  let brokerDown = false;
  let server: RunningServer;
  let origin: string;
  const call = <T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, options: GraphQLOptions = {}) =>
    graphql<T>(server.url, query, variables, { serviceToken: SERVICE_TOKEN, ...options });

  beforeAll(async () => {
    const { schema } = await buildFederatedSchema({ resolvers: [WidgetResolver], references: widgetReferences });
    server = await startSubgraphServer({
      name: "kit-test",
      host: "127.0.0.1",
      port: 0,
      logger: createLogger("kit-test", "debug", (line) => lines.push(line)),
      schema,
      verify: { keys: signer.keys, issuer: signer.issuer, audience: signer.audience },
      serviceToken: SERVICE_TOKEN,
      readiness: {
        postgres: async () => undefined,
        rabbitmq: async () => {
          if (brokerDown) throw new Error("connect ECONNREFUSED 127.0.0.1:5672");
        },
      },
      routes: (app) => app.get("/internal/extra", (_req, res) => void res.json({ extra: true })),
      knownOperations: ["MetricsProbe"],
    });
    origin = new URL(server.url).origin;
  });
  afterAll(async () => {
    await server.stop();
  });

  it("listens on the requested host with an OS-assigned port", () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/graphql`);
  });

  it("routes Apollo's own log messages through the JSON logger", () => {
    const own: string[] = [];
    const defaults = apolloDefaults(createLogger("kit-test", "debug", (line) => own.push(line)), createServiceApp("kit-test", {}));
    defaults.logger.warn("an Apollo warning");
    expect(own.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([expect.objectContaining({ level: "warn", msg: "an Apollo warning" })]);
  });

  it("GET /health answers 200 while the process is alive", async () => {
    const response = await fetch(`${origin}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", service: "kit-test" });
  });

  it("GET /ready answers 200 when every dependency check passes", async () => {
    brokerDown = false;
    const response = await fetch(`${origin}/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ready", ok: true, checks: { postgres: { ok: true }, rabbitmq: { ok: true } } });
  });

  it("GET /ready answers 503 naming the failing check and its error", async () => {
    brokerDown = true;
    try {
      const response = await fetch(`${origin}/ready`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({
        status: "not ready",
        service: "kit-test",
        ok: false,
        checks: { postgres: { ok: true }, rabbitmq: { ok: false, error: "connect ECONNREFUSED 127.0.0.1:5672" } },
      });
    } finally {
      brokerDown = false;
    }
  });

  it("mounts extra routes", async () => {
    expect(await (await fetch(`${origin}/internal/extra`)).json()).toEqual({ extra: true });
  });

  it("GET /metrics serves Prometheus text with HTTP and GraphQL metrics labelled by service", async () => {
    await call("query MetricsProbe { widget(id: \"w1\") { id } }");
    const response = await fetch(`${origin}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain("# TYPE http_request_duration_seconds histogram");
    expect(text).toContain("# TYPE graphql_operations_total counter");
    expect(text).toMatch(/graphql_operations_total\{operation="MetricsProbe",outcome="ok",service="kit-test"\} 1/);
    expect(text).toMatch(/process_cpu_seconds_total\{service="kit-test"\}/);
  });

  it("labels HTTP metrics by route, not by arbitrary request path", async () => {
    await fetch(`${origin}/no-such-page-${Math.random().toString(36).slice(2)}`);
    const text = await (await fetch(`${origin}/metrics`)).text();
    const series = text.split("\n").filter((line) => line.startsWith("http_request_duration_seconds_count{"));
    expect(series.some((line) => line.includes("no-such-page"))).toBe(false);
    expect(series.some((line) => line.includes('route="unmatched"') && line.includes('status="404"'))).toBe(true);
    expect(series.some((line) => line.includes('route="/health"') && line.includes('status="200"'))).toBe(true);
    expect(series.some((line) => line.includes('route="/graphql"') && line.includes('method="POST"'))).toBe(true);
  });

  describe("/graphql", () => {
    it("answers a public query without a token", async () => {
      const response = await call('{ widget(id: "w1") { id name } }');
      expect(response.data).toEqual({ widget: { id: "w1", name: "first" } });
    });

    it("is UNAUTHENTICATED on a permission-guarded field without a token", async () => {
      const response = await call("{ widgets { id } }");
      expect(errorCodes(response)).toEqual(["UNAUTHENTICATED"]);
      expect(response.data).toBeNull();
    });

    it("is FORBIDDEN for a token lacking the permission", async () => {
      const token = signer.sign({ id: "u1", username: "viewer", permissions: ["other:read"] });
      const response = await call("{ widgets { id } }", {}, { token });
      expect(errorCodes(response)).toEqual(["FORBIDDEN"]);
      expect(response.errors?.[0]?.message).toBe("Missing permission: widgets:read");
    });

    it("returns data for a token holding the permission", async () => {
      const token = signer.sign({ id: "u1", username: "reader", permissions: ["widgets:read"] });
      const response = await call("{ widgets { id name } }", {}, { token });
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({ widgets: [{ id: "w1", name: "first" }, { id: "w2", name: "second" }] });
    });

    it("rejects an invalid token with 401 UNAUTHENTICATED even on public fields", async () => {
      const response = await call('{ widget(id: "w1") { id } }', {}, { token: "garbage" });
      expect(response.status).toBe(401);
      expect(errorCodes(response)).toEqual(["UNAUTHENTICATED"]);
    });

    it("rejects an expired token with 'Access token expired'", async () => {
      const token = signer.sign({ id: "u1", permissions: ["widgets:read"] }, -60);
      const response = await call("{ widgets { id } }", {}, { token });
      expect(response.errors?.[0]).toMatchObject({ message: "Access token expired", extensions: { code: "UNAUTHENTICATED" } });
    });

    it("reports bad pagination input naming the field", async () => {
      const token = signer.sign({ id: "u1", permissions: ["widgets:read"] });
      const response = await call("{ widgets(pagination: { limit: 500 }) { id } }", {}, { token });
      expect(response.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", field: "pagination.limit" });
    });

    it("masks a plain Error as 'Internal error' with the request id, and logs it with that id", async () => {
      const response = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...gatewayProofHeaders(SERVICE_TOKEN) },
        body: JSON.stringify({ query: "{ boom }" }),
      });
      const requestId = response.headers.get("x-request-id");
      const body = (await response.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
      expect(requestId).toBeTruthy();
      expect(body.errors[0]).toMatchObject({ message: "Internal error", extensions: { code: "INTERNAL_SERVER_ERROR", requestId } });
      expect(JSON.stringify(body)).not.toContain("ECONNREFUSED");
      expect(JSON.stringify(body)).not.toContain("stacktrace");
      const line = logged().find((record) => record.msg === "unexpected error" && record.requestId === requestId);
      expect((line?.error as { message?: string } | undefined)?.message).toBe("connect ECONNREFUSED 10.0.0.5:5432");
    });

    it("echoes a valid x-request-id and uses it in the context and in masked errors", async () => {
      const response = await call("{ caller { requestId } boom }", {}, { headers: gatewayProofHeaders(SERVICE_TOKEN, "trace-abc.123") });
      expect(response.data).toBeNull();
      expect(response.errors?.[0]?.extensions?.requestId).toBe("trace-abc.123");
      const plain = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...gatewayProofHeaders(SERVICE_TOKEN, "trace-abc.123") },
        body: JSON.stringify({ query: "{ caller { requestId username } }" }),
      });
      expect(plain.headers.get("x-request-id")).toBe("trace-abc.123");
      expect(await plain.json()).toEqual({ data: { caller: { requestId: "trace-abc.123", username: null } } });
    });

    it("generates a request id when none (or an unsafe one) is sent; /graphql then refuses, since the proof is bound to the sent id", async () => {
      for (const headers of [{}, { "x-request-id": "bad id\twith spaces" }] as Array<Record<string, string>>) {
        const health = await fetch(`${origin}/health`, { headers });
        expect(health.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
        const proof = gatewayProofHeaders(SERVICE_TOKEN, "bad id\twith spaces");
        const response = await fetch(server.url, {
          method: "POST",
          headers: { "content-type": "application/json", ...proof, ...headers },
          body: JSON.stringify({ query: "{ caller { requestId } }" }),
        });
        const echoed = response.headers.get("x-request-id");
        expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
        expect(response.status).toBe(401);
        expect(await response.json()).toEqual({ errors: [{ message: "Authentication required", extensions: { code: "UNAUTHENTICATED", requestId: echoed } }] });
      }
    });

    it("puts the verified user in the context actor", async () => {
      const token = signer.sign({ id: "u9", username: "carol" });
      const response = await call<{ caller: { username: string } }>("{ caller { username } }", {}, { token });
      expect(response.data?.caller.username).toBe("carol");
    });

    const ENTITIES = '{ _entities(representations: [{ __typename: "Widget", id: "w1" }]) { ... on Widget { name } } }';

    it("resolves federation entity references over HTTP for a caller holding the entity's permission", async () => {
      const token = signer.sign({ id: "u1", permissions: ["widgets:read"] });
      const response = await call(ENTITIES, {}, { token });
      expect(response.data).toEqual({ _entities: [{ name: "first" }] });
    });

    it("refuses entity references without a token (UNAUTHENTICATED) or without the permission (FORBIDDEN)", async () => {
      const anonymous = await call(ENTITIES);
      expect(errorCodes(anonymous)).toEqual(["UNAUTHENTICATED"]);
      expect(JSON.stringify(anonymous.data)).not.toContain("first");
      const other = await call(ENTITIES, {}, { token: signer.sign({ id: "u1", permissions: ["targets:read"] }) });
      expect(errorCodes(other)).toEqual(["FORBIDDEN"]);
      expect(JSON.stringify(other.data)).not.toContain("first");
    });
  });

  describe("the door: /graphql only with gateway proof", () => {
    const post = (headers: Record<string, string>, query = "{ _service { sdl } }") =>
      fetch(server.url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query }) });
    const proofAt = (requestId: string, nowMs: number, token = SERVICE_TOKEN) => ({ "x-request-id": requestId, "x-opsc-gateway": gatewayProof(token, requestId, nowMs) });

    it.each([
      ["no proof", {}],
      ["a proof made with another token", gatewayProofHeaders("not-the-service-token-0123456789abcdef")],
      ["a proof for another request id", { ...gatewayProofHeaders(SERVICE_TOKEN, "req-a"), "x-request-id": "req-b" }],
      ["a proof 2 minutes old", proofAt("req-old", Date.now() - 120_000)],
      ["a proof 2 minutes in the future", proofAt("req-future", Date.now() + 120_000)],
      ["the service token itself", { "x-request-id": "req-raw", "x-opsc-gateway": SERVICE_TOKEN, "x-service-token": SERVICE_TOKEN }],
      ["a truncated proof", { "x-request-id": "req-cut", "x-opsc-gateway": gatewayProof(SERVICE_TOKEN, "req-cut").slice(0, -2) }],
    ])("refuses %s with a masked JSON 401 (no SDL, introspection or traces)", async (_name, headers) => {
      for (const query of ["{ _service { sdl } }", "{ __schema { types { name } } }", '{ widget(id: "w1") { id } }']) {
        const response = await post({ ...(headers as Record<string, string>), "apollo-federation-include-trace": "ftv1" }, query);
        const text = await response.text();
        expect(response.status).toBe(401);
        expect(JSON.parse(text)).toEqual({
          errors: [{ message: "Authentication required", extensions: { code: "UNAUTHENTICATED", requestId: response.headers.get("x-request-id") } }],
        });
        expect(text).not.toMatch(/Widget|ftv1|__schema/);
      }
    });

    it("accepts a proof up to a minute old", async () => {
      const response = await post(proofAt("req-recent", Date.now() - 50_000));
      expect(response.status).toBe(200);
      expect(JSON.stringify(await response.json())).toContain("type Widget");
    });

    it("believes x-forwarded-for (a valid address) only on a proven request; otherwise the socket address", async () => {
      const ipOf = async (headers: Record<string, string>) =>
        ((await call<{ caller: { ip: string } }>("{ caller { ip } }", {}, { headers })).data?.caller.ip);
      expect(await ipOf({ "x-forwarded-for": "203.0.113.9" })).toBe("203.0.113.9");
      expect(await ipOf({ "x-forwarded-for": "not-an-address" })).toBe("127.0.0.1");
      expect(await ipOf({})).toBe("127.0.0.1");
    });
  });

  describe("query limits (the gateway's, in kit)", () => {
    it("refuses 50 aliases before execution", async () => {
      const query = `{ ${Array.from({ length: 50 }, (_, i) => `a${i}: widget(id: "w1") { id }`).join(" ")} }`;
      const response = await call(query);
      expect(response.status).toBe(400);
      expect(errorCodes(response)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
      expect(response.errors?.[0]?.message).toMatch(/^Too many aliases/);
    });

    it("refuses a query deeper than 10", async () => {
      const deep = `{ __schema { types { fields { type { fields { type { fields { type { fields { type { fields { name } } } } } } } } } } } }`;
      const response = await call(deep);
      expect(response.status).toBe(400);
      expect(response.errors?.[0]?.message).toMatch(/^Query depth 1[1-9] exceeds the maximum of 10/);
    });

    it("refuses a document past the token limit with a parse error", async () => {
      const response = await call(`{ widget(id: "w1") { ${"id ".repeat(6_000)}} }`);
      expect(errorCodes(response)).toEqual(["GRAPHQL_PARSE_FAILED"]);
    });
  });
});

describe("the gateway's floor attestation (x-opsc-floor-checked)", () => {
  const signer = createTestSigner();
  const floorChecks: string[] = [];
  let revokedBefore = 0;
  let server: RunningServer;

  beforeAll(async () => {
    const { schema } = await buildFederatedSchema({ resolvers: [WidgetResolver], references: widgetReferences });
    server = await startSubgraphServer({
      name: "kit-floor-test",
      host: "127.0.0.1",
      port: 0,
      logger: createLogger("kit-floor-test", "error", () => undefined),
      schema,
      verify: {
        keys: signer.keys,
        issuer: signer.issuer,
        audience: signer.audience,
        notBefore: async (userId) => {
          floorChecks.push(userId);
          return revokedBefore || undefined;
        },
      },
      serviceToken: SERVICE_TOKEN,
      readiness: {},
    });
  });
  afterAll(async () => {
    await server.stop();
  });
  beforeEach(() => {
    floorChecks.length = 0;
    revokedBefore = 0;
  });

  const callerAs = async (token: string, requestId: string, attestation?: string) => {
    const response = await fetch(server.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${token}`,
        ...gatewayProofHeaders(SERVICE_TOKEN, requestId),
        ...(attestation === undefined ? {} : { "x-opsc-floor-checked": attestation }),
      },
      body: JSON.stringify({ query: "{ caller { username } }" }),
    });
    return { status: response.status, body: (await response.json()) as { data?: { caller?: { username: string } }; errors?: Array<{ message: string }> } };
  };

  it("skips its own Redis floor check only for the token and request id the gateway attests", async () => {
    const token = signer.sign({ id: "u-floor", username: "dora" });
    const answer = await callerAs(token, "req-floor-1", floorCheckedProof(SERVICE_TOKEN, "req-floor-1", token));
    expect(answer.body.data?.caller?.username).toBe("dora");
    expect(floorChecks).toEqual([]);
  });

  it.each([
    ["no attestation", (_token: string) => undefined],
    ["an attestation for another token", (_token: string) => floorCheckedProof(SERVICE_TOKEN, "req-floor-2", signer.sign({ id: "u-other" }))],
    ["an attestation for another request id", (token: string) => floorCheckedProof(SERVICE_TOKEN, "req-elsewhere", token)],
    ["an attestation made with another key", (token: string) => floorCheckedProof("not-the-service-token-0123456789abcdef", "req-floor-2", token)],
    ["garbage", (_token: string) => "x".repeat(43)],
  ])("checks the floor itself, and refuses a revoked token, given %s", async (_name, attest) => {
    const token = signer.sign({ id: "u-floor", username: "dora" });
    revokedBefore = Date.now() / 1000 + 60;
    const answer = await callerAs(token, "req-floor-2", attest(token));
    expect(answer.status).toBe(401);
    expect(answer.body.errors?.[0]?.message).toBe("Access token has been revoked");
    expect(floorChecks).toEqual(["u-floor"]);
  });
});

describe("runChecks", () => {
  it("fails a check that does not answer within the timeout, naming it", async () => {
    const result = await runChecks({ fast: async () => undefined, hanging: () => new Promise(() => undefined) }, 50);
    expect(result).toEqual({ ok: false, checks: { fast: { ok: true }, hanging: { ok: false, error: "timed out" } } });
  });
});

describe("stop()", () => {
  it("closes the HTTP server so the port stops answering", async () => {
    const signer = createTestSigner();
    const { schema } = await buildFederatedSchema({ resolvers: [WidgetResolver] });
    const running = await startSubgraphServer({
      name: "kit-stop",
      host: "127.0.0.1",
      port: 0,
      logger: createLogger("kit-stop", "silent"),
      schema,
      verify: { keys: signer.keys, issuer: signer.issuer, audience: signer.audience },
      serviceToken: SERVICE_TOKEN,
      readiness: {},
    });
    const health = `http://127.0.0.1:${running.port}/health`;
    expect((await fetch(health)).status).toBe(200);
    await running.stop();
    await expect(fetch(health)).rejects.toThrow();
  });
});
