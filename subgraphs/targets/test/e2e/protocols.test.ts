import { e2eStack, graphql, login, withFreshPort } from "@opsconductor/kit/testing";
import { randomUUID } from "node:crypto";
import { startSnmpd, type SnmpdFixture } from "../fixtures/snmpd";
import { PRODUCT, startFakeWinrm, type FakeWinrm } from "../fixtures/winrm";

/**
 * Through the gateway (admin login → token → GraphQL): SNMPv3 connection tests authenticate against a
 * real snmpd on 127.0.0.1, and WinRM ones (Basic, NTLM) against the WinRM stand-in on 127.0.0.1.
 */

let token: string;
let agent: SnmpdFixture;
let winrm: FakeWinrm;
const AUTH = `auth-${randomUUID().slice(0, 8)}`;
const PRIV = `priv-${randomUUID().slice(0, 8)}`;
const WIN_PASSWORD = `win-${randomUUID()}`;

interface Check {
  ok: boolean;
  errorCategory: string | null;
  message: string | null;
  serverVersion: string | null;
}

async function call<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await graphql<T>(e2eStack().gatewayUrl, query, variables, { token });
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

/** A credential, a target on 127.0.0.1 with one method using it, and a connection test of it; the response text too. */
async function tested(credential: Record<string, unknown>, method: Record<string, unknown>): Promise<{ check: Check; text: string }> {
  const cred = await call<{ createCredential: { id: string } }>("mutation($input: CreateCredentialInput!) { createCredential(input: $input) { id } }", {
    input: { name: `proto-${randomUUID().slice(0, 8)}`, ...credential },
  });
  const target = await withFreshPort((port) =>
    call<{ createTarget: { id: string } }>("mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }", {
      input: { name: `proto-${randomUUID().slice(0, 8)}`, address: "127.0.0.1", port },
    }),
  );
  await call("mutation($t: ID!, $input: ConnectionMethodInput!) { addConnectionMethod(targetId: $t, input: $input) { id } }", {
    t: target.createTarget.id,
    input: { ...method, credentialId: cred.createCredential.id },
  });
  const result = await graphql<{ testTargetConnection: Check }>(
    e2eStack().gatewayUrl,
    "mutation($id: ID!) { testTargetConnection(id: $id) { ok errorCategory message serverVersion } }",
    { id: target.createTarget.id },
    { token },
  );
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return { check: result.data!.testTargetConnection, text: JSON.stringify(result) };
}

beforeAll(async () => {
  const { gatewayUrl, adminPassword } = e2eStack();
  token = (await login(gatewayUrl, "admin", adminPassword)).accessToken;
  [agent, winrm] = await Promise.all([
    startSnmpd({
      community: `c${randomUUID().slice(0, 8)}`,
      sysDescr: "OpsConductor e2e agent",
      users: [{ name: "e2eops", auth: { protocol: "SHA-256", password: AUTH }, priv: { protocol: "AES", password: PRIV } }],
    }),
    startFakeWinrm({ username: "alice", password: WIN_PASSWORD }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([agent?.stop(), winrm?.stop()]);
});

describe("SNMPv3 and WinRM connection tests through the gateway", () => {
  it("SNMPv3 authPriv (SHA-256 + AES) reads sysDescr with the right passwords; a wrong auth or priv password is AUTH_FAILED", async () => {
    const v3 = (authPassword: string, privPassword: string) =>
      tested(
        { type: "SNMP_V3", username: "e2eops", securityLevel: "authPriv", authProtocol: "SHA256", authPassword, privProtocol: "AES", privPassword },
        { type: "SNMP", port: agent.port, snmpVersion: "V3" },
      );
    expect((await v3(AUTH, PRIV)).check).toMatchObject({ ok: true, errorCategory: null, serverVersion: "OpsConductor e2e agent" });
    const wrongAuth = await v3("wrong-auth-pass", PRIV);
    expect(wrongAuth.check).toMatchObject({ ok: false, errorCategory: "AUTH_FAILED" });
    expect(wrongAuth.check.message).toMatch(/authentication failed/);
    const wrongPriv = await v3(AUTH, "wrong-priv-pass");
    expect(wrongPriv.check).toMatchObject({ ok: false, errorCategory: "AUTH_FAILED" });
    expect(wrongPriv.check.message).toMatch(/wrong privacy password/);
    for (const response of [wrongAuth, wrongPriv]) expect(response.text).not.toMatch(new RegExp(`${AUTH}|${PRIV}`));
  });

  it("WinRM with Basic and NTLM: the right password is identified, a wrong one AUTH_FAILED naming authentication", async () => {
    for (const authType of ["BASIC", "NTLM"]) {
      const method = { type: "WINRM", port: winrm.port, https: false, authType };
      const good = await tested({ type: "PASSWORD", username: "alice", password: WIN_PASSWORD }, method);
      expect(good.check).toMatchObject({ ok: true, errorCategory: null, serverVersion: `${PRODUCT.vendor} ${PRODUCT.version}` });
      const bad = await tested({ type: "PASSWORD", username: "alice", password: "not-the-password" }, method);
      expect(bad.check).toMatchObject({ ok: false, errorCategory: "AUTH_FAILED" });
      expect(bad.check.message).toMatch(/^authentication failed/);
      expect(good.text + bad.text).not.toContain(WIN_PASSWORD);
    }
    expect(winrm.attempts.filter((attempt) => attempt.user).map((attempt) => `${attempt.scheme}:${attempt.ok}`)).toEqual(["Basic:true", "Basic:false", "NTLM:true", "NTLM:false"]);
  });
});
