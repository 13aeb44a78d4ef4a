import "reflect-metadata";
import { execute, parse } from "graphql";
import { Arg, buildSchema, Query, Resolver } from "type-graphql";
import { graphqlEnum, type EnumOf } from "./vocabulary";

const Colour = graphqlEnum("TestColour", ["RED", "GREEN"], { description: "A colour." });
type Colour = EnumOf<typeof Colour>;
const Shell = graphqlEnum("TestShell", { BASH: "bash", PYTHON3: "python3" });
type Shell = EnumOf<typeof Shell>;

@Resolver()
class EnumResolver {
  @Query(() => Colour)
  echoColour(@Arg("colour", () => Colour) colour: Colour): Colour {
    return colour;
  }

  @Query(() => String, { description: "The stored value the GraphQL name arrives as." })
  storedShell(@Arg("shell", () => Shell) shell: Shell): string {
    return shell;
  }
}

describe("graphqlEnum", () => {
  it("gives code a values object whose values name themselves, or the given stored values", () => {
    expect(Colour).toEqual({ RED: "RED", GREEN: "GREEN" });
    expect(Shell.PYTHON3).toBe("python3");
  });

  it("registers the enum under its GraphQL name with its description and the keys as values", async () => {
    const schema = await buildSchema({ resolvers: [EnumResolver], validate: false });
    const colour = schema.getType("TestColour");
    expect(colour?.description).toBe("A colour.");
    expect(colour?.toString()).toBe("TestColour");
    const result = await execute({ schema, document: parse("{ echoColour(colour: GREEN) storedShell(shell: PYTHON3) }") });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ echoColour: "GREEN", storedShell: "python3" });
  });
});
