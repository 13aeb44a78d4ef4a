import { containsText, likePattern } from "./search";

describe("likePattern", () => {
  it.each([
    ["plain", "plain"],
    ["100%", "100\\%"],
    ["a_b", "a\\_b"],
    ["back\\slash", "back\\\\slash"],
    ["%_\\%", "\\%\\_\\\\\\%"],
    ["", ""],
  ])("escapes %j as %j", (text, pattern) => {
    expect(likePattern(text)).toBe(pattern);
  });

  it("builds a case-insensitive contains filter from the escaped text", () => {
    expect(containsText("5%_off")).toEqual({ contains: "5\\%\\_off", mode: "insensitive" });
  });
});
