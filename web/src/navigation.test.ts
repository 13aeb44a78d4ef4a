import { describe, expect, it } from "vitest";
import { breadcrumbs, permissionOf, screenOf } from "./navigation";

describe("navigation", () => {
  it("breadcrumbs list every screen a path lies in, the deepest last", () => {
    expect(breadcrumbs("/").map((screen) => screen.label)).toEqual(["Overview"]);
    expect(breadcrumbs("/targets/transfer").map((screen) => screen.label)).toEqual(["Overview", "Targets", "Import / export"]);
    expect(breadcrumbs("/targets/1234").map((screen) => screen.label)).toEqual(["Overview", "Targets"]);
    expect(breadcrumbs("/targetsx").map((screen) => screen.label)).toEqual(["Overview"]);
  });

  it("the active screen is the deepest, and each screen names its permission", () => {
    expect(screenOf("/targets/transfer").path).toBe("/targets/transfer");
    expect(screenOf("/credentials").label).toBe("Credentials");
    expect(permissionOf("/credentials")).toBe("credentials:read");
    expect(permissionOf("/users")).toBe("users:write");
  });
});
