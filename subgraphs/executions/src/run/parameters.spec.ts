import type { JobParameter } from "@opsconductor/kit";
import { coerceParameters } from "./parameters";

const p = (name: string, type: JobParameter["type"], extra: Partial<JobParameter> = {}): JobParameter => ({
  name,
  type,
  required: false,
  defaultValue: null,
  choices: [],
  pattern: null,
  min: null,
  max: null,
  ...extra,
});

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { extensions?: { field?: string } }).extensions?.field;
  }
  return undefined;
};

describe("coerceParameters", () => {
  const defs = [
    p("count", "INT", { min: 1, max: 5, defaultValue: "2" }),
    p("flag", "BOOL", { defaultValue: "no" }),
    p("env", "CHOICE", { choices: ["dev", "prod"], required: true }),
    p("name", "STRING", { pattern: "[a-z]+" }),
    p("token", "SECRET", { required: true }),
  ];

  it("applies defaults, normalizes values and keeps SECRET values apart, masked", () => {
    const result = coerceParameters(defs, { env: "prod", flag: "YES", token: "t0p" });
    expect(result.values).toEqual({ count: "2", flag: "true", env: "prod", name: "", token: "t0p" });
    expect(result.secrets).toEqual({ token: "t0p" });
    expect(result.visible.token).toBe("********");
  });

  it("names the bad parameter", () => {
    const base = { env: "dev", token: "x" };
    expect(fieldOf(() => coerceParameters(defs, { ...base, count: "9" }))).toBe("parameters.count");
    expect(fieldOf(() => coerceParameters(defs, { ...base, count: "1.5" }))).toBe("parameters.count");
    expect(fieldOf(() => coerceParameters(defs, { ...base, flag: "maybe" }))).toBe("parameters.flag");
    expect(fieldOf(() => coerceParameters(defs, { ...base, env: "qa" }))).toBe("parameters.env");
    expect(fieldOf(() => coerceParameters(defs, { ...base, name: "ABC" }))).toBe("parameters.name");
    expect(fieldOf(() => coerceParameters(defs, { env: "dev" }))).toBe("parameters.token");
    expect(fieldOf(() => coerceParameters(defs, { ...base, other: "1" }))).toBe("parameters.other");
  });
});
