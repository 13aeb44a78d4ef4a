// Driving the web console in Debian's Chromium (playwright-core + executablePath; the bundled browser
// cannot be downloaded here), for the browser e2e files.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Locator, type Page } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// No packets leave loopback: Chromium's own background traffic is switched off (see .ci/run).
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
export const WAIT = 30_000;

/** Fresh browser profiles (no cookies shared between tests), closed and removed by `closeAll`. */
export function browsers() {
  const contexts: BrowserContext[] = [];
  const profiles: string[] = [];
  return {
    async newPage(): Promise<{ context: BrowserContext; page: Page }> {
      const profile = fs.mkdtempSync(path.join(os.tmpdir(), "opsc-chromium-"));
      profiles.push(profile);
      const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1280, height: 720 } });
      contexts.push(context);
      const page = context.pages()[0] ?? (await context.newPage());
      page.setDefaultTimeout(WAIT);
      return { context, page };
    },
    async closeAll() {
      for (const context of contexts) await context.close().catch(() => undefined);
      for (const profile of profiles) fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function signIn(page: Page, webUrl: string, username: string, password: string, stay = false) {
  await page.goto(webUrl);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  if (stay) await page.getByLabel("Stay signed in").check();
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Full-page screenshots into `dir` (created). */
export function screenshots(dir: string) {
  fs.mkdirSync(dir, { recursive: true });
  return (page: Page, name: string) => page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** A list screen is ready once its table has rendered its first answer (a row, or the "No … match." line). */
export const tableReady = (table: Locator) => table.locator("tbody tr").first().waitFor();
