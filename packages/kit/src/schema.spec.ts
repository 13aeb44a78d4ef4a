import { execute, parse } from "graphql";
import { WidgetResolver, widgetReferences } from "../test/fixtures/widget";
import { buildFederatedSchema } from "./schema";

describe("buildFederatedSchema", () => {
  let built: Awaited<ReturnType<typeof buildFederatedSchema>>;
  beforeAll(async () => {
    built = await buildFederatedSchema({ resolvers: [WidgetResolver], references: widgetReferences });
  });

  it("prints SDL that links Federation 2 and keeps @key on the entity", () => {
    expect(built.sdl.startsWith('extend schema @link(url: "https://specs.apollo.dev/federation/v2.7"')).toBe(true);
    expect(built.sdl).toContain('import: ["@key"');
    expect(built.sdl).toMatch(/type Widget @key\(fields: "id"\)/);
  });

  it("builds an Apollo subgraph schema whose _service SDL (what composition reads) has @key", async () => {
    const result = await execute({ schema: built.schema, document: parse("{ _service { sdl } }") });
    expect((result.data as { _service: { sdl: string } })._service.sdl).toMatch(/type Widget\s+@key\(fields: "id"\)/);
  });

  it("resolves entity references through the given __resolveReference", async () => {
    const result = await execute({
      schema: built.schema,
      document: parse('{ _entities(representations: [{ __typename: "Widget", id: "w2" }, { __typename: "Widget", id: "nope" }]) { ... on Widget { id name } } }'),
    });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ _entities: [{ id: "w2", name: "second" }, null] });
  });

  it("keeps the type-graphql resolvers working", async () => {
    const result = await execute({ schema: built.schema, document: parse('{ widget(id: "w1") { name } }') });
    expect(result.data).toEqual({ widget: { name: "first" } });
  });
});
