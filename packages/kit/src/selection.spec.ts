import { buildSchema, execute, parse, type GraphQLResolveInfo } from "graphql";
import { selectedFields } from "./selection";

const schema = buildSchema(`
  type Item { id: ID! name: String! tags: [String!]! owner: Owner }
  type Owner { id: ID! name: String! }
  type Page { total: Int! items: [Item!]! }
  type Query { page: Page! }
`);

/** Runs a document and returns what selectedFields saw from the `page` resolver. */
function seen(document: string, ...path: string[]): string[] {
  let result: string[] = [];
  const rootValue = {
    page: (_args: unknown, _ctx: unknown, info: GraphQLResolveInfo) => {
      result = [...selectedFields(info, ...path)].sort();
      return { total: 0, items: [] };
    },
  };
  const outcome = execute({ schema, document: parse(document), rootValue });
  if ("errors" in outcome && outcome.errors) throw outcome.errors[0];
  return result;
}

describe("selectedFields", () => {
  it("names the fields selected at a path, aliases as their field names", () => {
    expect(seen(`{ page { total items { id label: name owner { name } } } }`, "items")).toEqual(["id", "name", "owner"]);
    expect(seen(`{ page { total items { id } } }`)).toEqual(["items", "total"]);
    expect(seen(`{ page { total items { id } } }`, "items", "owner")).toEqual([]);
  });

  it("follows named and inline fragments (each named one once), and counts @skip/@include fields as selected", () => {
    const document = `
      query($no: Boolean!) { page { items { ...A ... on Item { tags } ...A name @skip(if: $no) } } }
      fragment A on Item { id ...B }
      fragment B on Item { owner { id } }`;
    const rootValue = {
      page: (_args: unknown, _ctx: unknown, info: GraphQLResolveInfo) => {
        expect([...selectedFields(info, "items")].sort()).toEqual(["id", "name", "owner", "tags"]);
        return { total: 0, items: [] };
      },
    };
    const outcome = execute({ schema, document: parse(document), rootValue, variableValues: { no: true } });
    expect("errors" in outcome ? outcome.errors : undefined).toBeUndefined();
  });

  it("merges the selections of the same field given twice", () => {
    expect(seen(`{ page { items { id } items { name } } }`, "items")).toEqual(["id", "name"]);
  });
});
