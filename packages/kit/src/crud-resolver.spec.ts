import { execute, parse, printSchema, type GraphQLResolveInfo } from "graphql";
import { buildSchema, Field, ID, InputType, ObjectType, Resolver } from "type-graphql";
import { crud, CrudResolver } from "./crud-resolver";
import { PaginationInput } from "./pagination";
import { selectedFields } from "./selection";

@ObjectType()
class Gadget {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;
}

@ObjectType()
class GadgetPage {
  @Field(() => [Gadget])
  items!: Gadget[];
}

@InputType()
class GadgetInput {
  @Field()
  name!: string;
}

@InputType()
class GadgetFilter {
  @Field({ nullable: true })
  search?: string;
}

type Context = { gadgets: GadgetService };

class GadgetService {
  calls: unknown[][] = [];
  private record<T>(name: string, args: unknown[], result: T): T {
    this.calls.push([name, ...args]);
    return result;
  }
  list = (_ctx: Context, ...args: unknown[]) => this.record("list", args, { items: [{ id: "g1", name: "first" }] });
  get = (_ctx: Context, id: string) => this.record("get", [id], id === "g1" ? { id, name: "first" } : null);
  create = (_ctx: Context, input: GadgetInput) => this.record("create", [input.name], { id: "g2", name: input.name });
  update = (_ctx: Context, id: string, input: GadgetInput) => this.record("update", [id, input.name], { id, name: input.name });
  delete = (_ctx: Context, id: string) => this.record("delete", [id], true);
  setEnabled = (_ctx: Context, id: string, enabled: boolean) => this.record("setEnabled", [id, enabled], { id, name: "first" });
  restore = (_ctx: Context, id: string) => this.record("restore", [id], { id, name: "first" });
}

@CrudResolver(() => Gadget, (ctx: Context) => ctx.gadgets, {
  gadgets: crud.list(() => GadgetPage, "Gadgets by name.", { filter: () => GadgetFilter, pagination: () => PaginationInput }),
  gadgetsAsObject: crud.list(() => GadgetPage, undefined, { filter: () => GadgetFilter, pagination: () => PaginationInput }, "object", { info: true }),
  gadget: crud.get("Null when missing."),
  createGadget: crud.create(() => GadgetInput, "Makes one."),
  updateGadget: crud.update(() => GadgetInput),
  setGadgetEnabled: crud.setEnabled(),
  deleteGadget: crud.remove("Deletes one."),
  restoreGadget: crud.byId("Undoes a delete.", (gadgets, ctx, id) => gadgets.restore(ctx, id)),
})
class GadgetResolver {}

describe("CrudResolver", () => {
  let schema: Awaited<ReturnType<typeof buildSchema>>;
  beforeAll(async () => {
    schema = await buildSchema({ resolvers: [GadgetResolver], validate: false });
  });

  // type-graphql prints a field's arguments in the order their decorators ran, which TypeScript makes last
  // first; CrudResolver does the same, so a field it declares prints as the hand-written one did.
  it("declares each field with its name, arguments (in decorator order), types and description", () => {
    const sdl = printSchema(schema);
    expect(sdl).toContain('"""Gadgets by name."""\n  gadgets(pagination: PaginationInput, filter: GadgetFilter): GadgetPage!');
    expect(sdl).toContain('"""Null when missing."""\n  gadget(id: ID!): Gadget\n');
    expect(sdl).toContain('"""Makes one."""\n  createGadget(input: GadgetInput!): Gadget!');
    expect(sdl).toContain("updateGadget(input: GadgetInput!, id: ID!): Gadget!");
    expect(sdl).toContain("setGadgetEnabled(enabled: Boolean!, id: ID!): Gadget!");
    expect(sdl).toContain('"""Deletes one."""\n  deleteGadget(id: ID!): Boolean!');
    expect(sdl).toContain('"""Undoes a delete."""\n  restoreGadget(id: ID!): Gadget!');
  });

  it("builds the same schema again in the same process", async () => {
    const again = await buildSchema({ resolvers: [GadgetResolver], validate: false });
    expect(printSchema(again)).toBe(printSchema(schema));
  });

  it("passes the context and the arguments to the service methods", async () => {
    const gadgets = new GadgetService();
    const document = parse(`mutation {
      createGadget(input: { name: "new" }) { id }
      updateGadget(id: "g1", input: { name: "renamed" }) { name }
      setGadgetEnabled(id: "g1", enabled: false) { id }
      deleteGadget(id: "g1")
      restoreGadget(id: "g1") { id }
    }`);
    const result = await execute({ schema, document, contextValue: { gadgets } });
    expect(result.errors).toBeUndefined();
    expect(gadgets.calls).toEqual([["create", "new"], ["update", "g1", "renamed"], ["setEnabled", "g1", false], ["delete", "g1"], ["restore", "g1"]]);
  });

  it("passes list arguments in order, or as one object with \"object\"", async () => {
    const gadgets = new GadgetService();
    const document = parse('{ gadgets(pagination: { limit: 5 }) { items { id } } gadgetsAsObject(filter: { search: "x" }) { items { id } } gadget(id: "g9") { id } }');
    const result = await execute({ schema, document, contextValue: { gadgets } });
    expect(result.errors).toBeUndefined();
    expect(result.data?.gadget).toBeNull();
    const [list, asObject, get] = gadgets.calls;
    expect(list[0]).toBe("list");
    expect(list[1]).toBeUndefined();
    expect(list[2]).toMatchObject({ limit: 5 });
    expect(list).toHaveLength(3);
    // With { info: true } the resolve info comes last, so a list can read only what the query selects.
    expect(asObject.slice(0, 2)).toEqual(["list", { filter: expect.objectContaining({ search: "x" }), pagination: undefined }]);
    expect((asObject[2] as GraphQLResolveInfo).fieldName).toBe("gadgetsAsObject");
    expect(selectedFields(asObject[2] as GraphQLResolveInfo, "items")).toEqual(new Set(["id"]));
    expect(get).toEqual(["get", "g9"]);
  });

  it("refuses a field the class declares itself", () => {
    expect(() => {
      @CrudResolver(() => Gadget, (ctx: Context) => ctx.gadgets, { gadget: crud.get() })
      @Resolver(() => Gadget)
      class Twice {
        gadget() {
          return null;
        }
      }
      return Twice;
    }).toThrow("Twice.gadget is declared both by CrudResolver and by the class");
  });
});
