import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS module scripts/test.mjs loads
const { summary } = require("../lib/test-summary.cjs") as {
  summary(results: Array<{ name: string; ok: boolean; seconds: number; report?: string }>): {
    lines: string[];
    passed: number;
    failed: number;
    skipped: number;
    ok: boolean;
  };
};

describe("npm test's closing line", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsc-summary-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const report = (name: string, counts: Record<string, number>) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(counts));
    return file;
  };
  const checks = [
    { name: "typecheck", ok: true, seconds: 1 },
    { name: "lint", ok: true, seconds: 1 },
  ];

  it("counts a Jest step that aborted before writing its report as failed, never '0 failed'", () => {
    const unit = report("unit.json", { numPassedTests: 40, numFailedTests: 0, numPendingTests: 0 });
    const result = summary([
      ...checks,
      { name: "unit and integration tests", ok: true, seconds: 9, report: unit },
      { name: "end-to-end tests through the gateway", ok: false, seconds: 2, report: path.join(dir, "never-written.json") },
    ]);
    expect(result.lines.at(-1)).toBe("40 passed, 1 failed, 0 skipped");
    expect(result.lines).toContain("  FAIL  end-to-end tests through the gateway (2.0 s): aborted before reporting (counted as 1 failed)");
    expect(result.ok).toBe(false);
  });

  it("reports skipped and todo tests, and counts suites that failed to run", () => {
    const unit = report("unit2.json", { numPassedTests: 10, numFailedTests: 1, numPendingTests: 2, numTodoTests: 1, numRuntimeErrorTestSuites: 1 });
    const result = summary([...checks, { name: "unit and integration tests", ok: false, seconds: 3, report: unit }]);
    expect(result.lines.at(-1)).toBe("10 passed, 2 failed, 3 skipped");
    expect(result.lines).toContain("  FAIL  unit and integration tests (3.0 s): 10 passed, 2 failed, 3 skipped");
  });

  it("counts a failed step whose report shows no failure, and failed checks", () => {
    const unit = report("unit3.json", { numPassedTests: 5, numFailedTests: 0 });
    const result = summary([
      { name: "typecheck", ok: false, seconds: 1 },
      { name: "lint", ok: true, seconds: 1 },
      // e.g. Jest exits 1 after every test passed, because the global teardown threw.
      { name: "unit and integration tests", ok: false, seconds: 3, report: unit },
    ]);
    expect(result.lines.at(-1)).toBe("5 passed, 2 failed, 0 skipped");
    expect(result.ok).toBe(false);
  });

  it("passes only when every step passed", () => {
    const unit = report("unit4.json", { numPassedTests: 5, numFailedTests: 0, numPendingTests: 1 });
    const result = summary([...checks, { name: "unit and integration tests", ok: true, seconds: 3, report: unit }]);
    expect(result.lines.at(-1)).toBe("5 passed, 0 failed, 1 skipped");
    expect(result.ok).toBe(true);
  });
});
