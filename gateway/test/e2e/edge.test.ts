import { gatewayProofHeaders } from "@opsconductor/kit";
import { gql, loginAsAdmin, stack } from "./stack";

const SERVICES = ["gateway", "auth", "users", "targets"];
const originOf = (service: string) => `http://127.0.0.1:${stack().envs[service].PORT}`;

describe("HTTP errors are JSON on every port", () => {
  // Subgraph ports are called as the gateway calls them (with its proof); the door itself is tested in door.test.ts.
  const post = (url: string, body: string, type = "application/json") =>
    fetch(url, { method: "POST", headers: { "content-type": type, ...gatewayProofHeaders(stack().secrets.SERVICE_TOKEN) }, body });

  async function expectJsonError(response: Response, status: number, code: string) {
    const text = await response.text();
    expect({ status: response.status, type: response.headers.get("content-type") }).toEqual({ status, type: expect.stringMatching(/^application\/json/) });
    expect(text).not.toMatch(/<html|<pre|node_modules|\/work\/|\bat .+\(/i);
    expect(JSON.parse(text)).toEqual({ errors: [{ message: expect.any(String), extensions: { code, requestId: response.headers.get("x-request-id") } }] });
  }

  it.each(SERVICES)("%s: malformed JSON 400, oversized body 413, non-JSON body 415, unknown path 404", async (service) => {
    const graphqlUrl = `${originOf(service)}/graphql`;
    await expectJsonError(await post(graphqlUrl, '{"query": "{ __typename }",'), 400, "BAD_REQUEST");
    await expectJsonError(await post(graphqlUrl, JSON.stringify({ query: "#".repeat(1_100_000) })), 413, "PAYLOAD_TOO_LARGE");
    await expectJsonError(await post(graphqlUrl, "{ __typename }", "text/plain"), 415, "UNSUPPORTED_MEDIA_TYPE");
    await expectJsonError(await fetch(`${originOf(service)}/wp-login.php`), 404, "NOT_FOUND");
  });
});

describe("in-flight de-duplication of subgraph fetches", () => {
  /** Operations the targets subgraph has served (sum of graphql_operations_total). */
  async function targetsServed(): Promise<number> {
    const text = await (await fetch(`${originOf("targets")}/metrics`)).text();
    return text
      .split("\n")
      .filter((line) => line.startsWith("graphql_operations_total"))
      .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
  }

  it("20 concurrent identical queries with one token reach the subgraph fewer than 20 times, with the same answer", async () => {
    const { accessToken } = await loginAsAdmin();
    const query = "query DedupeProbe { targets(pagination: { limit: 5 }) { total items { id name } } }";
    expect((await gql(query, {}, accessToken)).errors).toBeUndefined();
    const before = await targetsServed();
    const results = await Promise.all(Array.from({ length: 20 }, () => gql(query, {}, accessToken)));
    const served = (await targetsServed()) - before;
    expect(results.every((result) => result.errors === undefined)).toBe(true);
    expect(new Set(results.map((result) => JSON.stringify(result.data))).size).toBe(1);
    expect(served).toBeGreaterThanOrEqual(1);
    expect(served).toBeLessThan(20);
  });

  it("does not share a fetch between callers with different tokens (each keeps its own permissions)", async () => {
    const admin = await loginAsAdmin();
    const results = await Promise.all([gql("{ targets { total } }", {}, admin.accessToken), gql("{ targets { total } }")]);
    expect(results[0].errors).toBeUndefined();
    expect(results[1].errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});

