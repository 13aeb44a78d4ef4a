import { ApolloServer } from "@apollo/server";
import { buildSchema, getIntrospectionQuery, parse, specifiedRules, validate } from "graphql";
import { aliasLimit, depthLimit, directiveLimit, fragmentLimit, limitViolations, queryLimitOptions, type QueryLimits } from "./limits";

/**
 * "Quickly": well under the ~2 s the original 833-byte attack cost (it doubled per level; the 25-level
 * documents below would take minutes if any rule were not linear). Generous, because this is CPU time
 * of the whole process on a shared 2-core machine (55 ms was seen under CI load for a 200-directive list).
 */
const QUICK_MS = 500;

const schema = buildSchema(`
  type Node { id: ID! child: Node name: String }
  type Query { node: Node nodes: [Node!]! }
`);

const errorsOf = (query: string, rules = [depthLimit(3), aliasLimit(2)]) =>
  validate(schema, parse(query), [...specifiedRules, ...rules]).map((error) => error.message);

/** Each fragment spreads the next one twice (2^levels selections once expanded); `wrap` shapes each spread. */
function fanOut(levels: number, wrap = (spread: string) => `${spread} ${spread}`): string {
  let document = "query FanOut { node { ...F0 } }\n";
  for (let level = 0; level < levels; level += 1) {
    document += `fragment F${level} on Node { name ${wrap(`...F${level + 1}`)} }\n`;
  }
  return `${document}fragment F${levels} on Node { id }\n`;
}

/** CPU milliseconds this process spent since `start` (wall time would count other processes' turns). */
const cpuMillisecondsSince = (start: NodeJS.CpuUsage) => {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
};

/**
 * CPU time of the work, best of three runs: a cold JIT, a GC pause or a busy machine cannot fail
 * the bound, while exponential work (seconds to minutes here) still does.
 */
const millisecondsOf = (work: () => unknown) => {
  let best = Infinity;
  for (let run = 0; run < 3; run += 1) {
    const start = process.cpuUsage();
    work();
    best = Math.min(best, cpuMillisecondsSince(start));
  }
  return best;
};

describe("depthLimit", () => {
  it("accepts a query at the limit", () => {
    expect(errorsOf(`{ node { child { name } } }`)).toEqual([]);
  });
  it("rejects a query one level deeper, saying how deep", () => {
    expect(errorsOf(`{ node { child { child { name } } } }`)).toEqual(["Query depth 4 exceeds the maximum of 3"]);
  });
  it("follows fragments and inline fragments", () => {
    expect(errorsOf(`{ node { ...F } } fragment F on Node { child { ... on Node { child { id } } } }`)).toEqual([
      "Query depth 4 exceeds the maximum of 3",
    ]);
  });
  it("measures a fragment by where it is spread (the same fragment at two depths)", () => {
    expect(errorsOf(`{ node { ...F } a: node { child { ...F } } } fragment F on Node { child { id } }`, [depthLimit(3)])).toEqual([
      "Query depth 4 exceeds the maximum of 3",
    ]);
  });
  it("accepts the standard introspection query at the default limit (ofType chains do not count)", () => {
    const errors = validate(buildSchema("type Query { a: Int }"), parse(getIntrospectionQuery()), [depthLimit(10)]);
    expect(errors).toEqual([]);
  });
  it("does not loop on a fragment cycle (reported by the standard rules instead)", () => {
    const errors = errorsOf(`{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { child { ...A } }`);
    expect(errors.some((message) => /Cannot spread fragment/.test(message))).toBe(true);
  });
  it("measures a 25-level fragment fan-out once per fragment: well under 50 ms (it took ~58 s re-walking each use)", () => {
    const document = parse(fanOut(25, (spread) => `child { ${spread} ${spread} }`));
    let errors: readonly unknown[] = [];
    const elapsed = millisecondsOf(() => (errors = validate(schema, document, [depthLimit(10), aliasLimit(15)])));
    expect(errors.map(String)).toEqual([expect.stringMatching(/^Query depth 27 exceeds the maximum of 10/)]);
    expect(elapsed).toBeLessThan(QUICK_MS);
  });
  it("stays linear when the spreads sit inside inline fragments and fragments spread themselves in a cycle", () => {
    const document = parse(`${fanOut(30, (spread) => `... on Node { ${spread} } ... { ${spread} }`)} fragment C1 on Node { ...C2 } fragment C2 on Node { ...C1 }`);
    const elapsed = millisecondsOf(() => validate(schema, document, [...specifiedRules, depthLimit(10), aliasLimit(15)]));
    expect(elapsed).toBeLessThan(QUICK_MS);
  });
});

