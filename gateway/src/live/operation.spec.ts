import { buildSchema, GraphQLError } from "graphql";
import { eventArgs, prepareSubscription, type PreparedSubscription } from "./operation";

const schema = buildSchema(`
  type User { id: ID! username: String! }
  type Check { id: ID! ok: Boolean! target: String }
  type ConnectionTestBatch { id: ID! total: Int! done: Int! createdBy: User results(first: Int): [Check!]! }
  type Run { id: ID! status: String! }
  type RunOutputChunk { id: ID! text: String! }
  input Filter { names: [String!] }
  type Query {
    connectionTestBatch(id: ID!): ConnectionTestBatch
    run(id: ID!): Run
    runOutputChunk(id: ID!): RunOutputChunk
    search(filter: Filter): [String!]!
  }
  type Subscription {
    connectionTestBatchUpdated(batchId: ID!): ConnectionTestBatch!
    runUpdated(runId: ID!): Run!
    runOutput(runId: ID!, targetId: ID): RunOutputChunk!
    notServed(filter: Filter): String
  }
`);
const LIMITS = { maxDepth: 4, maxAliases: 5, maxTokens: 300, maxDirectives: 10, maxFragments: 5, maxSelections: 100, maxRepeatedFields: 5 };

function prepare(query: string, variables?: Record<string, unknown>, operationName?: string): PreparedSubscription {
  const result = prepareSubscription(schema, { query, variables, operationName }, LIMITS);
  if (Array.isArray(result)) throw new Error(result.map((error) => error.message).join("; "));
  return result;
}
function refusal(query: string, variables?: Record<string, unknown>): Array<{ message: string; code: unknown }> {
  const result = prepareSubscription(schema, { query, variables }, LIMITS);
  if (!Array.isArray(result)) throw new Error("expected a refusal");
  expect(result.every((error) => error instanceof GraphQLError)).toBe(true);
  return result.map((error) => ({ message: error.message, code: error.extensions.code }));
}

