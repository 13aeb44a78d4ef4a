import { withFreshPort } from "@opsconductor/kit/testing";
import { randomUUID } from "node:crypto";
import { freeUdpPort, startSnmpd, type SnmpdFixture } from "./fixtures/snmpd";
import { startTargets, suffix, type Harness } from "./harness";

/** SNMP connection tests against a real Net-SNMP agent (snmpd) on 127.0.0.1: v1/v2c communities and SNMPv3 USM users. */

let h: Harness;
let agent: SnmpdFixture;
let agentPort: number;
const community = `c${randomUUID().slice(0, 8)}`;
let token: string;
const AUTH = "auth-pass-a1b2";
const PRIV = "priv-pass-c3d4";

async function call<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const result = await h.graphql<T>(query, variables, { token });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

async function snmpTarget(port: number, snmpVersion: string, credential: Record<string, unknown>) {
  const cred = await call<{ createCredential: { id: string } }>("mutation($input: CreateCredentialInput!) { createCredential(input: $input) { id } }", {
    input: { name: `snmp-${suffix()}`, ...credential },
  });
  const target = await withFreshPort((port) =>
    call<{ createTarget: { id: string } }>("mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }", {
      input: { name: `snmp-${suffix()}`, address: "127.0.0.1", port, osType: "NETWORK" },
    }),
  );
  await call("mutation($t: ID!, $input: ConnectionMethodInput!) { addConnectionMethod(targetId: $t, input: $input) { id } }", {
    t: target.createTarget.id,
    input: { type: "SNMP", port, snmpVersion, credentialId: cred.createCredential.id },
  });
  const tested = await call<{ testTargetConnection: { ok: boolean; errorCategory: string | null; serverVersion: string | null } }>(
    "mutation($id: ID!) { testTargetConnection(id: $id) { ok errorCategory serverVersion } }",
    { id: target.createTarget.id },
  );
  return tested.testTargetConnection;
}

beforeAll(async () => {
  h = await startTargets({ CONNECTION_TEST_TIMEOUT_MS: "1500" });
  token = h.signer.sign({ id: randomUUID(), permissions: ["targets:read", "targets:write"] });
  agent = await startSnmpd({
    community,
    users: [
      { name: "authonly", auth: { protocol: "SHA-256", password: AUTH } },
      { name: "md5aes", auth: { protocol: "MD5", password: AUTH }, priv: { protocol: "AES", password: PRIV } },
      { name: "sha512aes256", auth: { protocol: "SHA-512", password: AUTH }, priv: { protocol: "AES-256", password: PRIV } },
      { name: "shaaes", auth: { protocol: "SHA", password: AUTH }, priv: { protocol: "AES", password: PRIV } },
      { name: "shades", auth: { protocol: "SHA", password: AUTH }, priv: { protocol: "DES", password: PRIV } },
    ],
  });
  agentPort = agent.port;
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await h?.stop();
});

const v3 = (username: string, input: Record<string, unknown>) => snmpTarget(agentPort, "V3", { type: "SNMP_V3", username, ...input });

