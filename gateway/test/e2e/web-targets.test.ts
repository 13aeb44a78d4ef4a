// The targets screens of the web console in a real browser (Debian's Chromium through web/server.cjs, as
// web.test.ts), against real sshd processes on 127.0.0.1. Screenshots of each screen go to .data/screenshots/.
import { startSshd, withFreshPort, type SshdFixture } from "@opsconductor/kit/testing";
import net from "node:net";
import type { Locator, Page } from "playwright-core";
import { closeBrowsers, newPage, shot, signIn, tableReady } from "./browser";
import { createUserAndLogin, gql, loginAsAdmin, stack, unique } from "./stack";

const TEST_TIMEOUT = 180_000;
const webUrl = (stack() as ReturnType<typeof stack> & { webUrl: string }).webUrl;
const adminPassword = stack().adminPassword;

let sshd: SshdFixture;
let token: string;
/** A TCP server that accepts and never answers: a connection test to it times out (the stack's limit is 5 s). */
let silent: net.Server;
const sockets: net.Socket[] = [];

async function call<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await gql<T>(query, variables, token);
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

const credential = async (password: string) =>
  (
    await call<{ createCredential: { id: string } }>("mutation($input: CreateCredentialInput!) { createCredential(input: $input) { id } }", {
      input: { name: unique("cred"), type: "PASSWORD", username: sshd.user, password },
    })
  ).createCredential.id;

/** A target named `name` with one SSH method to 127.0.0.1:<sshPort>; the target's own port only has to be unique. */
async function sshTarget(name: string, tag: string, sshPort: number, credentialId: string): Promise<string> {
  const target = await withFreshPort((port) =>
    call<{ createTarget: { id: string } }>("mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }", {
      input: { name, address: "127.0.0.1", port, tags: [tag], environment: "e2e" },
    }),
  );
  await call("mutation($t: ID!, $input: ConnectionMethodInput!) { addConnectionMethod(targetId: $t, input: $input) { id } }", {
    t: target.createTarget.id,
    input: { type: "SSH", port: sshPort, credentialId },
  });
  return target.createTarget.id;
}

/** The error Mantine shows for an input (linked by aria-describedby), once the input is marked invalid. */
async function errorOf(input: Locator): Promise<string> {
  await input.and(input.page().locator('[aria-invalid="true"]')).waitFor();
  const ids = ((await input.getAttribute("aria-describedby")) ?? "").split(/\s+/).filter(Boolean);
  const texts: string[] = [];
  for (const id of ids) {
    const node = input.page().locator(`[id="${id}"][class*="error"]`);
    if ((await node.count()) > 0) texts.push((await node.textContent()) ?? "");
  }
  return texts.join("");
}

async function openTargets(page: Page) {
  await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Targets" }).click();
  await page.getByRole("heading", { name: "Targets" }).waitFor();
  await tableReady(page.getByRole("table", { name: "Targets" }));
}

/** Filters the list by one tag and waits until exactly `count` rows show. */
async function filterByTag(page: Page, tag: string, count: number) {
  const tags = page.getByRole("textbox", { name: "Tags" });
  await tags.fill(tag);
  await tags.press("Enter");
  await page.waitForFunction(
    `(() => { const rows = [...document.querySelectorAll('table[aria-label="Targets"] tbody tr')]; return rows.length === ${count} && rows.every((row) => row.textContent.includes(${JSON.stringify(tag)})); })()`,
  );
}

beforeAll(async () => {
  sshd = await startSshd({ count: 2 });
  token = (await loginAsAdmin()).accessToken;
  silent = net.createServer((socket) => sockets.push(socket.on("error", () => undefined)));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
}, 60_000);

afterAll(async () => {
  await closeBrowsers();
  sockets.forEach((socket) => socket.destroy());
  silent?.close();
  await sshd?.stop();
});

