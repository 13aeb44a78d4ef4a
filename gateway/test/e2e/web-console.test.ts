// The console's shell, Credentials and Import/export screens in a real browser (Debian's Chromium through
// playwright-core), through the console's own server as a user would: global search, breadcrumbs, keyboard
// entry, axe on every screen (no serious or critical violations), credentials that never show a secret, an
// import with a bad row then fixed, an export of a filter, and a session that outlives its access token
// (a second auth with a 20-second access-token TTL behind a second gateway and console; see below).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { accessibilityProblems, closeBrowsers, newPage, shot, signIn, tableReady, TEST_TIMEOUT } from "./browser";
import { gql, loginAsAdmin, stack, startExtraGateway, startExtraSubgraph, unique } from "./stack";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the console's CommonJS server, as the global setup starts it
const { startWebServer } = require("../../../web/server.cjs") as {
  startWebServer(options: { port: number; gatewayUrl: string }): Promise<{ url: string; close(): Promise<void> }>;
};

const state = stack() as ReturnType<typeof stack> & { webUrl: string };
const webUrl = state.webUrl;

afterAll(closeBrowsers);

/** Every /graphql response body the page received, to prove no secret ever reached the browser. */
function recordResponses(page: Page): string[] {
  const bodies: string[] = [];
  page.on("response", (response) => {
    if (new URL(response.url()).pathname === "/graphql") void response.text().then((text) => bodies.push(text), () => undefined);
  });
  return bodies;
}

async function expectAccessible(page: Page, screen: string) {
  const problems = await accessibilityProblems(page);
  expect({ screen, problems }).toEqual({ screen, problems: [] });
}

/** An address on loopback no other test uses (address and port are unique among targets); nothing connects to it. */
const freeAddress = () => `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 250)}`;

async function createTarget(token: string, name: string, tags: string[] = []) {
  const created = await gql<{ createTarget: { id: string } }>(
    `mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }`,
    { input: { name, address: freeAddress(), port: 22, environment: "lab", tags } },
    token,
  );
  if (!created.data) throw new Error(JSON.stringify(created.errors));
  return created.data.createTarget.id;
}

