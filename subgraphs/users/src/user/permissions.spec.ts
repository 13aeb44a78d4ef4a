import { PERMISSIONS, permissionsFor, ROLE_PERMISSIONS } from "./permissions";
import { Role } from "./role";

describe("role permissions", () => {
  it("grants admin every permission", () => {
    expect(permissionsFor([Role.ADMIN])).toEqual([...PERMISSIONS]);
  });

  it("grants operator everything except user, notification and system writes; credentials it may list (no secrets)", () => {
    expect(permissionsFor([Role.OPERATOR])).toEqual([
      "users:read",
      "targets:read",
      "targets:write",
      "credentials:read",
      "jobs:read",
      "jobs:write",
      "jobs:execute",
      "discovery:read",
      "discovery:write",
      "audit:read",
      "analytics:read",
      "notifications:read",
      "system:read",
    ]);
  });

  it("grants viewer read access without audit, credentials or notifications", () => {
    expect(permissionsFor([Role.VIEWER])).toEqual([
      "users:read",
      "targets:read",
      "jobs:read",
      "discovery:read",
      "analytics:read",
      "system:read",
    ]);
  });

  it("unions several roles without duplicates and ignores unknown role names", () => {
    const combined = permissionsFor([Role.VIEWER, Role.OPERATOR, "root"]);
    expect(combined).toEqual(permissionsFor([Role.OPERATOR]));
    expect(new Set(combined).size).toBe(combined.length);
    expect(permissionsFor(["root"])).toEqual([]);
  });

  it("only maps roles to known permissions", () => {
    for (const granted of Object.values(ROLE_PERMISSIONS)) {
      for (const permission of granted) expect(PERMISSIONS).toContain(permission);
    }
  });
});