describe("SNMP connection tests against snmpd", () => {
  it("reads sysDescr with the community over v2c and v1", async () => {
    for (const version of ["V2C", "V1"]) {
      expect(await snmpTarget(agentPort, version, { type: "SNMP_COMMUNITY", community })).toEqual({ ok: true, errorCategory: null, serverVersion: "OpsConductor test agent" });
    }
  });

  it("gets no answer with a wrong community (TIMEOUT within the limit)", async () => {
    expect(await snmpTarget(agentPort, "V2C", { type: "SNMP_COMMUNITY", community: "not-it" })).toMatchObject({ ok: false, errorCategory: "TIMEOUT" });
  });

  it("reports REFUSED for a UDP port without an agent", async () => {
    expect(await snmpTarget(await freeUdpPort(), "V2C", { type: "SNMP_COMMUNITY", community })).toMatchObject({ ok: false, errorCategory: "REFUSED" });
  });

  it("authenticates SNMPv3 users: authNoPriv SHA-256, authPriv MD5+AES and SHA-512+AES-256, reading sysDescr", async () => {
    const ok = { ok: true, errorCategory: null, serverVersion: "OpsConductor test agent" };
    expect(await v3("authonly", { securityLevel: "authNoPriv", authProtocol: "SHA256", authPassword: AUTH })).toEqual(ok);
    expect(await v3("md5aes", { securityLevel: "authPriv", authProtocol: "MD5", authPassword: AUTH, privProtocol: "AES", privPassword: PRIV })).toEqual(ok);
    expect(await v3("sha512aes256", { securityLevel: "authPriv", authProtocol: "SHA512", authPassword: AUTH, privProtocol: "AES256", privPassword: PRIV })).toEqual(ok);
  });

  it("fails authentication with a wrong auth password, a wrong priv password, an unknown user or a wrong auth protocol", async () => {
    const wrongAuth = await v3("shaaes", { securityLevel: "authPriv", authProtocol: "SHA", authPassword: "not-the-auth-pass", privProtocol: "AES", privPassword: PRIV });
    expect(wrongAuth).toMatchObject({ ok: false, errorCategory: "AUTH_FAILED", serverVersion: null });
    const wrongPriv = await v3("shaaes", { securityLevel: "authPriv", authProtocol: "SHA", authPassword: AUTH, privProtocol: "AES", privPassword: "not-the-priv-pass" });
    expect(wrongPriv).toMatchObject({ ok: false, errorCategory: "AUTH_FAILED" });
    const unknown = await v3(`nobody${suffix()}`, { securityLevel: "authNoPriv", authProtocol: "SHA", authPassword: AUTH });
    expect(unknown).toMatchObject({ ok: false, errorCategory: "AUTH_FAILED" });
    const protocol = await v3("authonly", { securityLevel: "authNoPriv", authProtocol: "MD5", authPassword: AUTH });
    expect(protocol).toMatchObject({ ok: false, errorCategory: "AUTH_FAILED" });
    // Read back the messages through the history (the mutation's message field is not in snmpTarget's selection).
    const messages = await h.db.connectionCheck.findMany({ where: { errorCategory: "AUTH_FAILED", methodType: "SNMP" }, orderBy: { checkedAt: "desc" }, take: 4 });
    const text = messages.map((row) => row.message).join("\n");
    expect(text).toMatch(/wrong authentication password or protocol/);
    expect(text).toMatch(/wrong privacy password or protocol/);
    expect(text).toMatch(/does not know this user/);
    // Never a secret in a message.
    expect(text).not.toMatch(new RegExp(`${AUTH}|${PRIV}|not-the-`));
  });

  it("a user allowed only with privacy is refused at authNoPriv (authenticated, not authorized)", async () => {
    expect(await v3("md5aes", { securityLevel: "authNoPriv", authProtocol: "MD5", authPassword: AUTH })).toMatchObject({ ok: false, errorCategory: "AUTH_FAILED" });
  });

  it("names what cannot be tried here: DES (no DES in this runtime's OpenSSL) and AES-192 (not in the client) are CONFIG", async () => {
    const des = await v3("shades", { securityLevel: "authPriv", authProtocol: "SHA", authPassword: AUTH, privProtocol: "DES", privPassword: PRIV });
    expect(des).toMatchObject({ ok: false, errorCategory: "CONFIG" });
    const aes192 = await v3("shaaes", { securityLevel: "authPriv", authProtocol: "SHA", authPassword: AUTH, privProtocol: "AES192", privPassword: PRIV });
    expect(aes192).toMatchObject({ ok: false, errorCategory: "CONFIG" });
  });

  it("reports REFUSED for SNMPv3 to a UDP port without an agent (engine discovery first)", async () => {
    expect(await snmpTarget(await freeUdpPort(), "V3", { type: "SNMP_V3", username: "authonly", securityLevel: "authNoPriv", authPassword: AUTH })).toMatchObject({
      ok: false,
      errorCategory: "REFUSED",
    });
  });
});
