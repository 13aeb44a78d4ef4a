// @ts-check
// The closing lines of `npm test`, apart from running anything, so a test can feed them reports.
"use strict";
const fs = require("node:fs");

/** @typedef {{ passed: number, failed: number, skipped: number, aborted: boolean }} JestCounts */
/** A finished step; `report` is the Jest `--json` output file of a test step. */
/** @typedef {{ name: string, ok: boolean, seconds: number, report?: string }} StepResult */

/**
 * Counts from a Jest `--json` report. A missing or unreadable report means Jest aborted (e.g. the e2e
 * stack did not start): that counts as a failure, never as 0 failed.
 * @param {string} file
 * @returns {JestCounts}
 */
function jestCounts(file) {
  let report;
  try {
    report = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return { passed: 0, failed: 1, skipped: 0, aborted: true };
  }
  return {
    passed: report.numPassedTests ?? 0,
    failed: (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0),
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    aborted: false,
  };
}

/** @param {JestCounts} counts */
const describeCounts = (counts) =>
  counts.aborted ? "aborted before reporting (counted as 1 failed)" : `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;

/**
 * The summary: one line per step (a test step with its counts), then the closing
 * `N passed, N failed, N skipped` line. A failed step counts at least one failure even when its
 * report shows none (Jest exiting non-zero after its tests passed, a failed typecheck or lint).
 * @param {StepResult[]} results
 */
function summary(results) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const lines = results.map((result) => {
    const counts = result.report ? jestCounts(result.report) : undefined;
    passed += counts?.passed ?? 0;
    skipped += counts?.skipped ?? 0;
    failed += Math.max(counts?.failed ?? 0, result.ok ? 0 : 1);
    return `  ${result.ok ? "ok  " : "FAIL"}  ${result.name} (${result.seconds.toFixed(1)} s)${counts ? `: ${describeCounts(counts)}` : ""}`;
  });
  lines.push(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  return { lines, passed, failed, skipped, ok: failed === 0 };
}

module.exports = { jestCounts, summary };
