import { errorCodes, outboxEvents, startSshd, type SshdFixture, withFreshPort } from "@opsconductor/kit/testing";
import { randomUUID } from "node:crypto";
import { startTargets, suffix, type Harness } from "./harness";

/** Connection methods (primary flag, per-type rules) and credential updates. */

let h: Harness;
let sshd: SshdFixture;
let token: string;

async function raw<T>(query: string, variables: Record<string, unknown> = {}) {
  return h.graphql<T>(query, variables, { token });
}
async function call<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await raw<T>(query, variables);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

const ADD = "mutation($t: ID!, $input: ConnectionMethodInput!) { addConnectionMethod(targetId: $t, input: $input) { id type port isPrimary } }";
const METHODS = "query($id: ID!) { target(id: $id) { connectionMethods { id type isPrimary port hostKeyFingerprint } } }";

async function target(): Promise<string> {
  const created = await withFreshPort((port) =>
    call<{ createTarget: { id: string } }>("mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }", {
      input: { name: `m-${suffix()}`, address: "127.0.0.1", port },
    }),
  );
  return created.createTarget.id;
}
async function credential(input: Record<string, unknown>): Promise<string> {
  return (await call<{ createCredential: { id: string } }>("mutation($input: CreateCredentialInput!) { createCredential(input: $input) { id } }", { input: { name: `c-${suffix()}`, ...input } }))
    .createCredential.id;
}

beforeAll(async () => {
  [h, sshd] = await Promise.all([startTargets(), startSshd()]);
  token = h.signer.sign({ id: randomUUID(), permissions: ["targets:read", "targets:write", "credentials:read"] });
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await sshd?.stop();
});

describe("connection methods", () => {
  it("keeps exactly one primary method: the first, then the chosen one, then the oldest left", async () => {
    const id = await target();
    const cred = await credential({ type: "PASSWORD", username: "root", password: "x" });
    const ssh = (await call<{ addConnectionMethod: { id: string; isPrimary: boolean; port: number } }>(ADD, { t: id, input: { type: "SSH", credentialId: cred } })).addConnectionMethod;
    expect(ssh).toMatchObject({ isPrimary: true, port: 22 });
    const http = (await call<{ addConnectionMethod: { id: string; isPrimary: boolean; port: number } }>(ADD, { t: id, input: { type: "HTTP", isPrimary: true, https: false } })).addConnectionMethod;
    expect(http).toMatchObject({ isPrimary: true, port: 80 });
    let methods = (await call<{ target: { connectionMethods: Array<{ id: string; isPrimary: boolean }> } }>(METHODS, { id })).target.connectionMethods;
    expect(methods.map((method) => [method.id, method.isPrimary])).toEqual([
      [http.id, true],
      [ssh.id, false],
    ]);
    await call("mutation($id: ID!) { removeConnectionMethod(id: $id) }", { id: http.id });
    methods = (await call<{ target: { connectionMethods: Array<{ id: string; isPrimary: boolean }> } }>(METHODS, { id })).target.connectionMethods;
    expect(methods).toEqual([expect.objectContaining({ id: ssh.id, isPrimary: true })]);
    const events = await outboxEvents(h.db, { subjectId: id });
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(["targets.method.added", "targets.method.removed"]));
  });

  it("validates settings and credential type per method type, naming the field", async () => {
    const id = await target();
    const snmp = await credential({ type: "SNMP_COMMUNITY", community: "public" });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ type: "WINRM", credentialId: snmp }, "input.credentialId"],
      [{ type: "SSH" }, "input.credentialId"],
      [{ type: "SNMP", snmpVersion: "V3", credentialId: snmp }, "input.credentialId"],
      [{ type: "HTTP", basePath: "no-slash" }, "input.basePath"],
      [{ type: "SNMP", credentialId: snmp, port: 70000 }, "input.port"],
      [{ type: "TELNET", tlsVerify: false }, "input.tlsVerify"],
    ];
    for (const [input, field] of cases) {
      const result = await raw(ADD, { t: id, input });
      expect(errorCodes(result)).toEqual(["BAD_USER_INPUT"]);
      expect(result.errors?.[0].extensions?.field).toBe(field);
    }
    const ssh = await credential({ type: "SSH_KEY", privateKey: sshd.keys.ed25519.privateKey });
    const noUser = await raw(ADD, { t: id, input: { type: "SSH", credentialId: ssh } });
    expect(noUser.errors?.[0].extensions?.field).toBe("input.username");
    expect((await call<{ addConnectionMethod: { type: string } }>(ADD, { t: id, input: { type: "SSH", credentialId: ssh, username: sshd.user } })).addConnectionMethod.type).toBe("SSH");
  });

  it("learns the host key again after the port changes", async () => {
    const id = await target();
    const cred = await credential({ type: "PASSWORD", username: sshd.user, password: sshd.password });
    const method = (await call<{ addConnectionMethod: { id: string } }>(ADD, { t: id, input: { type: "SSH", credentialId: cred, port: sshd.ports[0] } })).addConnectionMethod;
    await call("mutation($id: ID!) { testTargetConnection(id: $id) { ok } }", { id });
    const learned = (await call<{ target: { connectionMethods: Array<{ hostKeyFingerprint: string | null }> } }>(METHODS, { id })).target.connectionMethods[0];
    expect(learned.hostKeyFingerprint).toBe(sshd.servers[0].hostKeyFingerprint);
    const moved = await call<{ updateConnectionMethod: { port: number; hostKeyFingerprint: string | null } }>(
      "mutation($id: ID!, $input: UpdateConnectionMethodInput!) { updateConnectionMethod(id: $id, input: $input) { port hostKeyFingerprint } }",
      { id: method.id, input: { port: sshd.ports[0] + 1 } },
    );
    expect(moved.updateConnectionMethod).toEqual({ port: sshd.ports[0] + 1, hostKeyFingerprint: null });
  });
});

