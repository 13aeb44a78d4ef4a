import { GraphQLError } from "graphql";
import { Role } from "./role";
import { normalizeDisplayName, normalizeEmail, normalizeRoles, normalizeUsername } from "./user.validation";

function fieldOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions.code).toBe("BAD_USER_INPUT");
    return (error as GraphQLError).extensions.field;
  }
  throw new Error("expected a BAD_USER_INPUT error");
}

describe("user input validation", () => {
  it("lower-cases and trims usernames", () => {
    expect(normalizeUsername("  Jane.Doe-2 ", "input.username")).toBe("jane.doe-2");
  });

  it.each(["ab", "a".repeat(33), "-jane", ".jane", "jane doe", "jane@x", "jäne"])("rejects username %p naming the field", (value) => {
    expect(fieldOf(() => normalizeUsername(value, "input.username"))).toBe("input.username");
  });

  it("accepts 3 and 32 character usernames", () => {
    expect(normalizeUsername("abc", "f")).toBe("abc");
    expect(normalizeUsername("a".repeat(32), "f")).toBe("a".repeat(32));
  });

  it("lower-cases emails and rejects invalid ones", () => {
    expect(normalizeEmail(" Jane@Example.COM ", "input.email")).toBe("jane@example.com");
    for (const bad of ["jane", "jane@", "@example.com", "jane@@example.com", `${"a".repeat(250)}@x.io`]) {
      expect(fieldOf(() => normalizeEmail(bad, "input.email"))).toBe("input.email");
    }
  });

  it("requires a display name of 1 to 100 characters after trimming", () => {
    expect(normalizeDisplayName("  Jane  ", "input.displayName")).toBe("Jane");
    expect(fieldOf(() => normalizeDisplayName("   ", "input.displayName"))).toBe("input.displayName");
    expect(fieldOf(() => normalizeDisplayName("x".repeat(101), "input.displayName"))).toBe("input.displayName");
  });

  it("requires at least one role and stores roles de-duplicated in canonical order", () => {
    expect(normalizeRoles([Role.VIEWER, Role.ADMIN, Role.VIEWER], "input.roles")).toEqual([Role.ADMIN, Role.VIEWER]);
    expect(fieldOf(() => normalizeRoles([], "input.roles"))).toBe("input.roles");
  });
});
