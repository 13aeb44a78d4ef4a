// Shared by the console's browser tests: Debian's Chromium driven by playwright-core, a fresh profile per
// page, sign-in, screenshots (.data/screenshots/) and the axe accessibility check.
import AxeBuilder from "@axe-core/playwright";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Locator, type Page } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// No packets leave loopback: Chromium's own background traffic is switched off (see .ci/run).
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
export const SCREENSHOTS = path.join(__dirname, "../../../.data/screenshots");
export const WAIT = 30_000;
export const TEST_TIMEOUT = 180_000;

const contexts: BrowserContext[] = [];
const profiles: string[] = [];

/** A fresh browser profile (a new user-data-dir: no cookies from another test). */
export async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "opsc-chromium-"));
  profiles.push(profile);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    viewport: { width: 1280, height: 720 },
  });
  contexts.push(context);
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(WAIT);
  return { context, page };
}

/** Closes every browser this file opened and removes their profiles (call in afterAll). */
export async function closeBrowsers() {
  for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
  for (const profile of profiles.splice(0)) fs.rmSync(profile, { recursive: true, force: true });
}

/** A list screen is ready once its table has rendered its first answer (a row, or the "No … match." line). */
export const tableReady = (table: Locator) => table.locator("tbody tr").first().waitFor();

export const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

export async function signIn(page: Page, webUrl: string, username: string, password: string, stay = false) {
  await page.goto(webUrl);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  if (stay) await page.getByLabel("Stay signed in").check();
  await page.getByRole("button", { name: "Sign in" }).click();
}

/**
 * axe-core (WCAG 2.0/2.1 A and AA rules) on the page as it is now: resolves to the serious and critical
 * violations, each as "rule: target, target" so a failing expectation says what and where.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  // A dialog still fading in or out is half transparent: axe would measure its colour contrast mid-way.
  await page.waitForFunction("document.getAnimations().every((animation) => animation.playState !== 'running')", undefined, { timeout: 5_000 }).catch(() => undefined);
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(" ")).slice(0, 5).join(", ")}`);
}
