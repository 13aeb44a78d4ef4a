#!/usr/bin/env node
// `npm test`: all set-up (dependencies, infrastructure check, Prisma clients, fresh test databases,
// migrations, build), then typecheck, lint, the composition check, unit + integration tests, and
// end-to-end tests through a running gateway. Prints one closing "N passed, N failed" line.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { build, checkInfra, ensureDependencies, generateClients, prepareDatabases, POSTGRES_URL } from "./setup.mjs";

ensureDependencies();
const ROOT = path.resolve(import.meta.dirname, "..");
const bin = (name) => path.join(ROOT, "node_modules/.bin", name);
const log = (message) => process.stdout.write(`\n» ${message}\n`);

try {
  await checkInfra();
} catch (error) {
  console.error(`Cannot run the tests:\n  ${error.message}`);
  process.exit(1);
}
await generateClients();
// Fresh databases every run: opsc_test_* for service integration tests, opsc_e2e_* for the stack.
// OPSC_TEST_NAMESPACE (default "opsc") and OPSC_E2E_PORT_OFFSET let two checkouts test side by side.
const namespace = process.env.OPSC_TEST_NAMESPACE ?? "opsc";
if (!/^[a-z][a-z0-9]{0,15}$/.test(namespace)) throw new Error("OPSC_TEST_NAMESPACE must be 1-16 lower-case letters and digits");
const testDbs = await prepareDatabases((service) => `${namespace}_test_${service.name}`, { fresh: true });
const e2eDbs = await prepareDatabases((service) => `${namespace}_e2e_${service.name}`, { fresh: true });
build();

const { databaseUrl } = await import("./lib/db.cjs");
const env = {
  ...process.env,
  POSTGRES_URL,
  OPSC_TEST_NAMESPACE: namespace,
  E2E_DATABASES: JSON.stringify(e2eDbs),
  ...Object.fromEntries(Object.entries(testDbs).map(([name, db]) => [`TEST_DATABASE_URL_${name.toUpperCase()}`, databaseUrl(db, POSTGRES_URL)])),
};

const results = [];
function step(name, command, args) {
  log(name);
  const started = Date.now();
  const run = spawnSync(command, args, { cwd: ROOT, env, stdio: "inherit" });
  results.push({ name, ok: run.status === 0, seconds: (Date.now() - started) / 1000 });
  return run.status === 0;
}
/** A missing report means Jest aborted (e.g. the e2e stack did not start): that counts as a failure, never as 0 failed. */
function jestCounts(file) {
  if (!fs.existsSync(file)) return { passed: 0, failed: 1, skipped: 0, aborted: true };
  const report = JSON.parse(fs.readFileSync(file, "utf8"));
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0),
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    aborted: false,
  };
}

fs.mkdirSync(path.join(ROOT, ".data"), { recursive: true });
const unitReport = path.join(ROOT, ".data/jest-unit.json");
const e2eReport = path.join(ROOT, ".data/jest-e2e.json");
for (const file of [unitReport, e2eReport]) fs.rmSync(file, { force: true });

step("typecheck", bin("turbo"), ["run", "typecheck", "--output-logs=errors-only"]);
step("lint", bin("turbo"), ["run", "lint", "--output-logs=errors-only"]);
step("supergraph and registry-generated files are up to date", process.execPath, ["gateway/scripts/compose.mjs", "--check"]);
step("unit and integration tests", bin("jest"), ["--runInBand", "--json", `--outputFile=${unitReport}`]);
step("end-to-end tests through the gateway", bin("jest"), ["-c", "gateway/jest.e2e.config.cjs", "--runInBand", "--json", `--outputFile=${e2eReport}`]);

const unit = jestCounts(unitReport);
const e2e = jestCounts(e2eReport);
const checksFailed = results.filter((result) => !result.ok && !/tests/.test(result.name)).length;
log("summary");
for (const result of results) console.log(`  ${result.ok ? "ok  " : "FAIL"}  ${result.name} (${result.seconds.toFixed(1)} s)`);
const describe = (counts) => (counts.aborted ? "aborted before reporting (counted as 1 failed)" : `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
console.log(`  unit+integration: ${describe(unit)}; end-to-end: ${describe(e2e)}`);
const passed = unit.passed + e2e.passed;
const failed = unit.failed + e2e.failed + checksFailed;
console.log(`${passed} passed, ${failed} failed, ${unit.skipped + e2e.skipped} skipped`);
process.exit(results.every((result) => result.ok) ? 0 : 1);
