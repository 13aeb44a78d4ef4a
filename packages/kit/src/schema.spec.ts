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

  const ENTITIES = parse('{ _entities(representations: [{ __typename: "Widget", id: "w2" }, { __typename: "Widget", id: "nope" }]) { ... on Widget { id name } } }');
  const caller = (permissions: string[]) => ({ user: { id: "u1", username: "u", roles: [], permissions } });

  it("resolves entity references through the given __resolveReference for a caller holding the entity's permission", async () => {
    const result = await execute({ schema: built.schema, document: ENTITIES, contextValue: caller(["widgets:read"]) });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ _entities: [{ id: "w2", name: "second" }, null] });
  });

  it.each([
    ["no user", {}, "UNAUTHENTICATED"],
    ["a user without the permission", caller(["targets:read", "users:read"]), "FORBIDDEN"],
  ])("refuses entity references for %s before __resolveReference runs", async (_name, contextValue, code) => {
    const resolve = jest.fn(() => ({ id: "w2", name: "second" }));
    const { schema } = await buildFederatedSchema({ resolvers: [WidgetResolver], references: { Widget: { permission: widgetReferences.Widget.permission, __resolveReference: resolve } } });
    const result = await execute({ schema, document: ENTITIES, contextValue });
    expect([...new Set(result.errors?.map((error) => error.extensions.code))]).toEqual([code]);
    expect(resolve).not.toHaveBeenCalled();
    expect(JSON.stringify(result.data)).not.toContain("second");
  });

  it("keeps the type-graphql resolvers working", async () => {
    const result = await execute({ schema: built.schema, document: parse('{ widget(id: "w1") { name } }') });
    expect(result.data).toEqual({ widget: { name: "first" } });
  });
});