describe("web console: shell", () => {
  it(
    "every screen passes axe with no serious or critical violation, in light and dark; breadcrumbs and the skip link work from the keyboard",
    async () => {
      const { page } = await newPage();
      await signIn(page, webUrl, "admin", state.adminPassword);
      await page.getByRole("heading", { name: "Overview" }).waitFor();
      await expectAccessible(page, "overview");

      // Keyboard: the first Tab reaches the skip link, which moves the focus to the screen.
      await page.keyboard.press("Tab");
      expect(await page.evaluate<string | null>("document.activeElement?.textContent ?? null")).toBe("Skip to main content");
      await page.keyboard.press("Enter");
      expect(await page.evaluate<string | null>("document.activeElement?.id ?? null")).toBe("main");

      const nav = page.getByRole("navigation", { name: "Main navigation" });
      const screens: { link: string; heading: string; table?: string; name: string }[] = [
        { link: "Targets", heading: "Targets", table: "Targets", name: "targets" },
        { link: "Import / export", heading: "Import and export targets", name: "import-export" },
        { link: "Credentials", heading: "Credentials", table: "Credentials", name: "credentials" },
        { link: "Users", heading: "Users", table: "Users", name: "users" },
      ];
      for (const screen of screens) {
        await nav.getByRole("link", { name: screen.link, exact: true }).click();
        await page.getByRole("heading", { name: screen.heading, exact: true }).waitFor();
        if (screen.table) await tableReady(page.getByRole("table", { name: screen.table }));
        expect(await nav.locator('[aria-current="page"]').textContent()).toBe(screen.link);
        await expectAccessible(page, screen.name);
      }

      // Breadcrumbs: Overview › Targets › Import / export, the last one the current page, the others links.
      await page.goto(`${webUrl}/targets/transfer`);
      const crumbs = page.getByRole("navigation", { name: "Breadcrumbs" });
      await crumbs.getByText("Import / export").waitFor();
      expect(await crumbs.getByRole("link").allTextContents()).toEqual(["Overview", "Targets"]);
      expect(await crumbs.locator('[aria-current="page"]').textContent()).toBe("Import / export");
      expect(await page.title()).toBe("Import / export · OpsConductor");
      await crumbs.getByRole("link", { name: "Targets" }).click();
      await page.getByRole("heading", { name: "Targets", exact: true }).waitFor();

      // Dark theme: contrast is checked again.
      await page.getByRole("button", { name: "Switch to dark theme" }).click();
      await tableReady(page.getByRole("table", { name: "Targets" }));
      await expectAccessible(page, "targets (dark)");
      await shot(page, "web-console-01-targets-dark");
      await page.getByRole("button", { name: "Switch to light theme" }).click();
    },
    TEST_TIMEOUT,
  );

  it(
    "global search (Ctrl+K) finds targets and users by name, on the server, and opens what is chosen with the keyboard",
    async () => {
      const admin = await loginAsAdmin();
      const prefix = unique("spot").toLowerCase();
      const id = await createTarget(admin.accessToken, `${prefix}-web`);
      await createTarget(admin.accessToken, `${prefix}-db`);

      const { page } = await newPage();
      await signIn(page, webUrl, "admin", state.adminPassword);
      await page.getByRole("heading", { name: "Overview" }).waitFor();
      await page.keyboard.press("Control+K");
      const search = page.getByRole("textbox", { name: "Search targets and users" });
      await search.fill(prefix);
      const results = page.getByRole("dialog");
      await results.getByText(`${prefix}-web`).waitFor();
      await results.getByText(`${prefix}-db`).waitFor();
      await expectAccessible(page, "global search");
      await shot(page, "web-console-02-global-search");

      // Arrow keys move through the results, Enter opens one (the target's page).
      const order = await results.locator(".mantine-Spotlight-action").allTextContents();
      const webIndex = order.findIndex((text) => text.startsWith(`${prefix}-web`));
      for (let step = 0; step <= webIndex; step++) await page.keyboard.press("ArrowDown");
      await page.keyboard.press("Enter");
      await page.waitForURL(`${webUrl}/targets/${id}`);
      await results.waitFor({ state: "detached" });

      // Users by name: choosing one opens the users screen searched for them.
      await page.getByRole("button", { name: "Search (Ctrl+K)" }).click();
      await search.waitFor();
      await search.fill("admin");
      await results.locator(".mantine-Spotlight-action", { hasText: "admin" }).first().click();
      await page.waitForURL(`${webUrl}/users?search=admin`);
      await page.getByRole("table", { name: "Users" }).getByRole("cell", { name: "admin", exact: true }).first().waitFor();
      // The search closes with an animation; until it is gone its own "Search …" fields are on the page too.
      await results.waitFor({ state: "detached" });
      expect(await page.getByRole("textbox", { name: "Search", exact: true }).inputValue()).toBe("admin");
    },
    TEST_TIMEOUT,
  );
});