describe("aliasLimit", () => {
  it("accepts up to the maximum number of aliases", () => {
    expect(errorsOf(`{ a: node { id } b: nodes { id } }`)).toEqual([]);
  });
  it("rejects one alias more, once", () => {
    expect(errorsOf(`{ a: node { id } b: node { id } c: node { x: id } }`)).toEqual(["Too many aliases: more than the maximum of 2"]);
  });
  it("counts a fragment's aliases at every spread (as executed), not once per document", () => {
    const query = `{ node { ...F } nodes { ...F } } fragment F on Node { a: id }`;
    expect(errorsOf(query, [aliasLimit(1)])).toEqual(["Too many aliases: more than the maximum of 1"]);
    expect(errorsOf(query, [aliasLimit(2)])).toEqual([]);
  });
  it("counts aliases in a 40-level fan-out (2^40 of them) without expanding it", () => {
    const document = parse(fanOut(40, (spread) => `a: child { ${spread} } b: child { ${spread} }`));
    let messages: string[] = [];
    const elapsed = millisecondsOf(() => (messages = validate(schema, document, [aliasLimit(15)]).map((error) => error.message)));
    expect(messages).toEqual(["Too many aliases: more than the maximum of 15"]);
    expect(elapsed).toBeLessThan(QUICK_MS);
  });
});

describe("directiveLimit and fragmentLimit", () => {
  it("reject past the maximum, once each", () => {
    const directives = `{ node @include(if: true) { id @skip(if: false) name @skip(if: false) } }`;
    expect(validate(schema, parse(directives), [directiveLimit(3)])).toEqual([]);
    expect(validate(schema, parse(directives), [directiveLimit(2)]).map((error) => error.message)).toEqual([
      "Too many directives: more than the maximum of 2",
    ]);
    const fragments = `{ node { ...A ...B ...C } } fragment A on Node { id } fragment B on Node { id } fragment C on Node { id }`;
    expect(validate(schema, parse(fragments), [fragmentLimit(3)])).toEqual([]);
    expect(validate(schema, parse(fragments), [fragmentLimit(2)]).map((error) => error.message)).toEqual([
      "Too many fragments: more than the maximum of 2",
    ]);
  });
});