describe("prepareSubscription", () => {
  it("turns a subscription into the topic's query with the client's selection, under the subscription's response key", () => {
    const prepared = prepare(`subscription Progress($id: ID!) { connectionTestBatchUpdated(batchId: $id) { done total createdBy { username } } }`, { id: "b1" });
    expect(prepared).toMatchObject({ field: "connectionTestBatchUpdated", responseKey: "connectionTestBatchUpdated", args: { batchId: "b1" }, channel: "targets.connection-test-batch.b1", operationName: "Progress" });
    expect(prepared.eventQuery.text).toBe(
      "query Progress($live_id: ID!) {\n  connectionTestBatchUpdated: connectionTestBatch(id: $live_id) {\n    done\n    total\n    createdBy {\n      username\n    }\n  }\n}",
    );
    // The client's $id is used only by the subscription field's argument, so it is not part of the query.
    expect(prepared.eventQuery.clientVariables).toEqual({});
    expect(prepared.eventQuery.variables({ id: "b1" })).toEqual({ live_id: "b1" });
    // A state topic: its query answers at subscribe time, and that answer is sent first.
    expect(prepared.initialQuery).toMatchObject({ query: prepared.eventQuery, args: { id: "b1" }, send: true });
  });

  it("keeps the alias, the fragments (transitively) and the variables the selection uses, and drops the rest", () => {
    const prepared = prepare(
      `subscription S($b: ID!, $n: Int) {
         ...Root
       }
       fragment Root on Subscription { live: connectionTestBatchUpdated(batchId: $b) { ...Batch } }
       fragment Batch on ConnectionTestBatch { done results(first: $n) { ...CheckFields } }
       fragment CheckFields on Check { ok }
       fragment Other on Run { id }
       query Q { run(id: "r") { ...Other } }`,
      { b: "x", n: 3 },
      "S",
    );
    expect(prepared.responseKey).toBe("live");
    const text = prepared.eventQuery.text;
    expect(text).toContain("query S($n: Int, $live_id: ID!) {\n  live: connectionTestBatch(id: $live_id) {\n    ...Batch\n  }\n}");
    expect(text).toContain("fragment Batch on ConnectionTestBatch");
    expect(text).toContain("fragment CheckFields on Check");
    expect(text).not.toContain("fragment Root");
    expect(text).not.toContain("fragment Other");
    expect(prepared.eventQuery.variables({ id: "x" })).toEqual({ n: 3, live_id: "x" });
  });

  it("renames its own variables when the client's already use the name", () => {
    const prepared = prepare(`subscription($live_id: Int) { connectionTestBatchUpdated(batchId: "b") { results(first: $live_id) { ok } } }`, { live_id: 2 });
    expect(prepared.eventQuery.text).toContain("query ($live_id: Int, $_live_id: ID!)");
    expect(prepared.eventQuery.variables({ id: "b" })).toEqual({ live_id: 2, _live_id: "b" });
  });

  it("for a stream topic, authorizes with its authorize query (only __typename) and takes the query's arguments from each event", () => {
    const prepared = prepare(`subscription { runOutput(runId: "r1", targetId: "t1") { text } }`);
    expect(prepared.initialQuery.send).toBe(false);
    expect(prepared.initialQuery.args).toEqual({ id: "r1" });
    expect(prepared.initialQuery.query.text).toBe("{\n  runOutput: run(id: $live_id) {\n    __typename\n  }\n}".replace("{\n  runOutput", "query ($live_id: ID!) {\n  runOutput"));
    expect(eventArgs(prepared, { __typename: "RunOutputChunk", id: "c9", targetId: "t1" })).toEqual({ id: "c9" });
    expect(eventArgs(prepared, { __typename: "RunOutputChunk", id: "c10", targetId: "t2" })).toBeUndefined();
  });

  it("applies @skip/@include on the root field; with a variable there it is refused (graphql-js's rule cannot decide it)", () => {
    expect(refusal(`subscription { runUpdated(runId: "r") @skip(if: true) { status } }`)).toEqual([
      { message: "The subscription selects no field (all were skipped)", code: "BAD_REQUEST" },
    ]);
    expect(prepare(`subscription { runUpdated(runId: "r") @include(if: true) { status } }`).field).toBe("runUpdated");
    expect(refusal(`subscription($s: Boolean!) { runUpdated(runId: "r") @skip(if: $s) { status } }`, { s: false })[0]).toMatchObject({ code: "GRAPHQL_VALIDATION_FAILED" });
  });

  it("refuses what a query over HTTP would be refused for: parse errors, the token limit, depth, aliases, schema validation", () => {
    expect(refusal("subscription {")[0].code).toBe("GRAPHQL_PARSE_FAILED");
    expect(refusal(`subscription { runUpdated(runId: "${"r".repeat(10)}") { ${"status ".repeat(300)} } }`)[0]).toMatchObject({ code: "GRAPHQL_PARSE_FAILED", message: "Syntax Error: Document contains more that 300 tokens. Parsing aborted." });
    expect(refusal(`subscription { connectionTestBatchUpdated(batchId: "b") { createdBy { id } results { ok } a: done b: done c: done d: done e: done f: done } }`)).toEqual([
      { message: "Too many aliases: more than the maximum of 5", code: "GRAPHQL_VALIDATION_FAILED" },
    ]);
    expect(refusal(`subscription { runUpdated(runId: "r") { nope } }`)).toEqual([{ message: 'Cannot query field "nope" on type "Run".', code: "GRAPHQL_VALIDATION_FAILED" }]);
    expect(refusal(`subscription { runUpdated(runId: "r") { status } runOutput(runId: "r") { text } }`)[0]).toMatchObject({ code: "GRAPHQL_VALIDATION_FAILED", message: expect.stringContaining("must select only one top level field") });
  });

  it("refuses bad input by the input guard and variable coercion, naming the argument", () => {
    expect(refusal(`subscription($r: ID!) { runUpdated(runId: $r) { status } }`, { r: "a\u0000b" })).toEqual([
      { message: expect.stringMatching(/^runId: .*NUL/i), code: "BAD_USER_INPUT" },
    ]);
    expect(refusal(`subscription($r: ID!) { runUpdated(runId: $r) { status } }`, {})).toEqual([{ message: expect.stringContaining('Variable "$r" of required type "ID!" was not provided'), code: "BAD_USER_INPUT" }]);
  });

  it("refuses queries and mutations (they go over HTTP), several operations without a name, and fields that are no live topic", () => {
    expect(refusal(`query { run(id: "r") { status } }`)).toEqual([
      { message: "Only subscriptions are served over WebSocket; send queries and mutations with HTTP POST to /graphql", code: "BAD_REQUEST" },
    ]);
    expect(refusal(`subscription A { runUpdated(runId: "r") { status } } subscription B { runUpdated(runId: "s") { status } }`)[0].code).toBe("BAD_REQUEST");
    expect(prepare(`subscription A { runUpdated(runId: "r") { status } } subscription B { runUpdated(runId: "s") { status } }`, undefined, "B").args).toEqual({ runId: "s" });
    expect(refusal(`subscription { notServed }`)).toEqual([{ message: "Subscription.notServed is not served by the gateway's live topics", code: "BAD_REQUEST" }]);
  });
});
