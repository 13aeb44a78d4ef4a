import { getIntrospectionQuery } from "graphql";
import { errorCodes as codes, graphql } from "@opsconductor/kit/testing";
import { gatewayUrl, gql, loginAsAdmin, stack, startExtraGateway } from "./stack";

/** Sum of graphql_operations_total on a subgraph: how many operations reached it. */
async function operationsServed(service: string): Promise<number> {
  const port = stack().envs[service].PORT;
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split("\n")
    .filter((line) => line.startsWith("graphql_operations_total"))
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
}

const SUBGRAPHS = ["auth", "users", "targets"];
const served = async () => Object.fromEntries(await Promise.all(SUBGRAPHS.map(async (name) => [name, await operationsServed(name)])));

describe("gateway limits", () => {
  let token: string;
  beforeAll(async () => {
    token = (await loginAsAdmin()).accessToken;
  });

  it("counts operations that do reach subgraphs (control for the tests below)", async () => {
    const before = await served();
    const result = await gql(`{ targets { total items { createdBy { username } } } }`, {}, token);
    expect(result.errors).toBeUndefined();
    const after = await served();
    expect(after.targets).toBeGreaterThan(before.targets);
  });

  it("rejects a query deeper than the limit before any subgraph sees it", async () => {
    // A second gateway with depth limit 3, so a real cross-subgraph query (depth 4) exceeds it.
    const strict = await startExtraGateway(Number(stack().envs.gateway.PORT) + 93, { MAX_QUERY_DEPTH: "3" });
    try {
      const shallow = await graphql(strict.url, `{ targets { items { name } } }`, {}, { token });
      expect(shallow.errors).toBeUndefined();
      const before = await served();
      const deep = await graphql(strict.url, `{ targets { items { createdBy { username } } } }`, {}, { token });
      expect(codes(deep)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
      expect(deep.errors?.[0]?.message).toMatch(/depth 4 exceeds the maximum of 3/);
      const viaFragment = await graphql(strict.url, `{ targets { ...T } } fragment T on TargetPage { items { createdBy { id } } }`, {}, { token });
      expect(codes(viaFragment)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
      expect(await served()).toEqual(before);
    } finally {
      await strict.stop();
    }
  });

  it("answers the explorer's standard introspection query", async () => {
    const result = await gql<{ __schema: { types: Array<{ name: string }> } }>(getIntrospectionQuery(), {}, token);
    expect(result.errors).toBeUndefined();
    expect(result.data?.__schema.types.map((type) => type.name)).toEqual(expect.arrayContaining(["Target", "User", "AuthPayload"]));
  });

  it("turns introspection off when INTROSPECTION=false", async () => {
    const closed = await startExtraGateway(Number(stack().envs.gateway.PORT) + 94, { INTROSPECTION: "false" });
    try {
      const introspection = await graphql(closed.url, `{ __schema { types { name } } }`, {}, { token });
      expect(codes(introspection)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
      expect(introspection.errors?.[0]?.message).toMatch(/introspection/i);
      const ordinary = await graphql(closed.url, `{ targets { total } }`, {}, { token });
      expect(ordinary.errors).toBeUndefined();
    } finally {
      await closed.stop();
    }
  });

  it("rejects too many aliases before any subgraph sees it", async () => {
    const before = await served();
    const aliases = Array.from({ length: 20 }, (_, i) => `t${i}: targets { total }`).join("\n");
    const result = await gql(`{ ${aliases} }`, {}, token);
    expect(codes(result)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(result.errors?.[0]?.message).toMatch(/alias/i);
    expect(await served()).toEqual(before);
  });

  it("refuses batched requests and simple-request CSRF", async () => {
    const batched = await fetch(gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([{ query: "{ __typename }" }, { query: "{ __typename }" }]),
    });
    expect(batched.status).toBe(400);
    const csrf = await fetch(`${gatewayUrl}?query=${encodeURIComponent("{ __typename }")}`, { method: "GET" });
    expect(csrf.status).toBe(400);
    expect(await csrf.text()).toMatch(/CSRF|preflight/i);
  });

  it("serves GraphiQL and its assets from the gateway itself", async () => {
    const base = gatewayUrl.replace(/\/graphql$/, "");
    const page = await fetch(`${base}/graphiql`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("/graphiql/assets/graphiql.js");
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    for (const asset of ["react.js", "react-dom.js", "graphiql.js", "graphiql.css"]) {
      expect((await fetch(`${base}/graphiql/assets/${asset}`)).status).toBe(200);
    }
  });
});
