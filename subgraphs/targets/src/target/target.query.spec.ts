import { targetColumns } from "./target.query";

describe("targetColumns", () => {
  const all = targetColumns(undefined);

  it("reads the id and the columns behind the selected fields, nothing else", () => {
    expect(targetColumns(new Set(["name", "address", "__typename"]))).toBe("id, name, address");
    expect(targetColumns(new Set(["createdBy", "createdAt"]))).toBe(`id, created_by_id AS "createdById", created_at AT TIME ZONE 'UTC' AS "createdAt"`);
  });

  it("reads every column when a selected field is not one of the row's plain fields, or nothing is known", () => {
    expect(all).toContain("serial");
    expect(all).toContain('health_status AS "healthStatus"');
    expect(targetColumns(new Set(["name", "serialNumber"]))).toBe(all);
    expect(targetColumns(new Set(["connectionMethods"]))).toBe(all);
    expect(targetColumns(new Set())).toBe(all);
  });
});
