import { createLogger, currentRequestId, redact, withRequestId, type LogLevel } from "./logger";

function capture(level: LogLevel = "debug") {
  const lines: string[] = [];
  const logger = createLogger("kit-test", level, (line) => lines.push(line));
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, records };
}

describe("createLogger", () => {
  it("writes one JSON object per line with time, level, service and message", () => {
    const { logger, lines, records } = capture();
    logger.info("hello", { answer: 42 });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith("\n")).toBe(true);
    expect(lines[0]!.trimEnd()).not.toContain("\n");
    expect(records()[0]).toMatchObject({ level: "info", service: "kit-test", msg: "hello", answer: 42 });
    expect(new Date(records()[0]!.time as string).toISOString()).toBe(records()[0]!.time);
  });

  it("adds the request id to every line written inside withRequestId, across awaits", async () => {
    const { logger, records } = capture();
    logger.info("outside");
    await withRequestId("req-123", async () => {
      logger.info("before await");
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(currentRequestId()).toBe("req-123");
      logger.warn("after await");
    });
    const [outside, before, after] = records();
    expect(outside).not.toHaveProperty("requestId");
    expect(before!.requestId).toBe("req-123");
    expect(after!.requestId).toBe("req-123");
  });

  it("keeps its own time, level, service and msg when fields use the same names", () => {
    const lines: string[] = [];
    const logger = createLogger("svc", "info", (line) => lines.push(line));
    logger.info("real message", { msg: "forged", level: "debug", service: "other", time: "then", detail: 1 });
    const record = JSON.parse(lines[0]);
    expect(record).toMatchObject({ msg: "real message", level: "info", service: "svc", detail: 1 });
    expect(record.time).not.toBe("then");
    withRequestId("scoped", () => logger.info("inside", { requestId: "forged" }));
    expect(JSON.parse(lines[1]).requestId).toBe("scoped");
    logger.info("outside", { requestId: "given" });
    expect(JSON.parse(lines[2]).requestId).toBe("given");
  });

  it("redacts encryption and signing keys", () => {
    expect(redact({ ENCRYPTION_KEY: "k1", signingKey: "k2", signing_key: "k3", routingKey: "targets.target.created" })).toEqual({
      ENCRYPTION_KEY: "[redacted]",
      signingKey: "[redacted]",
      signing_key: "[redacted]",
      routingKey: "targets.target.created",
    });
  });

  it("redacts values under password/token/authorization keys, also when nested", () => {
    const { logger, lines, records } = capture();
    logger.info("login", {
      username: "alice",
      password: "hunter2",
      headers: { authorization: "Bearer abc.def.ghi", "x-service-token": "svc-secret-value" },
      body: { user: { newPassword: "p@ss", refreshToken: "rt-value" } },
      list: [{ accessToken: "at-value" }],
    });
    const record = records()[0]!;
    expect(record.username).toBe("alice");
    expect(record.password).toBe("[redacted]");
    expect(record.headers).toEqual({ authorization: "[redacted]", "x-service-token": "[redacted]" });
    expect(record.body).toEqual({ user: { newPassword: "[redacted]", refreshToken: "[redacted]" } });
    expect(record.list).toEqual([{ accessToken: "[redacted]" }]);
    for (const secret of ["hunter2", "abc.def.ghi", "svc-secret-value", "p@ss", "rt-value", "at-value"]) {
      expect(lines[0]).not.toContain(secret);
    }
  });

  it("redacts secrets in child-logger base fields too", () => {
    const { logger, records } = capture();
    logger.child({ component: "relay", apiKey: "k-value" }).info("x");
    expect(records()[0]).toMatchObject({ component: "relay", apiKey: "[redacted]" });
  });

  it("does not leak secrets nested deeper than the redaction depth", () => {
    const { logger, lines } = capture();
    let deep: Record<string, unknown> = { password: "deep-secret" };
    for (let i = 0; i < 10; i += 1) deep = { level: deep };
    logger.info("deep", { deep });
    expect(lines[0]).not.toContain("deep-secret");
  });

  it("never throws on values JSON cannot encode (bigint, cycles)", () => {
    const { logger, records } = capture();
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    expect(() => logger.info("odd values", { seq: 12n, cyclic })).not.toThrow();
    expect(records()[0]).toMatchObject({ msg: "odd values", seq: "12" });
  });

  it("serializes errors with name, message and stack", () => {
    const { logger, records } = capture();
    logger.error("boom", { error: new TypeError("bad thing") });
    expect(records()[0]!.error).toMatchObject({ name: "TypeError", message: "bad thing" });
    expect((records()[0]!.error as { stack: string }).stack).toContain("TypeError: bad thing");
  });

  it("drops lines below the configured level", () => {
    const { logger, records } = capture("warn");
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");
    expect(records().map((record) => record.level)).toEqual(["warn", "error"]);
  });

  it("writes nothing at level silent", () => {
    const { logger, lines } = capture("silent");
    logger.error("e");
    expect(lines).toHaveLength(0);
  });

  it("keeps the level of its parent in child loggers", () => {
    const { logger, records } = capture("info");
    const child = logger.child({ component: "c" });
    child.debug("hidden");
    child.info("shown");
    expect(records()).toEqual([expect.objectContaining({ msg: "shown", component: "c" })]);
  });
});

describe("redact", () => {
  it("leaves primitives and non-secret keys untouched", () => {
    expect(redact("plain")).toBe("plain");
    expect(redact(null)).toBeNull();
    expect(redact({ id: 1, name: "n", tags: ["a"] })).toEqual({ id: 1, name: "n", tags: ["a"] });
  });

  it("matches secret keys case-insensitively (Authorization, Cookie, SECRET)", () => {
    expect(redact({ Authorization: "a", Cookie: "c", CLIENT_SECRET: "s", privateKey: "p", credential: "x" })).toEqual({
      Authorization: "[redacted]",
      Cookie: "[redacted]",
      CLIENT_SECRET: "[redacted]",
      privateKey: "[redacted]",
      credential: "[redacted]",
    });
  });
});
