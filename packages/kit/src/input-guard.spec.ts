import { ApolloServer } from "@apollo/server";
import { buildSchema, GraphQLError, parse, type OperationDefinitionNode } from "graphql";
import { createLogger } from "./logger";
import { apolloDefaults, createServiceApp } from "./server";
import { checkOperationInputs, DEFAULT_INPUT_LIMITS, inputGuardPlugin, type InputLimits } from "./input-guard";

const schema = buildSchema(/* GraphQL */ `
  scalar JSON
  input Tag { key: String!, value: String }
  input Filter { search: String, tags: [String!], labels: [Tag!], nested: [[String]], inner: Filter }
  input CreateInput { name: String!, note: String = "default", tags: [String!] }
  type Item { id: ID!, child(name: String, codes: [Int!]): Item }
  type Query {
    items(filter: Filter, ids: [ID!]): [Item!]!
    item(id: ID!): Item
    _entities(representations: [JSON!]!): [Item]!
    raw(value: JSON): Boolean
  }
  type Mutation { create(input: CreateInput!): Item! }
`);

/** The error checkOperationInputs throws for a document, or undefined when it passes. */
function refusal(source: string, variables: Record<string, unknown> = {}, limits: InputLimits = DEFAULT_INPUT_LIMITS) {
  const document = parse(source);
  const operation = document.definitions.find((definition) => definition.kind === "OperationDefinition") as OperationDefinitionNode;
  try {
    checkOperationInputs(schema, document, operation, variables, limits);
    return undefined;
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return { code: error.extensions.code, field: error.extensions.field, message: error.message };
  }
}

const NUL = "a\u0000b";
const HIGH = "a\uD83Db";
const LOW = "a\uDE00b";

describe("checkOperationInputs", () => {
  it.each([
    ["a variable argument", "query($id: ID!) { item(id: $id) { id } }", { id: NUL }, "id"],
    ["an input field from a variable", "mutation($input: CreateInput!) { create(input: $input) { id } }", { input: { name: NUL } }, "input.name"],
    ["a list item inside an input variable", "query($f: Filter) { items(filter: $f) { id } }", { f: { tags: ["ok", "ok", NUL] } }, "filter.tags[2]"],
    ["a list variable inside a literal object", "query($t: [String!]) { items(filter: { tags: $t }) { id } }", { t: ["x", NUL] }, "filter.tags[1]"],
    ["an input object in a list", "query($f: Filter) { items(filter: $f) { id } }", { f: { labels: [{ key: "k" }, { key: "k", value: NUL }] } }, "filter.labels[1].value"],
    ["a nested list", "query($f: Filter) { items(filter: $f) { id } }", { f: { nested: [["x"], [null, NUL]] } }, "filter.nested[1][1]"],
    ["a recursive input", "query($f: Filter) { items(filter: $f) { id } }", { f: { inner: { inner: { search: NUL } } } }, "filter.inner.inner.search"],
    ["a single value given for a list", "query($t: String!) { items(filter: { tags: $t }) { id } }", { t: NUL }, "filter.tags[0]"],
    ["a literal NUL escape", 'query { items(filter: { search: "a\\u0000b" }) { id } }', {}, "filter.search"],
    ["a nested field's argument", "query($n: String) { items { child { child(name: $n) { id } } } }", { n: NUL }, "name"],
    ["a field inside a fragment", "query($n: String) { items { ...F } } fragment F on Item { child(name: $n) { id } }", { n: NUL }, "name"],
    ["a field inside an inline fragment", "query($n: String) { items { ... on Item { child(name: $n) { id } } } }", { n: NUL }, "name"],
    ["a string inside a JSON scalar", "query($v: JSON) { raw(value: $v) }", { v: { deep: [{ text: NUL }] } }, "value.deep[0].text"],
    ["an entity representation", "query($r: [JSON!]!) { _entities(representations: $r) { id } }", { r: [{ __typename: "Item", id: NUL }] }, "representations[0].id"],
  ])("refuses a NUL byte in %s, naming the path", (_name, source, variables, field) => {
    expect(refusal(source, variables)).toEqual({ code: "BAD_USER_INPUT", field, message: expect.stringContaining(`${field}: must not contain NUL`) });
  });

  it.each([
    ["a lone high surrogate", HIGH],
    ["a lone low surrogate", LOW],
    ["a high surrogate at the end", "ab\uD800"],
    ["two high surrogates", "\uD800\uD800\uDC00"],
  ])("refuses %s", (_name, value) => {
    expect(refusal("query($f: Filter) { items(filter: $f) { id } }", { f: { search: value } })).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "filter.search",
      message: "filter.search: must be valid Unicode text (it contains a lone surrogate)",
    });
  });

  it("accepts ordinary text, paired surrogates (emoji) and other control characters", () => {
    expect(refusal("query($f: Filter) { items(filter: $f) { id } }", { f: { search: "naïve 😀 tab\there", tags: ["🚀", "x"] } })).toBeUndefined();
  });

  it("bounds list length per list, at the limit and past it, including lists of numbers", () => {
    const query = "query($f: Filter) { items(filter: $f) { id } }";
    const tags = (n: number) => Array.from({ length: n }, (_, index) => `t${index}`);
    expect(refusal(query, { f: { tags: tags(1_000) } })).toBeUndefined();
    expect(refusal(query, { f: { tags: tags(1_001) } })).toMatchObject({ field: "filter.tags", message: "filter.tags: must have at most 1000 items" });
    expect(refusal(query, { f: { tags: tags(60_000) } })).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.tags" });
    const codes = Array.from({ length: 1_001 }, (_, index) => index);
    expect(refusal("query($c: [Int!]) { items { child(codes: $c) { id } } }", { c: codes })).toMatchObject({ field: "codes" });
    expect(refusal("query { items(ids: [" + '"a",'.repeat(3) + '"b"]) { id } }', {}, { ...DEFAULT_INPUT_LIMITS, maxListItems: 3 })).toMatchObject({ field: "ids" });
  });

  it("leaves the gateway-sized _entities batch unbounded but still checks its strings", () => {
    const representations = Array.from({ length: 2_000 }, (_, index) => ({ __typename: "Item", id: `i${index}` }));
    expect(refusal("query($r: [JSON!]!) { _entities(representations: $r) { id } }", { r: representations })).toBeUndefined();
  });

  it("bounds string length", () => {
    const query = "mutation($input: CreateInput!) { create(input: $input) { id } }";
    expect(refusal(query, { input: { name: "x".repeat(100_000) } })).toBeUndefined();
    expect(refusal(query, { input: { name: "x".repeat(100_001) } })).toMatchObject({ field: "input.name", message: "input.name: must be at most 100000 characters" });
  });

  it("refuses JSON nested past the depth limit instead of recursing without end", () => {
    let deep: unknown = "leaf";
    for (let level = 0; level < 10_000; level += 1) deep = [deep];
    expect(refusal("query($v: JSON) { raw(value: $v) }", { v: deep })).toMatchObject({ code: "BAD_USER_INPUT", field: expect.stringMatching(/^value(\[0\])+$/) });
  });

  it("leaves values graphql-js cannot coerce to execution's own error", () => {
    expect(refusal("query($id: ID!) { item(id: $id) { id } }", { id: { not: "an id" } })).toBeUndefined();
    expect(refusal("query($id: ID!) { item(id: $id) { id } }", {})).toBeUndefined();
  });
});