describe("web console: credentials", () => {
  it(
    "creates password, SSH key (from a file), SNMP v3 and API token credentials, rotates one, and refuses to delete one in use, naming the target — never showing a secret",
    async () => {
      const prefix = unique("cred").toLowerCase();
      const secrets = { password: `pw-${unique("s")}`, rotated: `pw2-${unique("s")}`, token: `tok-${unique("s")}`, auth: `auth-${unique("s")}`, priv: `priv-${unique("s")}` };
      const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), "opsc-key-"));
      const keyFile = path.join(keyDir, "id_ed25519");
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "console-e2e", "-f", keyFile]);
      const privateKey = fs.readFileSync(keyFile, "utf8");
      const fingerprint = execFileSync("ssh-keygen", ["-l", "-f", keyFile], { encoding: "utf8" }).split(" ")[1];
      const keyBody = privateKey.split("\n")[1];

      const { page } = await newPage();
      const bodies = recordResponses(page);
      await signIn(page, webUrl, "admin", state.adminPassword);
      await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Credentials" }).click();
      const table = page.getByRole("table", { name: "Credentials" });
      await tableReady(table);

      const create = async (name: string, type: string, fill: (dialog: ReturnType<Page["getByRole"]>) => Promise<void>) => {
        await page.getByRole("button", { name: "Create credential" }).click();
        const dialog = page.getByRole("dialog", { name: "Create credential" });
        await dialog.getByLabel("Name", { exact: true }).fill(name);
        await dialog.getByRole("textbox", { name: "Type" }).click();
        await page.getByRole("option", { name: type, exact: true }).click();
        await fill(dialog);
        await dialog.getByRole("button", { name: "Create credential" }).click();
        await dialog.waitFor({ state: "hidden" });
        await table.getByRole("cell", { name, exact: true }).waitFor();
      };

      // A missing secret is caught on its field before anything is sent.
      await page.getByRole("button", { name: "Create credential" }).click();
      const first = page.getByRole("dialog", { name: "Create credential" });
      await first.getByLabel("Name", { exact: true }).fill(`${prefix}-pw`);
      await first.getByLabel("Username").fill("deploy");
      await first.getByRole("button", { name: "Create credential" }).click();
      await first.getByText("Required").waitFor();
      await expectAccessible(page, "create credential form");
      await shot(page, "web-console-03-credential-form");
      await first.getByLabel("Password", { exact: true }).fill(secrets.password);
      await first.getByRole("button", { name: "Create credential" }).click();
      await first.waitFor({ state: "hidden" });

      await create(`${prefix}-key`, "SSH key", async (dialog) => {
        await dialog.getByLabel("Username").fill("deploy");
        const [chooser] = await Promise.all([page.waitForEvent("filechooser"), dialog.getByRole("button", { name: "Load key from file…" }).click()]);
        await chooser.setFiles(keyFile);
        await dialog.getByText("Loaded id_ed25519").waitFor();
      });
      await create(`${prefix}-snmp`, "SNMP v3", async (dialog) => {
        await dialog.getByLabel("Username").fill("monitor");
        await dialog.getByLabel("Auth password").fill(secrets.auth);
        await dialog.getByLabel("Privacy password").fill(secrets.priv);
      });
      await create(`${prefix}-api`, "API token", async (dialog) => {
        await dialog.getByLabel("Token").fill(secrets.token);
      });

      // The list says what is stored and the key's fingerprint, never the secret.
      const keyRow = table.getByRole("row").filter({ hasText: `${prefix}-key` });
      expect(await keyRow.textContent()).toContain(fingerprint);
      expect(await table.getByRole("row").filter({ hasText: `${prefix}-snmp` }).textContent()).toContain("authPassword, privPassword stored");
      await expectAccessible(page, "credentials");
      await shot(page, "web-console-04-credentials");

      // Rotate the password: a new secret, shown nowhere.
      await page.getByRole("button", { name: `Rotate ${prefix}-pw` }).click();
      const rotate = page.getByRole("dialog");
      await rotate.getByLabel("New password").fill(secrets.rotated);
      await rotate.getByRole("button", { name: "Rotate secret" }).click();
      await page.getByRole("status").getByText(`Rotated the secret of ${prefix}-pw.`).waitFor();

      // In use by a target's connection method: deleting is refused and the message says where.
      const admin = await loginAsAdmin();
      const credentials = await gql<{ credentials: { items: { id: string; name: string }[] } }>(`{ credentials(pagination: { limit: 100 }) { items { id name } } }`, {}, admin.accessToken);
      const keyId = credentials.data!.credentials.items.find((credential) => credential.name === `${prefix}-key`)!.id;
      const targetId = await createTarget(admin.accessToken, `${prefix}-host`);
      const method = await gql(`mutation($t: ID!, $c: ID!) { addConnectionMethod(targetId: $t, input: { type: SSH, credentialId: $c }) { id } }`, { t: targetId, c: keyId }, admin.accessToken);
      expect(method.errors).toBeUndefined();
      await page.getByRole("button", { name: `Delete ${prefix}-key` }).click();
      const confirm = page.getByRole("dialog", { name: `Delete ${prefix}-key?` });
      await confirm.getByRole("button", { name: "Delete" }).click();
      const refusal = confirm.getByRole("alert");
      await refusal.waitFor();
      expect(await refusal.textContent()).toContain(`${prefix}-host (SSH)`);
      await expectAccessible(page, "credential delete refused");
      await shot(page, "web-console-05-credential-in-use");
      await confirm.getByRole("button", { name: "Cancel" }).click();

      // Not in use: deleted.
      await page.getByRole("button", { name: `Delete ${prefix}-api` }).click();
      await page.getByRole("dialog", { name: `Delete ${prefix}-api?` }).getByRole("button", { name: "Delete" }).click();
      await table.getByRole("cell", { name: `${prefix}-api`, exact: true }).waitFor({ state: "detached" });

      // No secret in the page or in any answer it received.
      const seen = `${await page.content()}\n${bodies.join("\n")}`;
      for (const secret of [...Object.values(secrets), keyBody]) expect(seen).not.toContain(secret);
      fs.rmSync(keyDir, { recursive: true, force: true });
    },
    TEST_TIMEOUT,
  );

  it(
    "a viewer (no credentials:read) has no Credentials item and gets the 403 page; axe passes there too",
    async () => {
      const admin = await loginAsAdmin();
      const username = unique("vw").toLowerCase().slice(0, 30);
      const password = "viewer-password-long-enough";
      const created = await gql(`mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`, { input: { username, email: `${username}@example.test`, displayName: "Vic Viewer", roles: ["VIEWER"], password } }, admin.accessToken);
      expect(created.errors).toBeUndefined();
      const { page } = await newPage();
      await signIn(page, webUrl, username, password);
      await page.getByRole("heading", { name: "Overview" }).waitFor();
      const nav = page.getByRole("navigation", { name: "Main navigation" });
      expect(await nav.getByRole("link", { name: "Credentials" }).count()).toBe(0);
      // Export only: the import part needs targets:write.
      await nav.getByRole("link", { name: "Import / export" }).click();
      await page.getByRole("heading", { name: "Export", exact: true }).waitFor();
      expect(await page.getByRole("heading", { name: "Import", exact: true }).count()).toBe(0);
      await page.goto(`${webUrl}/credentials`);
      await page.getByRole("heading", { name: "403 — Not allowed" }).waitFor();
      await expectAccessible(page, "403");
    },
    TEST_TIMEOUT,
  );
});

