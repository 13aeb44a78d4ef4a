import express from "express";
import { WidgetResolver } from "../test/fixtures/widget";
import { createLogger } from "./logger";
import { buildFederatedSchema } from "./schema";
import { startSubgraphServer, type RunningServer } from "./subgraph-server";
import { gatewayProofHeaders } from "./proof";
import { createTestSigner } from "./testing";

const SERVICE_TOKEN = "kit-test-service-token-0123456789abcdef";

interface ErrorBody {
  errors: Array<{ message: string; extensions: { code: string; requestId?: string } }>;
}

/** Nothing a client should see from an error page: stack frames, file paths, Express's HTML. */
function expectNoInternals(text: string) {
  expect(text).not.toMatch(/\bat .+\(|node_modules|\/work\/|\/src\/|<html|<pre|stack/i);
}

describe("HTTP errors outside GraphQL are JSON (kit server)", () => {
  const signer = createTestSigner();
  const lines: string[] = [];
  let server: RunningServer;
  let origin: string;
  /** Requests to /graphql that Express's router saw (the lean path bypasses it). */
  const expressSaw: string[] = [];

  beforeAll(async () => {
    const { schema } = await buildFederatedSchema({ resolvers: [WidgetResolver] });
    server = await startSubgraphServer({
      name: "kit-http-errors",
      host: "127.0.0.1",
      port: 0,
      logger: createLogger("kit-http-errors", "debug", (line) => lines.push(line)),
      schema,
      verify: { keys: signer.keys, issuer: signer.issuer, audience: signer.audience },
      serviceToken: SERVICE_TOKEN,
      readiness: {},
      routes: (app) => {
        app.use("/graphql", (req, _res, next) => {
          expressSaw.push(req.originalUrl);
          next();
        });
        // Like auth's internal endpoints: their own parser and a handler that can fail.
        app.post("/internal/echo", express.json({ limit: "1kb" }), (req, res) => void res.json(req.body));
        app.get("/internal/items/:id", (req, res) => void res.json({ id: req.params.id }));
        app.get("/internal/boom", () => {
          throw new Error("ENOENT: no such file /srv/opsconductor/secret.key");
        });
      },
    });
    origin = new URL(server.url).origin;
  });
  afterAll(() => server.stop());

  async function expectJsonError(response: Response, status: number, code: string) {
    const text = await response.text();
    expect({ status: response.status, type: response.headers.get("content-type") }).toEqual({
      status,
      type: expect.stringMatching(/^application\/json/),
    });
    const body = JSON.parse(text) as ErrorBody;
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions.code).toBe(code);
    expect(body.errors[0].extensions.requestId).toBe(response.headers.get("x-request-id"));
    expectNoInternals(text);
    return body.errors[0];
  }

  // With gateway proof: the errors below are those of callers allowed through the door.
  const post = (path: string, body: string, type = "application/json") =>
    fetch(`${origin}${path}`, { method: "POST", headers: { "content-type": type, ...gatewayProofHeaders(SERVICE_TOKEN) }, body });

  it("answers malformed JSON on /graphql with 400, masked", async () => {
    const error = await expectJsonError(await post("/graphql", '{"query": "{ widget(id: \\"w1\\") { id } }",'), 400, "BAD_REQUEST");
    expect(error.message).toBe("Malformed JSON body");
  });

  it("answers malformed JSON on another route's own parser with 400", async () => {
    await expectJsonError(await post("/internal/echo", "{not json"), 400, "BAD_REQUEST");
  });

  it("answers a body over the limit with 413", async () => {
    const big = JSON.stringify({ query: `{ widget(id: "${"x".repeat(1_100_000)}") { id } }` });
    await expectJsonError(await post("/graphql", big), 413, "PAYLOAD_TOO_LARGE");
    await expectJsonError(await post("/internal/echo", JSON.stringify({ pad: "x".repeat(2_000) })), 413, "PAYLOAD_TOO_LARGE");
  });

  it("answers a non-JSON body on /graphql and an unsupported charset with 415", async () => {
    await expectJsonError(await post("/graphql", "{ widget(id: \"w1\") { id } }", "text/plain"), 415, "UNSUPPORTED_MEDIA_TYPE");
    await expectJsonError(await post("/graphql", "{}", "application/json; charset=koi8-r"), 415, "UNSUPPORTED_MEDIA_TYPE");
  });

  it("answers a path that does not decode with a JSON 400", async () => {
    const error = await expectJsonError(await fetch(`${origin}/internal/items/%E0%A4%A`), 400, "BAD_REQUEST");
    expect(error.message).toBe("Bad request");
  });

  it("answers an unknown path with a JSON 404", async () => {
    const error = await expectJsonError(await fetch(`${origin}/etc/passwd`), 404, "NOT_FOUND");
    expect(error.message).toBe("Not found");
  });

  it("masks an error thrown by a route as 500 'Internal error' and logs it in full with the request id", async () => {
    const response = await fetch(`${origin}/internal/boom`, { headers: { "x-request-id": "boom-1" } });
    const error = await expectJsonError(response, 500, "INTERNAL_SERVER_ERROR");
    expect(error).toEqual({ message: "Internal error", extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "boom-1" } });
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((record) => record.requestId === "boom-1");
    expect(logged?.msg).toBe("unexpected HTTP error");
    expect(JSON.stringify(logged)).toContain("secret.key");
  });

  it("refuses /graphql without gateway proof with a masked JSON 401, before reading the body", async () => {
    const response = await fetch(`${origin}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"query": "{ _service { sdl } }"' });
    const error = await expectJsonError(response, 401, "UNAUTHENTICATED");
    expect(error.message).toBe("Authentication required");
  });

  it("still answers valid GraphQL requests", async () => {
    const response = await post("/graphql", JSON.stringify({ query: '{ widget(id: "w1") { id } }' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { widget: { id: "w1" } } });
  });

  describe("the lean /graphql path and the Express route answer alike", () => {
    // "/graphql" exactly with a plain JSON body takes the lean path; "/graphql?via=express" the Express route.
    const both = async (body: string | undefined, headers: Record<string, string> = {}) => {
      const answers = [];
      expressSaw.length = 0;
      for (const path of ["/graphql", "/graphql?via=express"]) {
        const response = await fetch(`${origin}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-request-id": "same-id", ...gatewayProofHeaders(SERVICE_TOKEN, "same-id"), ...headers },
          body,
        });
        answers.push({ status: response.status, type: response.headers.get("content-type"), requestId: response.headers.get("x-request-id"), body: await response.text() });
      }
      expect(expressSaw).toEqual(["/graphql?via=express"]);
      expect(answers[0]).toEqual(answers[1]);
      return answers[0];
    };

    it.each([
      ["a valid query", JSON.stringify({ query: '{ widget(id: "w2") { id name } }' }), 200],
      ["the caller as the context sees it (request id, address)", JSON.stringify({ query: "{ caller { requestId username ip } }" }), 200],
      ["a resolver error (masked, with the request id)", JSON.stringify({ query: "{ boom }" }), 200],
      ["malformed JSON", '{"query": "{ widget(id: \\"w1\\") { id } }",', 400],
      ["JSON that is not an object or array", "123", 400],
      ["an empty body", "", 400],
      ["a body over the limit", JSON.stringify({ query: "x".repeat(1_100_000) }), 413],
      ["a query over the limits", JSON.stringify({ query: `{ ${Array.from({ length: 200 }, (_, i) => `a${i}: widget(id: "w1") { id }`).join(" ")} }` }), 400],
    ])("%s", async (_name, body, status) => {
      const answer = await both(body);
      expect(answer.status).toBe(status);
      expect(answer.requestId).toBe("same-id");
      expectNoInternals(answer.body);
    });

    it("a request without gateway proof", async () => {
      const answers = [];
      for (const path of ["/graphql", "/graphql?via=express"]) {
        const response = await fetch(`${origin}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"query":"{ _service { sdl } }"}' });
        answers.push({ status: response.status, body: ((await response.json()) as ErrorBody).errors[0].extensions.code });
      }
      expect(answers).toEqual([
        { status: 401, body: "UNAUTHENTICATED" },
        { status: 401, body: "UNAUTHENTICATED" },
      ]);
    });
  });
});