describe("inputGuardPlugin", () => {
  it("answers BAD_USER_INPUT with HTTP 200 before any resolver runs", async () => {
    const calls: string[] = [];
    const server = new ApolloServer({
      schema: buildSchema("type Query { a(text: String): String, b(text: String): String } type Mutation { m(text: String): String }"),
      rootValue: {
        a: ({ text }: { text: string }) => (calls.push(`a:${text}`), text),
        b: ({ text }: { text: string }) => (calls.push(`b:${text}`), text),
        m: ({ text }: { text: string }) => (calls.push(`m:${text}`), text),
      },
      plugins: [inputGuardPlugin()],
    });
    await server.start();
    try {
      const response = await server.executeOperation({ query: "mutation($t: String) { first: m(text: \"fine\") second: m(text: $t) }", variables: { t: NUL } });
      expect(response.http.status).toBe(200);
      expect(response.body.kind === "single" && response.body.singleResult).toMatchObject({ errors: [{ extensions: { code: "BAD_USER_INPUT", field: "text" } }] });
      expect(calls).toEqual([]);
      const fine = await server.executeOperation({ query: "query($t: String) { a(text: $t) b(text: \"😀\") }", variables: { t: "ok" } });
      expect(fine.body.kind === "single" && fine.body.singleResult).toMatchObject({ data: { a: "ok", b: "😀" } });
    } finally {
      await server.stop();
    }
  });

  it("is part of the Apollo defaults every process (subgraphs and gateway) starts with", async () => {
    const service = createServiceApp("guard-test", {});
    const server = new ApolloServer({ ...apolloDefaults(createLogger("guard-test", "silent"), service), schema });
    await server.start();
    try {
      const response = await server.executeOperation({ query: "query($f: Filter) { items(filter: $f) { id } }", variables: { f: { tags: ["a", LOW] } } });
      expect(response.body.kind === "single" && response.body.singleResult.errors).toEqual([
        expect.objectContaining({ extensions: { code: "BAD_USER_INPUT", field: "filter.tags[1]" } }),
      ]);
    } finally {
      await server.stop();
    }
  });
});
