import { WidgetResolver } from "../test/fixtures/widget";
import { createLogger } from "./logger";
import { operationLabeller } from "./metrics";
import { buildFederatedSchema } from "./schema";
import { startSubgraphServer, type RunningServer } from "./subgraph-server";
import { gatewayProofHeaders } from "./proof";
import { createTestSigner, graphql } from "./testing";

const SERVICE_TOKEN = "kit-test-service-token-0123456789abcdef";

describe("operationLabeller", () => {
  const label = operationLabeller(["Targets", "Login"]);
  it("keeps allow-listed names, calls nameless operations anonymous and every other name other", () => {
    expect([label("Targets"), label(null), label(undefined), label(""), label("Whatever123"), label("targets")]).toEqual([
      "Targets",
      "anonymous",
      "anonymous",
      "anonymous",
      "other",
      "other",
    ]);
  });
  it("labels the gateway's planned subgraph fetches by the client's operation when it is known", () => {
    expect([label("Targets__users__0"), label("Targets__targets__12"), label("Evil__users__0"), label("Targets__x")]).toEqual([
      "Targets",
      "Targets",
      "other",
      "other",
    ]);
  });
});

describe("/metrics of a kit server", () => {
  const signer = createTestSigner();
  const METRICS_TOKEN = "metrics-token-0123456789";
  let server: RunningServer;
  let origin: string;
  const call = (query: string) => graphql(server.url, query, {}, { serviceToken: SERVICE_TOKEN });
  const scrape = async () =>
    (await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();

  beforeAll(async () => {
    const { schema } = await buildFederatedSchema({ resolvers: [WidgetResolver] });
    server = await startSubgraphServer({
      name: "kit-metrics",
      host: "127.0.0.1",
      port: 0,
      logger: createLogger("kit-metrics", "silent"),
      schema,
      verify: { keys: signer.keys, issuer: signer.issuer, audience: signer.audience },
      serviceToken: SERVICE_TOKEN,
      readiness: {},
      metricsToken: METRICS_TOKEN,
      knownOperations: ["KnownWidget"],
    });
    origin = new URL(server.url).origin;
  });
  afterAll(() => server.stop());

  it("200 requests with random operation names add at most one `other` series", async () => {
    const operationSeries = (text: string) => text.split("\n").filter((line) => line.startsWith("graphql_operations_total{"));
    const before = operationSeries(await scrape());
    for (let i = 0; i < 200; i += 1) {
      const name = `Op${Math.random().toString(36).slice(2)}${i}`;
      await call(`query ${name} { widget(id: "w1") { id } }`);
    }
    await call(`query KnownWidget { widget(id: "w1") { id } }`);
    const after = operationSeries(await scrape());
    const added = after.filter((line) => !before.some((old) => old.split(" ")[0] === line.split(" ")[0]));
    expect(added.map((line) => line.replace(/ \d+$/, ""))).toEqual(
      expect.arrayContaining(['graphql_operations_total{operation="other",outcome="ok",service="kit-metrics"}']),
    );
    expect(added.length).toBeLessThanOrEqual(2);
    expect(after.some((line) => line.startsWith('graphql_operations_total{operation="KnownWidget",outcome="ok"'))).toBe(true);
    expect(after.find((line) => line.startsWith('graphql_operations_total{operation="other",outcome="ok"'))).toMatch(/ 200$/);
    expect(after.some((line) => /operation="Op/.test(line))).toBe(false);
  });

  it("labels one route however the path is cased or slashed", async () => {
    for (const path of ["/health", "/HEALTH", "/Health/", "/hEaLtH"]) expect((await fetch(`${origin}${path}`)).status).toBe(200);
    await fetch(`${origin}/GraphQL`, { method: "POST", headers: { "content-type": "application/json", ...gatewayProofHeaders(SERVICE_TOKEN) }, body: '{"query":"{ __typename }"}' });
    const routes = new Set(
      (await scrape())
        .split("\n")
        .filter((line) => line.startsWith("http_request_duration_seconds_count{"))
        .map((line) => /route="([^"]*)"/.exec(line)?.[1]),
    );
    expect([...routes].filter((route) => route?.toLowerCase().includes("health"))).toEqual(["/health"]);
    expect([...routes].filter((route) => route?.toLowerCase().includes("graphql"))).toEqual(["/graphql"]);
  });

  it("requires the bearer token when METRICS_TOKEN is set", async () => {
    for (const authorization of [undefined, "Bearer wrong", `Bearer ${METRICS_TOKEN}x`, METRICS_TOKEN]) {
      const response = await fetch(`${origin}/metrics`, { headers: authorization ? { authorization } : {} });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe("Bearer");
      expect(await response.text()).not.toContain("graphql_operations_total");
    }
    const allowed = await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain("# TYPE graphql_operations_total counter");
  });
});
