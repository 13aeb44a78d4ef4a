import { GraphQLError } from "graphql";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, pageArgs } from "./pagination";

function rejection(fn: () => unknown): GraphQLError {
  try {
    fn();
  } catch (error) {
    return error as GraphQLError;
  }
  throw new Error("expected pageArgs to throw");
}

describe("pageArgs", () => {
  it("defaults to the first page of the default size", () => {
    expect(pageArgs()).toEqual({ skip: 0, take: DEFAULT_PAGE_SIZE });
    expect(pageArgs(null)).toEqual({ skip: 0, take: DEFAULT_PAGE_SIZE });
  });

  it("maps offset/limit to skip/take, up to the maximum page size", () => {
    expect(pageArgs({ offset: 40, limit: 20 })).toEqual({ skip: 40, take: 20 });
    expect(pageArgs({ offset: 0, limit: MAX_PAGE_SIZE })).toEqual({ skip: 0, take: MAX_PAGE_SIZE });
  });

  it("rejects a limit above 100 as BAD_USER_INPUT naming pagination.limit", () => {
    const error = rejection(() => pageArgs({ limit: MAX_PAGE_SIZE + 1 }));
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "pagination.limit" });
    expect(error.message).toContain("pagination.limit");
  });

  it("rejects a zero limit naming pagination.limit", () => {
    expect(rejection(() => pageArgs({ limit: 0 })).extensions.field).toBe("pagination.limit");
  });

  it("rejects a negative offset as BAD_USER_INPUT naming pagination.offset", () => {
    const error = rejection(() => pageArgs({ offset: -1 }));
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "pagination.offset" });
  });

  it("rejects a fractional offset", () => {
    expect(rejection(() => pageArgs({ offset: 1.5 })).extensions.field).toBe("pagination.offset");
  });
});
