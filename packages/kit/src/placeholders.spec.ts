import { fillPlaceholders, placeholderNames } from "./placeholders";

describe("placeholders", () => {
  it("finds every reference, trimmed, in order", () => {
    expect(placeholderNames("{{ a }} and {{b.c}} then {{a}} {not} {{}}")).toEqual(["a", "b.c", "a", ""]);
  });

  it("fills known references and leaves unknown ones as written", () => {
    expect(fillPlaceholders("run {{ run.number }} of {{job}} {{missing}}", (name) => ({ "run.number": "7", job: "backup" })[name])).toBe("run 7 of backup {{missing}}");
  });
});
