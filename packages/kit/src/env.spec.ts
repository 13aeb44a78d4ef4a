import { baseEnv, envBool, envPort, parseEnv, z } from "./env";

const schema = z.object({ ...baseEnv, PORT: envPort(8001), FEATURE: envBool.default(false) });
const valid = {
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/x",
  SERVICE_TOKEN: "x".repeat(32),
  AUTH_URL: "http://127.0.0.1:8001",
};

describe("parseEnv", () => {
  it("returns typed values with defaults applied and strings coerced", () => {
    const env = parseEnv(schema, { ...valid, PORT: "9000", FEATURE: "1", OUTBOX_RELAY_ENABLED: "false" }, false);
    expect(env.PORT).toBe(9000);
    expect(env.FEATURE).toBe(true);
    expect(env.OUTBOX_RELAY_ENABLED).toBe(false);
    expect(env.LOG_LEVEL).toBe("info");
    expect(env.EVENTS_EXCHANGE).toBe("opsconductor.events");
  });

  it("with exit=false throws one error that lists every bad variable at once", () => {
    const bad = { DATABASE_URL: "not a url", SERVICE_TOKEN: "short", PORT: "70000", LOG_LEVEL: "loud", FEATURE: "yes" };
    let message = "";
    try {
      parseEnv(schema, bad, false);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Invalid environment:/);
    for (const name of ["DATABASE_URL", "SERVICE_TOKEN", "PORT", "LOG_LEVEL", "FEATURE"]) {
      expect(message).toContain(`  - ${name}:`);
    }
    expect(message).toContain("SERVICE_TOKEN: must be at least 32 characters");
  });

  it("reports missing required variables together", () => {
    expect(() => parseEnv(schema, {}, false)).toThrow(/DATABASE_URL[\s\S]*SERVICE_TOKEN/);
  });

  it("by default prints every problem to stderr and exits non-zero", () => {
    const exit = jest.spyOn(process, "exit").mockImplementation(((code?: number) => {
      throw new Error(`exit ${code}`);
    }) as typeof process.exit);
    const stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(() => parseEnv(schema, { SERVICE_TOKEN: "short" })).toThrow("exit 1");
      const printed = stderr.mock.calls.map(([chunk]) => String(chunk)).join("");
      expect(printed).toContain("DATABASE_URL");
      expect(printed).toContain("SERVICE_TOKEN");
    } finally {
      exit.mockRestore();
      stderr.mockRestore();
    }
  });
});