describe("web console: targets", () => {
  it(
    "admin creates a target (a bad address is refused on the field before sending, a taken address by the server on the field), edits it and deletes it",
    async () => {
      const taken = `taken-${unique("h").toLowerCase()}.example.test`;
      await call("mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }", { input: { name: unique("taken"), address: taken, port: 22 } });
      const name = unique("web");
      const { page } = await newPage();
      await signIn(page, webUrl, "admin", adminPassword);
      await openTargets(page);
      await shot(page, "targets-01-list");

      await page.getByRole("button", { name: "Create target" }).click();
      const dialog = page.getByRole("dialog", { name: "Create target" });
      const address = dialog.getByRole("textbox", { name: "Address" });
      await dialog.getByRole("textbox", { name: "Name" }).fill(name);
      await address.fill("10.0.0.300");
      await dialog.getByRole("button", { name: "Create target" }).click();
      // The shared rule (the one the service applies) answers in the browser.
      expect(await errorOf(address)).toBe('"10.0.0.300" is not a valid IPv4/IPv6 address or hostname');
      await shot(page, "targets-02-form-client-error");

      // Valid by the rules, refused by the server (CONFLICT with extensions.field "address"): shown on Address.
      await address.fill(taken);
      await dialog.getByRole("button", { name: "Create target" }).click();
      expect(await errorOf(address)).toMatch(new RegExp(`^Address ${taken.replace(/\./g, "\\.")}:22 is already used by target`));
      await shot(page, "targets-03-form-server-error");

      await dialog.getByRole("textbox", { name: "Port" }).fill("2222");
      await dialog.getByRole("textbox", { name: "Tags" }).fill("web");
      await dialog.getByRole("textbox", { name: "Tags" }).press("Enter");
      await dialog.getByRole("button", { name: "Create target" }).click();
      // Created: the console opens the new target's page.
      await page.getByRole("heading", { name, exact: true }).waitFor();
      expect(page.url()).toMatch(/\/targets\/[0-9a-f-]{36}$/);
      const id = page.url().split("/").pop()!;
      await page.getByText(`${taken}:2222`, { exact: true }).waitFor();
      await shot(page, "targets-04-detail");

      await page.getByRole("button", { name: "Edit" }).click();
      const edit = page.getByRole("dialog", { name: `Edit ${name}` });
      await edit.getByRole("textbox", { name: "Environment" }).fill("Staging Env");
      await edit.getByRole("button", { name: "Save" }).click();
      expect(await errorOf(edit.getByRole("textbox", { name: "Environment" }))).toMatch(/must be 1-32 characters of a-z, 0-9 and '-'/);
      await edit.getByRole("textbox", { name: "Environment" }).fill("staging");
      await edit.getByRole("textbox", { name: "Description" }).fill("Edited in the browser");
      await edit.getByRole("button", { name: "Save" }).click();
      await edit.waitFor({ state: "hidden" });
      await page.getByText("Edited in the browser").waitFor();
      const stored = await call<{ target: { environment: string; description: string; port: number; tags: string[] } }>(
        "query($id: ID!) { target(id: $id) { environment description port tags } }",
        { id },
      );
      expect(stored.target).toEqual({ environment: "staging", description: "Edited in the browser", port: 2222, tags: ["web"] });

      await page.getByRole("button", { name: "Delete" }).click();
      const confirm = page.getByRole("dialog", { name: "Delete target" });
      await confirm.getByText(`Delete ${name}?`).waitFor();
      await shot(page, "targets-05-delete-confirm");
      await confirm.getByRole("button", { name: "Delete target" }).click();
      await page.getByRole("heading", { name: "Targets" }).waitFor();
      expect((await call<{ target: unknown }>("query($id: ID!) { target(id: $id) { id } }", { id })).target).toBeNull();
    },
    TEST_TIMEOUT,
  );

  it(
    "admin tests six targets at once against real sshd with live progress and per-row results, tags them, saves the filter as a group, accepts a changed host key and deletes them",
    async () => {
      const tag = unique("bulk").toLowerCase().replace(/[^a-z0-9-]/g, "").slice(0, 40);
      const good = await credential(sshd.password);
      const bad = await credential("not-the-password");
      const prefix = unique("bt");
      const ids = [
        await sshTarget(`${prefix}-1`, tag, sshd.ports[0]!, good),
        await sshTarget(`${prefix}-2`, tag, sshd.ports[1]!, good),
        await sshTarget(`${prefix}-3`, tag, sshd.ports[0]!, good),
        await sshTarget(`${prefix}-4`, tag, sshd.ports[1]!, good),
        await sshTarget(`${prefix}-5`, tag, sshd.ports[0]!, bad),
        await sshTarget(`${prefix}-6`, tag, (silent.address() as net.AddressInfo).port, good),
      ];

      const { page } = await newPage();
      await signIn(page, webUrl, "admin", adminPassword);
      await openTargets(page);
      await filterByTag(page, tag, 6);
      await page.getByRole("checkbox", { name: "Select all targets on this page" }).check();
      const toolbar = page.getByRole("toolbar", { name: "Bulk actions" });
      await toolbar.getByText("6 selected").waitFor();
      await toolbar.getByRole("button", { name: "Test connection" }).click();

      // Live progress over graphql-ws: five answer at once, the silent server holds the last one for the 5 s limit.
      const progress = page.getByText(/^\d of 6 tested/);
      await page.getByText(/^5 of 6 tested · 4 ok · 1 failed/).waitFor();
      await shot(page, "targets-06-bulk-test-progress");
      await page.getByText("6 of 6 tested · 4 ok · 2 failed").waitFor({ timeout: 20_000 });
      expect(await progress.textContent()).toBe("6 of 6 tested · 4 ok · 2 failed");
      await page.getByText("Connection test finished").waitFor();
      const results = page.getByRole("table", { name: "Connection test results" });
      const row = (n: number) => results.getByRole("row").filter({ hasText: `${prefix}-${n}` });
      for (const n of [1, 2, 3, 4]) expect(await row(n).textContent()).toMatch(/ok\d+ msOpenSSH_/);
      expect(await row(5).textContent()).toContain("auth_failed");
      expect(await row(6).textContent()).toContain("timeout");
      await shot(page, "targets-07-bulk-test-results");
      await page.getByRole("button", { name: "Close results" }).click();

      // The health filter (server-side) now finds the two failures among the six.
      await page.getByRole("textbox", { name: "Health" }).click();
      await page.getByRole("option", { name: "critical" }).click();
      await page.waitForFunction(`document.querySelectorAll('table[aria-label="Targets"] tbody tr').length === 2`);
      expect(await page.getByRole("table", { name: "Targets" }).locator("tbody").textContent()).toMatch(new RegExp(`${prefix}-5.*${prefix}-6|${prefix}-6.*${prefix}-5`));

      // Save the filter (tag + health) as a group; picking it later gives the same list.
      await page.getByRole("button", { name: "Save filter as group" }).click();
      const groupName = unique("failing");
      await page.getByRole("dialog", { name: "Save filter as group" }).getByLabel("Group name").fill(groupName);
      await page.getByRole("button", { name: "Save group" }).click();
      await page.getByRole("dialog", { name: "Save filter as group" }).waitFor({ state: "hidden" });
      const groups = await call<{ savedGroups: Array<{ name: string; filter: { tags: string[]; healthStatus: string } }> }>(
        "{ savedGroups { name filter { tags healthStatus } } }",
      );
      expect(groups.savedGroups.find((group) => group.name === groupName)?.filter).toEqual({ tags: [tag], healthStatus: "CRITICAL" });
      await page.getByRole("button", { name: "Clear filters" }).click();
      await page.waitForFunction(`document.querySelectorAll('table[aria-label="Targets"] tbody tr').length > 2`);
      await page.getByRole("textbox", { name: "Saved group" }).click();
      await page.getByRole("option", { name: groupName }).click();
      await page.waitForFunction(`document.querySelectorAll('table[aria-label="Targets"] tbody tr').length === 2`);
      await shot(page, "targets-08-saved-group");

      // Bulk tag the two failing targets.
      await page.getByRole("checkbox", { name: "Select all targets on this page" }).check();
      await toolbar.getByRole("button", { name: "Tag" }).click();
      const tagDialog = page.getByRole("dialog", { name: "Tag 2 targets" });
      await tagDialog.getByRole("textbox", { name: "Tags to add" }).fill("needs-fix");
      await tagDialog.getByRole("textbox", { name: "Tags to add" }).press("Enter");
      await tagDialog.getByRole("button", { name: "Add tags" }).click();
      await page.getByText("Tagged needs-fix: 2 targets.").waitFor();
      const tagged = await call<{ targets: { items: Array<{ name: string }> } }>("query($tags: [String!]) { targets(filter: { tags: $tags }) { items { name } } }", { tags: [tag, "needs-fix"] });
      expect(tagged.targets.items.map((target) => target.name).sort()).toEqual([`${prefix}-5`, `${prefix}-6`]);

      // A changed host key: the detail page shows both fingerprints and "Accept new key" trusts the new one.
      await page.goto(`${webUrl}/targets/${ids[1]}`);
      await page.getByRole("heading", { name: `${prefix}-2` }).waitFor();
      const methods = page.getByRole("table", { name: "Connection methods" });
      await methods.getByText("trusted").waitFor();
      expect(await methods.textContent()).toContain(sshd.servers[1]!.hostKeyFingerprint);
      expect(await methods.textContent()).toContain("secret stored");
      expect(await methods.textContent()).not.toContain(sshd.password);
      await sshd.replaceHostKey(1);
      await page.getByRole("button", { name: "Test connection" }).click();
      await page.getByRole("alert").filter({ hasText: "host_key_mismatch" }).waitFor();
      await methods.getByText("host key changed").waitFor();
      expect(await methods.textContent()).toContain(sshd.servers[1]!.hostKeyFingerprint);
      await shot(page, "targets-09-host-key-changed");
      await methods.getByRole("button", { name: "Accept new key" }).click();
      await page.getByText("The new host key is trusted.").waitFor();
      await page.getByRole("button", { name: "Test connection" }).click();
      await page.getByRole("status").filter({ hasText: /Connected in \d+ ms/ }).waitFor();
      const history = page.getByRole("table", { name: "Health history" });
      expect(await history.locator("tbody tr").count()).toBeGreaterThanOrEqual(3);
      expect(await history.locator("tbody tr").first().textContent()).toContain("ok");
      await shot(page, "targets-10-detail-history");

      // Bulk delete, after a confirmation.
      await openTargets(page);
      await filterByTag(page, tag, 6);
      await page.getByRole("checkbox", { name: "Select all targets on this page" }).check();
      await page.getByRole("toolbar", { name: "Bulk actions" }).getByRole("button", { name: "Delete" }).click();
      const confirm = page.getByRole("dialog", { name: "Delete targets" });
      await confirm.getByText("Delete 6 targets?").waitFor();
      await shot(page, "targets-11-bulk-delete-confirm");
      await confirm.getByRole("button", { name: "Delete 6 targets" }).click();
      await page.getByText("Deleted: 6 targets.").waitFor();
      await page.getByText("No targets match.").waitFor();
      expect((await call<{ targets: { total: number } }>("query($tags: [String!]) { targets(filter: { tags: $tags }) { total } }", { tags: [tag] })).targets.total).toBe(0);
    },
    TEST_TIMEOUT,
  );

  it(
    "a viewer sees the list, the filters and a target's page, but no write action",
    async () => {
      const tag = unique("view").toLowerCase().replace(/[^a-z0-9-]/g, "").slice(0, 40);
      const id = await sshTarget(unique("viewed"), tag, sshd.ports[0]!, await credential(sshd.password));
      const viewer = await createUserAndLogin(token, ["VIEWER"]);
      const { page } = await newPage();
      await signIn(page, webUrl, viewer.username, viewer.password);
      await openTargets(page);
      await filterByTag(page, tag, 1);
      expect(await page.getByRole("checkbox").count()).toBe(0);
      expect(await page.getByRole("button", { name: /Create|Save filter|Delete|Tag|Test/ }).count()).toBe(0);
      await shot(page, "targets-12-viewer-list");

      await page.getByRole("table", { name: "Targets" }).getByRole("link").first().click();
      await page.getByRole("table", { name: "Connection methods" }).waitFor();
      expect(page.url()).toContain(`/targets/${id}`);
      expect(await page.getByRole("button", { name: /Edit|Delete|Test connection|Accept/ }).count()).toBe(0);
      // A viewer may not read credentials: the method says one is set, nothing more.
      await page.getByText("set (you may not read credentials)").waitFor();
      await shot(page, "targets-13-viewer-detail");
    },
    TEST_TIMEOUT,
  );
});
