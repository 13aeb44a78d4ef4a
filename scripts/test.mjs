#!/usr/bin/env node
// `npm test`: all set-up (dependencies, infrastructure check, Prisma clients, fresh test databases,
// migrations, build), then typecheck, lint, the composition check, unit + integration tests, and
// end-to-end tests through a running gateway. Prints one closing "N passed, N failed" line.
// `npm test -- <pattern…>` does the same set-up, skips typecheck, lint and the composition check, and runs
// only the unit/integration and end-to-end test files whose paths match a pattern (Jest's regex patterns):
// `npm test -- subgraphs/jobs gateway/test/e2e/jobs`.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { build, checkInfra, ensureDependencies, generateClients, prepareDatabases, POSTGRES_URL } from "./setup.mjs";

const { summary } = createRequire(import.meta.url)("./lib/test-summary.cjs");

const patterns = process.argv.slice(2).filter((arg) => !arg.startsWith("-"));
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
/** Runs one step; `report` names the Jest `--json` file a test step writes (read by the summary). */
function step(name, command, args, report) {
  log(name);
  const started = Date.now();
  const run = spawnSync(command, args, { cwd: ROOT, env, stdio: "inherit" });
  results.push({ name, ok: run.status === 0, seconds: (Date.now() - started) / 1000, report });
  return run.status === 0;
}
fs.mkdirSync(path.join(ROOT, ".data"), { recursive: true });
const unitReport = path.join(ROOT, ".data/jest-unit.json");
const e2eReport = path.join(ROOT, ".data/jest-e2e.json");
const webReport = path.join(ROOT, ".data/vitest-web.json");
for (const file of [unitReport, e2eReport, webReport]) fs.rmSync(file, { force: true });

const only = patterns.length > 0 ? ["--passWithNoTests", ...patterns] : [];
if (patterns.length === 0) {
  step("typecheck", bin("turbo"), ["run", "typecheck", "--output-logs=errors-only"]);
  step("lint", bin("turbo"), ["run", "lint", "--output-logs=errors-only"]);
  step("supergraph and registry-generated files are up to date", process.execPath, ["gateway/scripts/compose.mjs", "--check"]);
  // The console's typed documents (web/src/gql) from gateway/schema.graphql: stale means `npm run codegen` was not run.
  step("generated GraphQL client types are up to date (npm run codegen)", bin("graphql-codegen"), ["--config", "codegen.yml", "--check"]);
} else log(`only test files matching: ${patterns.join(" ")} (typecheck, lint and the composition check skipped)`);
step("unit and integration tests", bin("jest"), ["--runInBand", "--json", `--outputFile=${unitReport}`, ...only], unitReport);
// The web console's component tests (Vitest + Testing Library, jsdom); its JSON report has Jest's counts.
// With patterns, they run when a pattern names web/.
if (patterns.length === 0 || patterns.some((pattern) => /^web(\/|$)/.test(pattern))) {
  step("web console component tests (Vitest)", bin("vitest"), ["run", "--root", "web", "--reporter=default", "--reporter=json", `--outputFile.json=${webReport}`], webReport);
}
// The stack starts only when an end-to-end file matches.
const e2eFiles = patterns.length === 0 ? ["all"] : spawnSync(bin("jest"), ["-c", "gateway/jest.e2e.config.cjs", "--listTests", ...patterns], { cwd: ROOT, env, encoding: "utf8" }).stdout.split("\n").filter(Boolean);
if (e2eFiles.length > 0) step("end-to-end tests through the gateway", bin("jest"), ["-c", "gateway/jest.e2e.config.cjs", "--runInBand", "--json", `--outputFile=${e2eReport}`, ...only], e2eReport);

const { lines, ok } = summary(results);
log("summary");
for (const line of lines) console.log(line);
process.exit(ok ? 0 : 1);
