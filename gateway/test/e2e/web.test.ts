// The web console in a real browser: Debian's Chromium driven by playwright-core, through the console's
// own server (web/server.cjs on 3000 + the e2e offset, /graphql passed to the gateway), as a user would.
// Screenshots of each screen go to .data/screenshots/ (helpers in browser.ts).
import { type Page } from "playwright-core";
import { closeBrowsers, newPage, shot, signIn as signInAt, tableReady, TEST_TIMEOUT } from "./browser";
import { stack, unique } from "./stack";

const state = stack() as ReturnType<typeof stack> & { webUrl: string };
const webUrl = state.webUrl;

const signIn = (page: Page, username: string, password: string, stay = false) => signInAt(page, webUrl, username, password, stay);

afterAll(closeBrowsers);

describe("web console", () => {
  const viewer = { username: unique("viewer").toLowerCase().slice(0, 32), password: "viewer-password-long-enough" };

  it(
    "serves the app and passes /graphql to the gateway on the same origin",
    async () => {
      const page = await fetch(webUrl);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
      // A client-side route answers the app too.
      expect(await (await fetch(`${webUrl}/users`)).text()).toContain('<div id="root">');
      const api = await fetch(`${webUrl}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ __typename }" }) });
      expect(await api.json()).toEqual({ data: { __typename: "Query" } });
    },
    TEST_TIMEOUT,
  );

  it(
    "admin: wrong credentials are refused clearly; sign-in keeps the refresh token in an HttpOnly cookie; a reload stays signed in",
    async () => {
      const { context, page } = await newPage();
      await signIn(page, "nobody-here", "wrong-password");
      await expect(page.getByRole("alert").textContent()).resolves.toContain("Invalid username or password.");
      await shot(page, "01-sign-in-error");

      await signIn(page, "admin", state.adminPassword, true);
      await page.getByRole("heading", { name: "Overview" }).waitFor();
      await shot(page, "02-overview");

      const cookie = (await context.cookies()).find((candidate) => candidate.name === "opsc_refresh");
      expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict", path: "/graphql" });
      expect(cookie?.expires).toBeGreaterThan(Date.now() / 1000 + 3600);
      // Not readable by the page, and no token in storage.
      expect(await page.evaluate<string>("document.cookie")).not.toContain("opsc_refresh");
      expect(await page.evaluate<string>("JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })")).not.toMatch(/eyJ|refresh/i);

      // A reload loses the in-memory access token; the cookie signs the user in again (and rotates).
      await page.reload();
      await page.getByRole("heading", { name: "Overview" }).waitFor();
      const rotated = (await context.cookies()).find((candidate) => candidate.name === "opsc_refresh");
      expect(rotated?.value).toBeTruthy();
      expect(rotated?.value).not.toBe(cookie?.value);
    },
    TEST_TIMEOUT,
  );

  it(
    "admin: the users screen lists, searches, shows a server field error on its field, creates a user, and explains self-protection",
    async () => {
      const { page } = await newPage();
      await signIn(page, "admin", state.adminPassword);
      await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Users" }).click();
      const table = page.getByRole("table", { name: "Users" });
      await table.getByRole("cell", { name: "admin", exact: true }).first().waitFor();
      await shot(page, "03-users");

      await page.getByRole("button", { name: "Create user" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Username").fill("x!");
      await dialog.getByLabel("Email").fill(`${viewer.username}@example.test`);
      await dialog.getByLabel("Display name").fill("Vera Viewer");
      await dialog.getByLabel("Initial password").fill(viewer.password);
      await dialog.getByRole("button", { name: "Create user" }).click();
      // BAD_USER_INPUT with extensions.field "input.username" lands on the Username field.
      const usernameError = dialog.locator(".mantine-TextInput-error").first();
      await usernameError.waitFor();
      expect(await usernameError.textContent()).toMatch(/must be 3 to 32 characters long|letters, digits/);
      await shot(page, "04-user-form-field-error");

      await dialog.getByLabel("Username").fill(viewer.username);
      await dialog.getByRole("button", { name: "Create user" }).click();
      await dialog.waitFor({ state: "hidden" });

      await page.getByLabel("Search").fill(viewer.username);
      await table.getByRole("cell", { name: viewer.username, exact: true }).waitFor();
      await page.waitForFunction(`document.querySelectorAll('table[aria-label="Users"] tbody tr').length === 1`);
      expect(await table.locator("tbody tr").first().textContent()).toContain("Vera Viewer");

      // The admin cannot deactivate themself: a clear message, nothing changed.
      await page.getByLabel("Search").fill("admin");
      await page.getByRole("button", { name: "Deactivate admin", exact: true }).click();
      await expect(page.getByRole("alert").textContent()).resolves.toContain("You cannot deactivate your own account");
      await shot(page, "05-users-self-protection");
    },
    TEST_TIMEOUT,
  );

  it(
    "the new viewer signs in, sees no write actions, gets the 403 page on /users, and signs out everywhere",
    async () => {
      const { context, page } = await newPage();
      await signIn(page, viewer.username, viewer.password, true);
      await page.getByRole("heading", { name: "Overview" }).waitFor();
      const nav = page.getByRole("navigation", { name: "Main navigation" });
      await nav.getByRole("link", { name: "Overview" }).waitFor();
      expect(await nav.getByRole("link", { name: "Users" }).count()).toBe(0);
      expect(await page.getByRole("button", { name: /Create|Edit|Delete|Deactivate/ }).count()).toBe(0);

      // Targets (targets:read): the list, searched on the server, with no write actions.
      await nav.getByRole("link", { name: "Targets" }).click();
      const targets = page.getByRole("table", { name: "Targets" });
      await page.getByRole("heading", { name: "Targets" }).waitFor();
      await tableReady(targets);
      await page.getByLabel("Search").fill("localhost");
      await targets.getByRole("cell", { name: "localhost", exact: true }).first().waitFor();
      // Every row shown matches the search (other tests' targets may match too).
      await page.waitForFunction(`[...document.querySelectorAll('table[aria-label="Targets"] tbody tr')].every((row) => /localhost/i.test(row.textContent))`);
      expect(await page.getByRole("button", { name: /Create|Edit|Delete/ }).count()).toBe(0);
      await shot(page, "06-targets");

      await page.goto(`${webUrl}/users`);
      await page.getByRole("heading", { name: "403 — Not allowed" }).waitFor();
      expect(await page.getByRole("table", { name: "Users" }).count()).toBe(0);
      await shot(page, "07-viewer-forbidden");

      await page.getByRole("button", { name: /User menu/ }).click();
      await page.getByRole("menuitem", { name: "Sign out everywhere" }).click();
      await page.getByRole("button", { name: "Sign in" }).waitFor();
      expect((await context.cookies()).find((candidate) => candidate.name === "opsc_refresh")).toBeUndefined();
      await page.reload();
      await page.getByRole("button", { name: "Sign in" }).waitFor();
    },
    TEST_TIMEOUT,
  );
});
