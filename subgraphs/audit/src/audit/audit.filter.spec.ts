import { parseAuditFilter } from "./audit.filter";

const fieldOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as { extensions?: { code?: string; field?: string } }).extensions;
  }
  return undefined;
};

describe("audit filter validation (GraphQL argument and export query string)", () => {
  it("accepts Dates and ISO strings, trims, and treats empty strings as no condition", () => {
    expect(parseAuditFilter({ from: new Date("2026-01-01T00:00:00Z"), to: "2026-02-01", actor: "  alice ", resourceId: "" })).toEqual({
      from: new Date("2026-01-01T00:00:00Z"),
      to: new Date("2026-02-01T00:00:00Z"),
      actor: "alice",
      resourceId: undefined,
    });
    expect(parseAuditFilter(null)).toEqual({});
  });

  it("names the field: filter.x for GraphQL, x for the query string", () => {
    expect(fieldOf(() => parseAuditFilter({ from: "yesterday" }))).toEqual({ code: "BAD_USER_INPUT", field: "filter.from" });
    expect(fieldOf(() => parseAuditFilter({ outcome: "MAYBE" }, ""))).toEqual({ code: "BAD_USER_INPUT", field: "outcome" });
    expect(fieldOf(() => parseAuditFilter({ severity: "LOUD" }, ""))).toEqual({ code: "BAD_USER_INPUT", field: "severity" });
    expect(fieldOf(() => parseAuditFilter({ from: "2026-02-01", to: "2026-01-01" }))).toEqual({ code: "BAD_USER_INPUT", field: "filter.to" });
    expect(fieldOf(() => parseAuditFilter({ actor: "a".repeat(201) }))).toEqual({ code: "BAD_USER_INPUT", field: "filter.actor" });
    expect(fieldOf(() => parseAuditFilter({ to: "2026-13-45" }, ""))).toEqual({ code: "BAD_USER_INPUT", field: "to" });
  });
});