describe("web console: import and export", () => {
  it(
    "a CSV with a bad row gets a dry-run report (row, field, message) and writes nothing; fixed, it imports; an export of a filter downloads those targets",
    async () => {
      const prefix = unique("imp").toLowerCase();
      const bad = `name,address,port,osType,environment,tags\n${prefix}-a,${freeAddress()},22,linux,lab,web;${prefix}\n${prefix}-b,not an address!,22,linux,lab,${prefix}\n`;
      const good = bad.replace("not an address!", freeAddress());
      const { page } = await newPage();
      await signIn(page, webUrl, "admin", state.adminPassword);
      await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Import / export" }).click();
      const choose = async (name: string, content: string) => {
        const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.getByRole("button", { name: "Targets file (CSV or JSON)" }).click()]);
        await chooser.setFiles({ name, mimeType: "text/csv", buffer: Buffer.from(content) });
      };
      await choose("targets.csv", bad);
      await page.getByRole("button", { name: "Check file (dry run)" }).click();
      const problems = page.getByRole("table", { name: "Import problems" });
      await tableReady(problems);
      const cells = await problems.locator("tbody tr").first().locator("td").allTextContents();
      expect(cells[0]).toBe("2");
      expect(cells[1]).toBe("address");
      expect(cells[2]).toMatch(/address|hostname/i);
      expect(await page.getByRole("button", { name: /^Import/ }).isDisabled()).toBe(true);
      await expectAccessible(page, "import report");
      await shot(page, "web-console-06-import-dry-run");

      const admin = await loginAsAdmin();
      const count = async () => (await gql<{ targets: { total: number } }>(`query($s: String) { targets(filter: { search: $s }) { total } }`, { s: prefix }, admin.accessToken)).data!.targets.total;
      expect(await count()).toBe(0);

      // Fixed: the dry run passes, then the import writes both rows.
      await choose("targets-fixed.csv", good);
      await page.getByRole("button", { name: "Check file (dry run)" }).click();
      await page.getByText("Dry run: all 2 rows are valid. Nothing was written yet.").waitFor();
      await page.getByRole("button", { name: "Import 2 targets" }).click();
      await page.getByText("Imported 2 targets.").waitFor();
      await page.getByRole("progressbar", { name: "Import finished" }).waitFor();
      await shot(page, "web-console-07-imported");
      expect(await count()).toBe(2);

      // Export of a filter (the tag only these two carry), as JSON.
      await page.getByLabel("Tags").fill(prefix);
      await page.getByText("JSON", { exact: true }).last().click();
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export", exact: true }).click()]);
      expect(download.suggestedFilename()).toBe("targets.json");
      const exported = JSON.parse(fs.readFileSync((await download.path())!, "utf8")) as { name: string; address: string }[];
      expect(exported.map((target) => target.name).sort()).toEqual([`${prefix}-a`, `${prefix}-b`]);
      await page.getByText("Exported 2 targets as JSON.").waitFor();
      await expectAccessible(page, "import-export");
      await shot(page, "web-console-08-export");
    },
    TEST_TIMEOUT,
  );
});

