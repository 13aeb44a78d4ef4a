import { envHexKey, envInt } from "./env-fields";

describe("envInt", () => {
  it("coerces, defaults and bounds an integer setting", () => {
    const field = envInt(1, 10, 5);
    expect(field.parse(undefined)).toBe(5);
    expect(field.parse("7")).toBe(7);
    expect(field.safeParse("11").success).toBe(false);
    expect(field.safeParse("1.5").success).toBe(false);
  });
});

describe("envHexKey", () => {
  it("takes 64 hex characters only", () => {
    expect(envHexKey().parse("ab".repeat(32))).toBe("ab".repeat(32));
    expect(envHexKey().safeParse("ab".repeat(31)).success).toBe(false);
    expect(envHexKey().safeParse("zz".repeat(32)).success).toBe(false);
  });
});
