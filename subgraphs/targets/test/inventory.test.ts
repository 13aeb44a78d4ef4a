import { errorCodes } from "@opsconductor/kit/testing";
import { randomUUID } from "node:crypto";
import { startTargets, suffix, type Harness } from "./harness";

/** Device types, serial numbers, restore, saved groups, import and export. */

let h: Harness;
let operator: string;
let admin: string;

async function call<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, token = operator): Promise<T> {
  const result = await h.graphql<T>(query, variables, { token });
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

const CREATE = "mutation($input: CreateTargetInput!) { createTarget(input: $input) { id serialNumber } }";
/** A loopback address nobody else in the shared test database uses (127.x.y.z from a random uuid). */
const loopback = () => {
  const bytes = randomUUID().replace(/-/g, "").slice(0, 6);
  return `127.${parseInt(bytes.slice(0, 2), 16)}.${parseInt(bytes.slice(2, 4), 16)}.${parseInt(bytes.slice(4, 6), 16) || 1}`;
};

beforeAll(async () => {
  h = await startTargets();
  operator = h.signer.sign({ id: randomUUID(), username: "op", permissions: ["targets:read", "targets:write"] });
  admin = h.signer.sign({ id: randomUUID(), username: "admin", permissions: ["targets:read", "targets:write", "system:write"] });
}, 60_000);

afterAll(() => h?.stop());

describe("serial numbers and restore", () => {
  it("gives every target a TGT-000000 serial number that increases", async () => {
    const a = (await call<{ createTarget: { serialNumber: string } }>(CREATE, { input: { name: `s-${suffix()}`, address: loopback() } })).createTarget;
    const b = (await call<{ createTarget: { serialNumber: string } }>(CREATE, { input: { name: `s-${suffix()}`, address: loopback() } })).createTarget;
    expect(a.serialNumber).toMatch(/^TGT-\d{6,}$/);
    expect(Number(b.serialNumber.slice(4))).toBeGreaterThan(Number(a.serialNumber.slice(4)));
  });

  it("restores a deleted target with its serial, unless its address was taken meanwhile", async () => {
    const address = loopback();
    const first = (await call<{ createTarget: { id: string; serialNumber: string } }>(CREATE, { input: { name: `r-${suffix()}`, address } })).createTarget;
    await call("mutation($id: ID!) { deleteTarget(id: $id) }", { id: first.id });
    const restored = await call<{ restoreTarget: { id: string; serialNumber: string } }>("mutation($id: ID!) { restoreTarget(id: $id) { id serialNumber } }", { id: first.id });
    expect(restored.restoreTarget).toEqual(first);

    await call("mutation($id: ID!) { deleteTarget(id: $id) }", { id: first.id });
    await call(CREATE, { input: { name: `r2-${suffix()}`, address } });
    const refused = await h.graphql("mutation($id: ID!) { restoreTarget(id: $id) { id } }", { id: first.id }, { token: operator });
    expect(errorCodes(refused)).toEqual(["CONFLICT"]);
  });
});

describe("device types", () => {
  it("ships a seeded registry and lets only admins add and edit", async () => {
    const { deviceTypes } = await call<{ deviceTypes: Array<{ id: string; key: string; category: string; defaultMethods: Array<{ type: string; port: number }> }> }>(
      "{ deviceTypes { id key category defaultMethods { type port } } }",
    );
    const keys = deviceTypes.map((type) => type.key);
    for (const key of ["linux-server", "windows-server", "switch", "router", "firewall", "hypervisor", "storage", "printer", "iot"]) expect(keys).toContain(key);
    expect(deviceTypes.find((type) => type.key === "windows-server")?.defaultMethods).toEqual([{ type: "WINRM", port: 5986 }]);

    const input = { key: `pdu-${suffix()}`, name: "PDU", category: "power", defaultMethods: [{ type: "SNMP", port: 161 }] };
    const denied = await h.graphql("mutation($input: DeviceTypeInput!) { createDeviceType(input: $input) { id } }", { input }, { token: operator });
    expect(errorCodes(denied)).toEqual(["FORBIDDEN"]);
    const created = await call<{ createDeviceType: { id: string; key: string } }>("mutation($input: DeviceTypeInput!) { createDeviceType(input: $input) { id key } }", { input }, admin);
    const edited = await call<{ updateDeviceType: { name: string } }>(
      "mutation($id: ID!, $input: DeviceTypeInput!) { updateDeviceType(id: $id, input: $input) { name } }",
      { id: created.createDeviceType.id, input: { name: "Rack PDU" } },
      admin,
    );
    expect(edited.updateDeviceType.name).toBe("Rack PDU");

    const target = await call<{ createTarget: { id: string } }>(CREATE, { input: { name: `pdu-${suffix()}`, address: loopback(), deviceTypeId: created.createDeviceType.id } });
    const read = await call<{ target: { deviceType: { key: string } } }>("query($id: ID!) { target(id: $id) { deviceType { key } } }", { id: target.createTarget.id });
    expect(read.target.deviceType.key).toBe(input.key);
  });
});

describe("saved groups", () => {
  it("resolve to the targets matching their filter now", async () => {
    const tag = `grp${suffix()}`;
    await call(CREATE, { input: { name: `web-${tag}-1`, address: loopback(), tags: [tag], environment: "staging" } });
    await call(CREATE, { input: { name: `db-${tag}-1`, address: loopback(), tags: [tag], environment: "staging" } });
    const group = await call<{ createSavedGroup: { id: string } }>("mutation($input: SavedGroupInput!) { createSavedGroup(input: $input) { id } }", {
      input: { name: `web ${tag}`, filter: { tags: [tag], namePattern: "web-*" } },
    });
    const members = async () =>
      (await call<{ savedGroup: { targets: { total: number; items: Array<{ name: string }> } } }>("query($id: ID!) { savedGroup(id: $id) { targets { total items { name } } } }", { id: group.createSavedGroup.id }))
        .savedGroup.targets;
    expect((await members()).items.map((item) => item.name)).toEqual([`web-${tag}-1`]);
    await call(CREATE, { input: { name: `WEB-${tag}-2`, address: loopback(), tags: [tag] } });
    expect((await members()).total).toBe(2);

    // Jobs and bulk tests select targets by the group: its members now.
    const batch = await call<{ testTargetConnections: { total: number } }>("mutation($g: ID!) { testTargetConnections(groupId: $g) { total } }", { g: group.createSavedGroup.id });
    expect(batch.testTargetConnections.total).toBe(2);
  });

  it("refuses a group without any criterion", async () => {
    const result = await h.graphql("mutation($input: SavedGroupInput!) { createSavedGroup(input: $input) { id } }", { input: { name: `g-${suffix()}`, filter: {} } }, { token: operator });
    expect(errorCodes(result)).toEqual(["BAD_USER_INPUT"]);
  });
});

describe("import and export", () => {
  const IMPORT = "mutation($input: ImportTargetsInput!) { importTargets(input: $input) { ok dryRun total valid created errors { row field message } } }";
  interface Report {
    ok: boolean;
    dryRun: boolean;
    total: number;
    valid: number;
    created: number;
    errors: Array<{ row: number; field: string; message: string }>;
  }
  const runImport = async (content: string, dryRun: boolean, format = "CSV") => (await call<{ importTargets: Report }>(IMPORT, { input: { format, content, dryRun } })).importTargets;

  it("names the 3 bad rows of a 500-row CSV, writes nothing on a dry run or on errors, then imports the fixed file", async () => {
    const tag = `imp${suffix()}`;
    const base = 10 + Math.floor(Math.random() * 200);
    const lines = ["name,address,port,osType,environment,tags,description,deviceType"];
    for (let i = 1; i <= 500; i++) lines.push(`${tag}-${i},127.${base}.${Math.floor(i / 250)}.${(i % 250) + 1},22,LINUX,production,${tag};web,"row ${i}, imported",linux-server`);
    const good = lines.join("\n");
    const broken = [...lines];
    broken[17] = broken[17].replace(`127.${base}.`, "999.1.");
    broken[250] = broken[250].replace(",22,", ",70000,");
    broken[421] = broken[421].replace(",production,", ",Prod Env!,");

    const count = () => h.db.target.count({ where: { tags: { has: tag } } });
    const dry = await runImport(broken.join("\n"), true);
    expect(dry).toMatchObject({ ok: false, dryRun: true, total: 500, valid: 497, created: 0 });
    expect(dry.errors.map(({ row, field }) => ({ row, field }))).toEqual([
      { row: 17, field: "address" },
      { row: 250, field: "port" },
      { row: 421, field: "environment" },
    ]);
    const real = await runImport(broken.join("\n"), false);
    expect(real).toMatchObject({ ok: false, created: 0 });
    expect(await count()).toBe(0);

    const fixedDry = await runImport(good, true);
    expect(fixedDry).toMatchObject({ ok: true, dryRun: true, valid: 500, created: 0 });
    expect(await count()).toBe(0);
    const imported = await runImport(good, false);
    expect(imported).toMatchObject({ ok: true, created: 500, errors: [] });
    expect(await count()).toBe(500);

    const again = await runImport(good, true);
    expect(again.errors).toHaveLength(500);
    expect(again.errors[0]).toMatchObject({ row: 1, field: "address" });

    const exported = await call<{ exportTargets: { count: number; content: string } }>("query($f: TargetFilter) { exportTargets(format: CSV, filter: $f) { count content } }", { f: { tags: [tag] } });
    expect(exported.exportTargets.count).toBe(500);
    expect(exported.exportTargets.content.split("\n")[0]).toBe("name,address,port,osType,environment,tags,description,deviceType,serialNumber,healthStatus,lastCheckedAt");
    expect(exported.exportTargets.content).toContain('"row 1, imported"');
    // Frees the addresses, so a re-run on the same database never collides with this one.
    await h.db.target.updateMany({ where: { tags: { has: tag } }, data: { deletedAt: new Date(), active: null } });
  }, 60_000);

  it("imports JSON and reports rows that are not objects or duplicate an address within the file", async () => {
    const address = loopback();
    const report = await runImport(JSON.stringify([{ name: "a", address }, { name: "b", address }, 42, { name: "c", address: loopback(), tags: ["x"], bogus: 1 }]), true, "JSON");
    expect(report.errors.map(({ row, field }) => ({ row, field }))).toEqual([
      { row: 0, field: "bogus" },
      { row: 2, field: "address" },
      { row: 3, field: "row" },
    ]);
  });

  it("exports JSON without any secret field", async () => {
    const exported = await call<{ exportTargets: { content: string } }>("{ exportTargets(format: JSON, filter: { namePattern: \"imp*-1\" }) { content } }");
    const records = JSON.parse(exported.exportTargets.content) as Array<Record<string, unknown>>;
    for (const record of records) expect(Object.keys(record).filter((key) => /password|secret|key$|token|passphrase|community/i.test(key))).toEqual([]);
  });
});