describe("queryLimitOptions in Apollo Server (what the gateway runs)", () => {
  const limits: QueryLimits = {
    maxDepth: 10,
    maxAliases: 15,
    maxDirectives: 50,
    maxFragments: 50,
    maxTokens: 5_000,
    maxSelections: 2_000,
    maxRepeatedFields: 8,
  };
  let server: ApolloServer;
  beforeAll(async () => {
    server = new ApolloServer({
      typeDefs: `type Node { id: ID! child: Node name: String } type Query { node: Node nodes: [Node!]! }`,
      resolvers: { Query: { node: () => ({ id: "1", name: "n" }) } },
      ...queryLimitOptions(limits),
    });
    await server.start();
  });
  afterAll(() => server.stop());

  /** The response, and the CPU time of the best of three runs (see millisecondsOf). */
  async function run(query: string) {
    let elapsed = Infinity;
    let response: Awaited<ReturnType<ApolloServer["executeOperation"]>> | undefined;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const start = process.cpuUsage();
      response = await server.executeOperation({ query });
      elapsed = Math.min(elapsed, cpuMillisecondsSince(start));
    }
    if (response?.body.kind !== "single") throw new Error("expected a single result");
    const { errors, data } = response.body.singleResult;
    return { elapsed, data, messages: (errors ?? []).map((error) => error.message), codes: (errors ?? []).map((error) => error.extensions?.code) };
  }

  it("answers an ordinary query and the standard introspection query", async () => {
    expect((await run(`{ node { id child { name } } }`)).messages).toEqual([]);
    expect((await run(getIntrospectionQuery())).messages).toEqual([]);
  });

  it("validates the costliest shape found that the limits admit (8 repeats nested 3 deep) quickly (CPU time, see QUICK_MS)", async () => {
    const eight = (selection: string) => Array(8).fill(selection).join(" ");
    const result = await run(`{ node { ${eight(`child { ${eight(`child { ${eight("id")} }`)} }`)} } }`);
    expect(result.messages).toEqual([]);
    expect(result.elapsed).toBeLessThan(QUICK_MS);
  });

  it.each([
    ["twice-spread fragments, 25 levels (valid, 2^25 selections)", fanOut(25), /^Operation "FanOut" requests too many selections: more than the maximum of 2000/],
    ["spreads inside inline fragments", fanOut(25, (spread) => `... on Node { ${spread} } ... { ${spread} }`), /requests too many selections/],
    ["a fragment spread under many aliases", `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: node { ...F }`).join(" ")} } fragment F on Node { id }`, /^Too many aliases/],
    ["a long directive list", `{ node { ${"id @include(if: true) ".repeat(200)}} }`, /^Too many directives/],
    ["many fragments", `{ node { ${Array.from({ length: 60 }, (_, i) => `...F${i}`).join(" ")} } } ${Array.from({ length: 60 }, (_, i) => `fragment F${i} on Node { id }`).join(" ")}`, /^Too many fragments/],
    ["a huge token count", `{ node { ${"id ".repeat(20_000)}} }`, /^Syntax Error: Document contains more tha. 5000 tokens/],
  ])("rejects %s quickly, before execution", async (_name, query, message) => {
    const result = await run(query);
    expect(result.messages).toContainEqual(expect.stringMatching(message));
    expect(result.codes[0]).toMatch(/^GRAPHQL_(VALIDATION|PARSE)_FAILED$/);
    expect(result.data).toBeUndefined();
    expect(result.elapsed).toBeLessThan(QUICK_MS);
  });
});

describe("limitViolations", () => {
  const defaults: QueryLimits = { maxDepth: 10, maxAliases: 15, maxDirectives: 50, maxFragments: 50, maxSelections: 2_000, maxRepeatedFields: 8 };

  it("accepts the standard introspection query under every default limit", () => {
    expect(limitViolations(parse(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true })), defaults)).toEqual([]);
  });

  it("accepts one field per member of a union selected through inline fragments, __typename in each", () => {
    const members = Array.from({ length: 8 }, (_, i) => `... on Member${i} { id name __typename }`).join(" ");
    expect(limitViolations(parse(`{ search { __typename ${members} } }`), defaults)).toEqual([]);
  });

  it("counts a field repeated through inline fragments as repeated in the parent selection set", () => {
    const document = parse(`{ node { ${"... on Node { child { id } } ".repeat(9)}} }`);
    expect(limitViolations(document, defaults)).toEqual(["A field is selected 9 times in one selection set: more than the maximum of 8"]);
  });

  it("does not count a named fragment's fields as repeats of the spreading selection set's", () => {
    const document = parse(`{ node { id ...A ...B } } fragment A on Node { id } fragment B on Node { id }`);
    expect(limitViolations(document, { maxRepeatedFields: 1 })).toEqual([]);
  });

  it("counts selections with fragments expanded, per operation, naming it", () => {
    const document = parse(fanOut(12));
    expect(limitViolations(document, { maxSelections: 2_000 })).toEqual([
      'Operation "FanOut" requests too many selections: more than the maximum of 2000 with fragments expanded',
    ]);
    expect(limitViolations(parse(fanOut(8)), { maxSelections: 2_000 })).toEqual([]);
  });

  it.each([
    ["a 25-level twice-spread fan-out", fanOut(25)],
    ["a 500-level fan-out through inline fragments", fanOut(500, (spread) => `... on Node { ${spread} } ... { ${spread} }`)],
    ["700 copies of one aliased field", `{ ${"a: node { id } ".repeat(700)}}`],
    ["1,000 copies of one field with a sub-selection", `{ node { ${"child { child { id } } ".repeat(1_000)}} }`],
    ["600 distinct fragments spread side by side", `{ node { ${Array.from({ length: 600 }, (_, i) => `...F${i}`).join(" ")} } } ${Array.from({ length: 600 }, (_, i) => `fragment F${i} on Node { child { id } }`).join(" ")}`],
  ])("measures %s quickly (CPU time, see QUICK_MS) (~1.5 ms per 35 KB once warm)", (_name, query) => {
    const document = parse(query);
    let violations: string[] = [];
    const elapsed = millisecondsOf(() => (violations = limitViolations(document, defaults)));
    expect(violations.length).toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(QUICK_MS);
  });

  it("counts directives everywhere in the document, each once, fragments no operation spreads included", () => {
    const document = parse(
      `query Q($a: Int @d) @d { node @d { ...F @d ... @d { id @d } } } fragment F on Node @d { id @d } fragment Unused on Node { id @d }`,
    );
    expect(limitViolations(document, { maxDirectives: 9 })).toEqual([]);
    expect(limitViolations(document, { maxDirectives: 8 })).toEqual(["Too many directives: more than the maximum of 8"]);
  });
});
