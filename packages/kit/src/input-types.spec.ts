import "reflect-metadata";
import { printType, type GraphQLInputObjectType } from "graphql";
import { Arg, buildSchema, Field, ID, InputType, Int, Query, Resolver } from "type-graphql";
import { PartialInput, TimeRangeFilter } from "./input-types";

@InputType()
class TestCreateThingInput {
  @Field({ description: "1-100 characters." }) name!: string;
  @Field(() => Int, { nullable: true, defaultValue: 22 }) port?: number | null;
  @Field(() => [String], { description: "At most 20." }) tags!: string[];
  @Field() kind!: string;
  @Field(() => ID, { nullable: true }) ownerId?: string | null;
}

@InputType({ description: "Only the fields sent change." })
class TestUpdateThingInput extends PartialInput(TestCreateThingInput, { omit: ["kind"] }) {
  @Field(() => ID, { nullable: true, description: "null clears it." })
  declare ownerId?: string | null;
}

@Resolver()
class ThingResolver {
  @Query(() => String)
  updateThing(@Arg("input", () => TestUpdateThingInput) input: TestUpdateThingInput): string {
    return JSON.stringify(input);
  }

  @Query(() => String)
  createThing(@Arg("input", () => TestCreateThingInput) input: TestCreateThingInput): string {
    return JSON.stringify(input);
  }
}

describe("PartialInput", () => {
  it("derives an update input: the create's fields in order, each nullable, without defaults or descriptions; omitted and redeclared fields as asked", async () => {
    const schema = await buildSchema({ resolvers: [ThingResolver], validate: false });
    const printed = printType(schema.getType("TestUpdateThingInput") as GraphQLInputObjectType);
    expect(printed).toBe(
      [
        '"""Only the fields sent change."""',
        "input TestUpdateThingInput {",
        "  name: String",
        "  port: Int",
        "  tags: [String!]",
        "",
        '  """null clears it."""',
        "  ownerId: ID",
        "}",
      ].join("\n"),
    );
    // The create input keeps its own shape.
    expect(printType(schema.getType("TestCreateThingInput") as GraphQLInputObjectType)).toContain("port: Int = 22");
  });

  it("refuses a class with no fields (declared too early or not an input)", () => {
    class Empty {}
    expect(() => PartialInput(Empty)).toThrow(/no fields/);
  });
});

@InputType()
class TestThingFilter extends TimeRangeFilter("Created") {
  @Field(() => String, { nullable: true }) search?: string | null;
}

@Resolver()
class ThingFilterResolver {
  @Query(() => String)
  things(@Arg("filter", () => TestThingFilter) filter: TestThingFilter): string {
    return JSON.stringify(filter);
  }
}

describe("TimeRangeFilter", () => {
  it("gives a filter from (inclusive) and to (exclusive) on the named timestamp, before its own fields", async () => {
    const schema = await buildSchema({ resolvers: [ThingFilterResolver], validate: false });
    expect(printType(schema.getType("TestThingFilter") as GraphQLInputObjectType)).toBe(
      ["input TestThingFilter {", '  """Created at or after."""', "  from: DateTimeISO", "", '  """Created before."""', "  to: DateTimeISO", "  search: String", "}"].join("\n"),
    );
  });
});
