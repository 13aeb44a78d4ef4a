import { GraphQLError } from "graphql";
import { OsType } from "../generated/prisma/enums";
import {
  changedFields,
  hostPort,
  normalizeAddress,
  normalizeDescription,
  normalizeEnvironment,
  normalizeName,
  normalizePort,
  normalizeTags,
  validateCreate,
  validateUpdate,
} from "./target.validation";

/** Runs fn and returns the BAD_USER_INPUT it throws (fails the test when it does not throw one). */
function rejection(fn: () => unknown): { field: unknown; message: string } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    const { extensions, message } = error as GraphQLError;
    expect(extensions.code).toBe("BAD_USER_INPUT");
    return { field: extensions.field, message };
  }
  throw new Error("expected a BAD_USER_INPUT error");
}

describe("address", () => {
  it.each(["10.0.0.11", "192.168.1.254", "0.0.0.0", "::1", "2001:db8::1"])("accepts the IP address %s", (address) => {
    expect(normalizeAddress(address)).toBe(address);
  });

  it("lower-cases and compresses IPv6 addresses so one host has one spelling", () => {
    expect(normalizeAddress("2001:DB8:0:0:0:0:0:1")).toBe("2001:db8::1");
  });

  it.each([
    ["web-01", "web-01"],
    ["  Web-01.Example.COM ", "web-01.example.com"],
    ["db01.internal.", "db01.internal"],
    ["1password.example.com", "1password.example.com"],
    ["localhost", "localhost"],
  ])("accepts the RFC 1123 hostname %j as %j", (input, stored) => {
    expect(normalizeAddress(input)).toBe(stored);
  });

  it("accepts a hostname of exactly 253 characters and refuses 254", () => {
    const label = "a".repeat(63);
    const name253 = [label, label, label, "a".repeat(61)].join(".");
    expect(name253).toHaveLength(253);
    expect(normalizeAddress(name253)).toBe(name253);
    expect(rejection(() => normalizeAddress(`${name253}b`)).message).toMatch(/at most 253/);
  });

  it.each([
    "",
    "   ",
    "-web",
    "web-",
    "web_01",
    "web 01",
    "a..b",
    "10.0.0.256",
    "10.0.0",
    "010.0.0.1",
    "1:2:3",
    "http://web-01",
    "web-01:22",
    `${"a".repeat(64)}.example.com`,
  ])("refuses the address %j naming input.address", (address) => {
    expect(rejection(() => normalizeAddress(address)).field).toBe("input.address");
  });
});

describe("port", () => {
  it.each([1, 22, 5985, 65535])("accepts %d", (port) => {
    expect(normalizePort(port)).toBe(port);
  });

  it.each([0, -1, 65536, 70000, 22.5, Number.NaN])("refuses %d naming input.port", (port) => {
    const { field, message } = rejection(() => normalizePort(port));
    expect(field).toBe("input.port");
    expect(message).toBe("input.port: must be between 1 and 65535");
  });
});

describe("environment", () => {
  it.each([
    ["production", "production"],
    ["staging", "staging"],
    [" QA-2 ", "qa-2"],
    ["a".repeat(32), "a".repeat(32)],
  ])("accepts %j as %j", (input, stored) => {
    expect(normalizeEnvironment(input)).toBe(stored);
  });

  it.each(["", "-prod", "prod env", "prod_env", "a".repeat(33), "prød"])("refuses %j naming input.environment", (input) => {
    expect(rejection(() => normalizeEnvironment(input)).field).toBe("input.environment");
  });
});

describe("tags", () => {
  it("trims, lower-cases and de-duplicates, keeping the first occurrence's order", () => {
    expect(normalizeTags([" Web ", "nginx", "WEB", "role:db", "v1.2_x-y"])).toEqual(["web", "nginx", "role:db", "v1.2_x-y"]);
  });

  it("accepts 20 tags and refuses 21", () => {
    const tags = Array.from({ length: 21 }, (_, i) => `t${i}`);
    expect(normalizeTags(tags.slice(0, 20))).toHaveLength(20);
    const { field, message } = rejection(() => normalizeTags(tags));
    expect(field).toBe("input.tags");
    expect(message).toMatch(/at most 20 tags/);
  });

  it("counts tags after de-duplication", () => {
    const tags = [...Array.from({ length: 20 }, (_, i) => `t${i}`), "T0", " t1 "];
    expect(normalizeTags(tags)).toHaveLength(20);
  });

  it.each(["", " ", "-x", ":x", "has space", "a/b", "a".repeat(41), "ünï"])("refuses the tag %j naming input.tags", (tag) => {
    expect(rejection(() => normalizeTags(["ok", tag])).field).toBe("input.tags");
  });

  it("accepts a 40-character tag", () => {
    expect(normalizeTags(["a".repeat(40)])).toEqual(["a".repeat(40)]);
  });
});

describe("name and description", () => {
  it("trims the name and requires 1-100 characters", () => {
    expect(normalizeName("  web-01 ")).toBe("web-01");
    expect(normalizeName("n".repeat(100))).toHaveLength(100);
    expect(rejection(() => normalizeName("   ")).message).toBe("input.name: is required");
    expect(rejection(() => normalizeName("n".repeat(101))).field).toBe("input.name");
  });

  it("stores a blank description as null and refuses more than 1000 characters", () => {
    expect(normalizeDescription("  ")).toBeNull();
    expect(normalizeDescription(null)).toBeNull();
    expect(normalizeDescription(" rack 4 ")).toBe("rack 4");
    expect(rejection(() => normalizeDescription("d".repeat(1001))).field).toBe("input.description");
  });
});

describe("validateCreate", () => {
  it("fills in port 22, LINUX, production, no tags and no description", () => {
    expect(validateCreate({ name: "web-01", address: "10.0.0.11" })).toEqual({
      name: "web-01",
      address: "10.0.0.11",
      port: 22,
      osType: OsType.LINUX,
      environment: "production",
      tags: [],
      description: null,
    });
  });

  it("requires a name and an address", () => {
    expect(rejection(() => validateCreate({ address: "10.0.0.11" })).field).toBe("input.name");
    expect(rejection(() => validateCreate({ name: "x" })).field).toBe("input.address");
  });
});

describe("validateUpdate", () => {
  it("returns only the fields sent, normalized", () => {
    expect(validateUpdate({ address: "WEB-02", tags: ["A", "a"] })).toEqual({ address: "web-02", tags: ["a"] });
  });

  it("clears the description with null but refuses null for required fields", () => {
    expect(validateUpdate({ description: null })).toEqual({ description: null });
    expect(rejection(() => validateUpdate({ name: null })).field).toBe("input.name");
    expect(rejection(() => validateUpdate({ port: null })).field).toBe("input.port");
  });
});

describe("changedFields", () => {
  const current = {
    name: "web-01",
    address: "10.0.0.11",
    port: 22,
    osType: OsType.LINUX,
    environment: "production",
    tags: ["web"],
    description: null,
  };

  it("lists only the fields whose value differs", () => {
    expect(changedFields(current, { name: "web-01", port: 2222, tags: ["web"], description: "x" })).toEqual(["port", "description"]);
    expect(changedFields(current, { tags: ["web", "nginx"] })).toEqual(["tags"]);
  });
});

describe("hostPort", () => {
  it("brackets IPv6 addresses", () => {
    expect(hostPort("10.0.0.1", 22)).toBe("10.0.0.1:22");
    expect(hostPort("::1", 22)).toBe("[::1]:22");
    expect(hostPort("web-01", 22)).toBe("web-01:22");
  });
});