// A session across access-token expiry needs a short TTL. Rather than shortening it for the whole e2e stack
// (every other test would then refresh or fail mid-test), this starts a second auth on the same database with
// ACCESS_TOKEN_TTL_SECONDS=20, a second gateway routing `auth` to it, and a second console server in front:
// three processes for this file only. Tokens it signs use the same keys, so every subgraph accepts them.
describe("web console: a session outlives its access token", () => {
  const TTL_SECONDS = 20;
  let shortWebUrl = "";
  const extras: { stop(): Promise<unknown> }[] = [];

  beforeAll(async () => {
    const base = Number(state.envs.gateway.PORT);
    // A loaded machine (other suites, other checkouts) has taken more than the default 30 s to get one ready.
    const auth = await startExtraSubgraph("auth", base + 95, { ACCESS_TOKEN_TTL_SECONDS: String(TTL_SECONDS) }, { timeoutMs: 120_000 });
    extras.push(auth);
    const routes = { ...(JSON.parse(state.envs.gateway.SUBGRAPH_URLS) as Record<string, string>), auth: auth.url };
    const gateway = await startExtraGateway(base + 96, { SUBGRAPH_URLS: JSON.stringify(routes) }, { timeoutMs: 120_000 });
    extras.push(gateway);
    const web = await startWebServer({ port: base + 97, gatewayUrl: `http://127.0.0.1:${base + 96}` });
    extras.push({ stop: () => web.close() });
    shortWebUrl = web.url;
  }, 300_000);

  afterAll(async () => {
    for (const extra of extras.reverse()) await extra.stop().catch(() => undefined);
  });

  /** The access tokens the page received (login, refresh) and sent, in order, with `exp` read from the JWT payload. */
  function recordTokens(page: Page) {
    const tokens: { token: string; exp: number }[] = [];
    const add = (token: string | undefined) => {
      if (!token || tokens.some((seen) => seen.token === token)) return;
      tokens.push({ token, exp: (JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()) as { exp: number }).exp });
    };
    page.on("request", (request) => add(request.headers().authorization?.replace(/^Bearer /, "")));
    page.on("response", (response) => {
      if (new URL(response.url()).pathname !== "/graphql") return;
      void response.text().then(
        (text) => {
          for (const match of text.matchAll(/"accessToken":"([^"]+)"/g)) add(match[1]);
        },
        () => undefined,
      );
    });
    return tokens;
  }

  it(
    "with “stay signed in”, the token is refreshed silently and the console keeps working past the first token's expiry",
    async () => {
      const { page } = await newPage();
      const tokens = recordTokens(page);
      await signIn(page, shortWebUrl, "admin", state.adminPassword, true);
      await page.getByRole("heading", { name: "Overview" }).waitFor();
      await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Users" }).click();
      await tableReady(page.getByRole("table", { name: "Users" }));
      const firstExp = tokens[0].exp;
      expect(firstExp - Date.now() / 1000).toBeLessThanOrEqual(TTL_SECONDS);
      // Past the first token's expiry (plus the gateway's clock tolerance, if any).
      await page.waitForTimeout((firstExp - Date.now() / 1000 + 3) * 1000);
      await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Credentials" }).click();
      await tableReady(page.getByRole("table", { name: "Credentials" }));
      await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Targets" }).click();
      await tableReady(page.getByRole("table", { name: "Targets" }));
      expect(await page.getByRole("button", { name: "Sign in" }).count()).toBe(0);
      expect(await page.getByRole("alert").count()).toBe(0);
      // New tokens, issued silently, each living longer than the first.
      expect(tokens.length).toBeGreaterThanOrEqual(2);
      expect(tokens.at(-1)!.exp).toBeGreaterThan(firstExp);
    },
    TEST_TIMEOUT,
  );

  it(
    "with “stay signed in”, a request refused for an expired token (the page's timers asleep, so no silent refresh ran) is sent again after one refresh",
    async () => {
      const { page } = await newPage();
      const tokens = recordTokens(page);
      // The page's clock, to stop its timers as a sleeping laptop or a throttled background tab would.
      await page.clock.install();
      const refused: string[] = [];
      page.on("response", (response) => {
        if (response.status() === 401) refused.push(response.url());
      });
      await signIn(page, shortWebUrl, "admin", state.adminPassword, true);
      await page.getByRole("heading", { name: "Overview" }).waitFor();
      await page.clock.pauseAt(Date.now() + 1000);
      const firstExp = tokens[0].exp;
      await new Promise((resolve) => setTimeout(resolve, (firstExp - Date.now() / 1000 + 3) * 1000));
      expect(tokens).toHaveLength(1); // no silent refresh happened
      // The page wakes up: its clock runs on from where it stopped, so the silent refresh is still seconds
      // away, and the next request goes out with the expired token.
      await page.clock.resume();
      await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Credentials" }).click();
      await tableReady(page.getByRole("table", { name: "Credentials" }));
      // Refused once (401: the token had expired), then answered after the refresh: no error shown.
      expect(refused.length).toBeGreaterThanOrEqual(1);
      expect(await page.getByRole("alert").count()).toBe(0);
      await shot(page, "web-console-10-renewed-after-sleep");
      expect(tokens.length).toBeGreaterThanOrEqual(2);
      expect(tokens.at(-1)!.exp).toBeGreaterThan(firstExp);
    },
    TEST_TIMEOUT,
  );

  it(
    "without it, the shell warns before the session ends, “Stay signed in” extends it, and unanswered it ends at the token's expiry",
    async () => {
      const { page } = await newPage();
      const tokens = recordTokens(page);
      await signIn(page, shortWebUrl, "admin", state.adminPassword, false);
      // The token lives less than 2 minutes: the warning comes at once.
      const warning = page.getByRole("dialog", { name: "Your session ends in 2 minutes" });
      await warning.waitFor();
      await expectAccessible(page, "session warning");
      await shot(page, "web-console-09-session-warning");
      await page.locator("h1", { hasText: "Overview" }).waitFor();
      const firstExp = tokens[0].exp;
      // `exp` has whole seconds: extend at least a second later, so the new token's is later.
      await page.waitForTimeout(1500);
      await warning.getByRole("button", { name: "Stay signed in" }).click();
      // Extended: a new access token, living past the first one. The warning comes back at once (this token
      // too lives less than 2 minutes); left unanswered, the session outlives the first token...
      const extendedBy = Date.now();
      while (!tokens.some((seen) => seen.exp > firstExp) && Date.now() - extendedBy < 10_000) await page.waitForTimeout(100);
      expect(tokens.some((seen) => seen.exp > firstExp)).toBe(true);
      await page.waitForTimeout(Math.max(0, (firstExp - Date.now() / 1000 + 2) * 1000));
      expect(await page.getByRole("button", { name: "Sign in" }).count()).toBe(0);
      await page.locator("h1", { hasText: "Overview" }).waitFor();
      // ...and ends when the new token expires: back to the sign-in form.
      await page.getByRole("button", { name: "Sign in" }).waitFor({ timeout: (TTL_SECONDS + 10) * 1000 });
    },
    TEST_TIMEOUT,
  );
});
