import { pick } from "./pick";

describe("pick", () => {
  it("copies the named fields only, in the given order", () => {
    const picked = pick({ id: "1", name: "a", secret: "s", port: 22 }, ["port", "id"]);
    expect(picked).toEqual({ port: 22, id: "1" });
    expect(Object.keys(picked)).toEqual(["port", "id"]);
  });
});
