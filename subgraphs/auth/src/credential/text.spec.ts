import { textProblem } from "./text";

describe("textProblem", () => {
  it("accepts ordinary text, including characters outside the BMP", () => {
    expect(textProblem("ada", 10)).toBeNull();
    expect(textProblem("pässwörd 🔑 ok", 20)).toBeNull();
  });

  it("names an over-long value, a NUL byte and a lone surrogate of either half", () => {
    expect(textProblem("x".repeat(11), 10)).toBe("must be at most 10 characters");
    expect(textProblem("a\u0000b", 10)).toBe("must not contain NUL characters");
    expect(textProblem("a\uD83Db", 10)).toMatch(/lone surrogate/);
    expect(textProblem("a\uDD11", 10)).toMatch(/lone surrogate/);
    expect(textProblem("\uD83D", 10)).toMatch(/lone surrogate/);
  });
});
