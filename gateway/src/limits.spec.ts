import { buildSchema, getIntrospectionQuery, parse, specifiedRules, validate } from "graphql";
import { aliasLimit, depthLimit } from "./limits";

const schema = buildSchema(`
  type Node { id: ID! child: Node name: String }
  type Query { node: Node nodes: [Node!]! }
`);

const errorsOf = (query: string, rules = [depthLimit(3), aliasLimit(2)]) =>
  validate(schema, parse(query), [...specifiedRules, ...rules]).map((error) => error.message);

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
  it("accepts the standard introspection query at the default limit (ofType chains do not count)", () => {
    const errors = validate(buildSchema("type Query { a: Int }"), parse(getIntrospectionQuery()), [depthLimit(10)]);
    expect(errors).toEqual([]);
  });
  it("does not loop on a fragment cycle (reported by the standard rules instead)", () => {
    const errors = errorsOf(`{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { child { ...A } }`);
    expect(errors.some((message) => /Cannot spread fragment/.test(message))).toBe(true);
  });
});

describe("aliasLimit", () => {
  it("accepts up to the maximum number of aliases", () => {
    expect(errorsOf(`{ a: node { id } b: nodes { id } }`)).toEqual([]);
  });
  it("rejects one alias more, once", () => {
    expect(errorsOf(`{ a: node { id } b: node { id } c: node { x: id } }`)).toEqual(["Too many aliases: more than the maximum of 2"]);
  });
});
