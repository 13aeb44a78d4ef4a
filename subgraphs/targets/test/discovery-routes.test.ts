import { callInternal, deviceTypesContract, importDiscoveredTargetsContract, targetsByAddressContract, type DiscoveredTargetInput } from "@opsconductor/kit";
import { randomUUID } from "node:crypto";
import { startTargets, suffix, type Harness } from "./harness";

/** The internal routes discovery calls: device types, live targets by address, and the import of discovered hosts. */

let h: Harness;
let operator: string;
const base = () => `http://127.0.0.1:${h.subgraph.port}`;
const serviceToken = () => h.subgraph.env.SERVICE_TOKEN;
const actor = { userId: randomUUID(), username: "discoverer", ip: "127.0.0.1", userAgent: null };
const loopback = () => `127.${Math.floor(Math.random() * 250) + 1}.${Math.floor(Math.random() * 250) + 1}.${Math.floor(Math.random() * 250) + 1}`;

async function credential(input: Record<string, unknown>): Promise<string> {
  const result = await h.graphql<{ createCredential: { id: string } }>(
    "mutation($input: CreateCredentialInput!) { createCredential(input: $input) { id } }",
    { input: { name: `c-${suffix()}`, ...input } },
    { token: operator },
  );
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.createCredential.id;
}

const entry = (overrides: Partial<DiscoveredTargetInput> = {}): DiscoveredTargetInput => ({
  key: randomUUID(),
  name: `found-${suffix()}`,
  address: loopback(),
  port: 22,
  osType: "LINUX",
  environment: "lab",
  tags: ["discovered"],
  description: null,
  deviceTypeKey: "linux-server",
  methods: [
    { type: "SSH", port: 22, https: null },
    { type: "HTTP", port: 443, https: true },
  ],
  credentialId: null,
  ...overrides,
});
const importTargets = (targets: DiscoveredTargetInput[]) => callInternal(base(), importDiscoveredTargetsContract, { serviceToken: serviceToken(), body: { actor, targets } });

beforeAll(async () => {
  h = await startTargets();
  operator = h.signer.sign({ id: randomUUID(), username: "op", permissions: ["targets:read", "targets:write", "credentials:read"] });
}, 60_000);
afterAll(() => h?.stop());

describe("internal routes for discovery", () => {
  it("lists the device-type registry", async () => {
    const { deviceTypes } = await callInternal(base(), deviceTypesContract, { serviceToken: serviceToken() });
    expect(deviceTypes.map((type) => type.key)).toEqual(expect.arrayContaining(["linux-server", "windows-server", "other"]));
  });

  it("creates each host whole: target, device type, methods with the credential where it fits, created by the actor", async () => {
    const sshKey = await credential({ type: "PASSWORD", username: "root", password: "secret-pass" });
    const host = entry({ credentialId: sshKey });
    const { results } = await importTargets([host]);
    expect(results).toEqual([{ key: host.key, status: "CREATED", targetId: expect.any(String), field: null, message: null }]);
    const row = await h.db.target.findUniqueOrThrow({ where: { id: results[0].targetId! }, include: { methods: { orderBy: { port: "asc" } }, deviceType: true } });
    expect(row).toMatchObject({ address: host.address, port: 22, environment: "lab", tags: ["discovered"], createdById: actor.userId, deviceType: { key: "linux-server" } });
    expect(row.methods.map((method) => [method.type, method.port, method.isPrimary, method.credentialId])).toEqual([
      ["SSH", 22, true, sshKey],
      ["HTTP", 443, false, sshKey],
    ]);
    const { targets } = await callInternal(base(), targetsByAddressContract, { serviceToken: serviceToken(), body: { addresses: [host.address, "not an address"] } });
    expect(targets).toEqual([{ id: row.id, name: host.name, address: host.address, port: 22 }]);
  });

  it("leaves out methods that need a credential none fits, reports an existing address+port, and fails one host without touching the others", async () => {
    const first = entry();
    const [created] = (await importTargets([first])).results;
    const methods = await h.db.connectionMethod.findMany({ where: { targetId: created.targetId! } });
    // SSH needs a credential: without one only the HTTP method is made (and it is primary).
    expect(methods.map((method) => [method.type, method.isPrimary])).toEqual([["HTTP", true]]);

    const again = entry({ address: first.address, port: first.port });
    const broken = entry({ environment: "Not Valid!" });
    const fine = entry();
    const { results } = await importTargets([again, broken, fine]);
    expect(results).toEqual([
      { key: again.key, status: "EXISTS", targetId: created.targetId, field: "address", message: expect.any(String) },
      { key: broken.key, status: "FAILED", targetId: null, field: "environment", message: expect.stringContaining("input.environment") },
      { key: fine.key, status: "CREATED", targetId: expect.any(String), field: null, message: null },
    ]);
    expect(await h.db.target.count({ where: { address: broken.address } })).toBe(0);
  });

  it("refuses a caller without the service token", async () => {
    await expect(callInternal(base(), importDiscoveredTargetsContract, { serviceToken: "wrong", body: { actor, targets: [entry()] } })).rejects.toMatchObject({ status: 401 });
  });
});