describe("credential updates", () => {
  it("replaces a wrong password, after which the connection test passes; deleting it is refused while a method uses it", async () => {
    const id = await target();
    const cred = await credential({ type: "PASSWORD", username: sshd.user, password: "wrong" });
    await call(ADD, { t: id, input: { type: "SSH", credentialId: cred, port: sshd.ports[0] } });
    const test = async () => (await call<{ testTargetConnection: { ok: boolean; errorCategory: string | null } }>("mutation($id: ID!) { testTargetConnection(id: $id) { ok errorCategory } }", { id })).testTargetConnection;
    expect(await test()).toEqual({ ok: false, errorCategory: "AUTH_FAILED" });
    const updated = await call<{ updateCredential: { name: string; secretFields: string[] } }>(
      "mutation($id: ID!, $input: UpdateCredentialInput!) { updateCredential(id: $id, input: $input) { name secretFields } }",
      { id: cred, input: { password: sshd.password, name: `renamed-${suffix()}` } },
    );
    expect(updated.updateCredential.secretFields).toEqual(["password"]);
    expect(await test()).toEqual({ ok: true, errorCategory: null });
    const [event] = await outboxEvents(h.db, { type: "targets.credential.updated", subjectId: cred });
    expect(event.data.changed).toEqual(["name", "password"]);
    expect(JSON.stringify(event)).not.toContain(sshd.password);

    const refused = await raw("mutation($id: ID!) { deleteCredential(id: $id) }", { id: cred });
    expect(errorCodes(refused)).toEqual(["CONFLICT"]);
  });

  it("refuses a new passphrase without its key, and a duplicate name", async () => {
    const key = sshd.keys.ed25519Encrypted;
    const cred = await credential({ type: "SSH_KEY", username: "u", privateKey: key.privateKey, passphrase: key.passphrase });
    const alone = await raw("mutation($id: ID!, $input: UpdateCredentialInput!) { updateCredential(id: $id, input: $input) { id } }", { id: cred, input: { passphrase: "other" } });
    expect(alone.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.privateKey" });
    const name = `dup-${suffix()}`;
    await credential({ type: "API_TOKEN", token: "t", name });
    const duplicate = await raw("mutation($input: CreateCredentialInput!) { createCredential(input: $input) { id } }", { input: { type: "API_TOKEN", token: "t", name: name.toUpperCase() } });
    expect(errorCodes(duplicate)).toEqual(["CONFLICT"]);
  });
});
