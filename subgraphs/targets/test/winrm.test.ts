import { withFreshPort } from "@opsconductor/kit/testing";
import { randomUUID } from "node:crypto";
import net from "node:net";
import { PRODUCT, startFakeWinrm, type FakeWinrm } from "./fixtures/winrm";
import { startTargets, suffix, type Harness } from "./harness";

/**
 * WinRM connection tests authenticate (Basic, NTLM) against a WinRM stand-in on 127.0.0.1 (HTTP side of
 * WS-Management only; there is no Windows host here): see test/fixtures/winrm.ts for what it checks.
 */

let h: Harness;
let token: string;
let plain: FakeWinrm;
let tls: FakeWinrm;
let basicOnly: FakeWinrm;
const USER = "WINRMTEST\\alice";
const PASSWORD = `pw-${randomUUID()}`;

interface Check {
  ok: boolean;
  errorCategory: string | null;
  message: string | null;
  serverVersion: string | null;
}

async function call<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const result = await h.graphql<T>(query, variables, { token });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

async function winrm(port: number, settings: Record<string, unknown>, login: { username: string; password: string }): Promise<Check> {
  const cred = await call<{ createCredential: { id: string } }>("mutation($input: CreateCredentialInput!) { createCredential(input: $input) { id } }", {
    input: { name: `winrm-${suffix()}`, type: "PASSWORD", ...login },
  });
  const target = await withFreshPort((own) =>
    call<{ createTarget: { id: string } }>("mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }", {
      input: { name: `win-${suffix()}`, address: "127.0.0.1", port: own, osType: "WINDOWS" },
    }),
  );
  await call("mutation($t: ID!, $input: ConnectionMethodInput!) { addConnectionMethod(targetId: $t, input: $input) { id } }", {
    t: target.createTarget.id,
    input: { type: "WINRM", port, credentialId: cred.createCredential.id, ...settings },
  });
  return (
    await call<{ testTargetConnection: Check }>("mutation($id: ID!) { testTargetConnection(id: $id) { ok errorCategory message serverVersion } }", {
      id: target.createTarget.id,
    })
  ).testTargetConnection;
}

/** A TCP port on 127.0.0.1 that was listening a moment ago and no longer is. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  h = await startTargets({ CONNECTION_TEST_TIMEOUT_MS: "3000" });
  token = h.signer.sign({ id: randomUUID(), permissions: ["targets:read", "targets:write"] });
  [plain, tls, basicOnly] = await Promise.all([
    startFakeWinrm({ username: USER, password: PASSWORD }),
    startFakeWinrm({ username: USER, password: PASSWORD, https: true }),
    startFakeWinrm({ username: USER, password: PASSWORD, ntlm: false }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([plain?.stop(), tls?.stop(), basicOnly?.stop()]);
  await h?.stop();
});

const right = { username: USER, password: PASSWORD };
const wrong = { username: USER, password: "not-the-password" };
const identified = { ok: true, errorCategory: null, serverVersion: `${PRODUCT.vendor} ${PRODUCT.version}` };

describe("WinRM connection tests authenticate", () => {
  it("Basic over http: the right password gets the WS-Man Identify answer, a wrong one AUTH_FAILED naming authentication", async () => {
    expect(await winrm(plain.port, { https: false, authType: "BASIC" }, right)).toMatchObject({ ...identified, message: "WS-Management Identify, Basic authentication" });
    const failed = await winrm(plain.port, { https: false, authType: "BASIC" }, wrong);
    expect(failed).toMatchObject({ ok: false, errorCategory: "AUTH_FAILED" });
    expect(failed.message).toMatch(/^authentication failed \(Basic\).*HTTP 401/);
    expect(plain.attempts.filter((attempt) => attempt.scheme === "Basic").map((attempt) => attempt.ok)).toEqual([true, false]);
  });

  it("NTLM (the default auth type): NEGOTIATE, CHALLENGE, AUTHENTICATE on one connection; a wrong password AUTH_FAILED", async () => {
    expect(await winrm(plain.port, { https: false }, right)).toMatchObject({ ...identified, message: "WS-Management Identify, NTLM authentication" });
    // Without the domain too: NTLMv2 binds the domain the client sends, and the stand-in checks with it.
    expect(await winrm(plain.port, { https: false, authType: "NTLM" }, { username: "alice", password: PASSWORD })).toMatchObject(identified);
    const failed = await winrm(plain.port, { https: false, authType: "NTLM" }, wrong);
    expect(failed).toMatchObject({ ok: false, errorCategory: "AUTH_FAILED" });
    expect(failed.message).toMatch(/^authentication failed \(NTLM\)/);
    expect(plain.attempts.filter((attempt) => attempt.scheme === "NTLM" && attempt.user).map((attempt) => attempt.ok)).toEqual([true, true, false]);
  });

  it("https: the certificate is verified unless tlsVerify is false", async () => {
    const refused = await winrm(tls.port, { https: true, authType: "BASIC" }, right);
    expect(refused).toMatchObject({ ok: false, errorCategory: "PROTOCOL" });
    expect(refused.message).toMatch(/self[- ]signed/i);
    expect(await winrm(tls.port, { https: true, tlsVerify: false, authType: "BASIC" }, right)).toMatchObject(identified);
    expect(await winrm(tls.port, { https: true, tlsVerify: false, authType: "NTLM" }, right)).toMatchObject(identified);
    expect(await winrm(tls.port, { https: true, tlsVerify: false, authType: "NTLM" }, wrong)).toMatchObject({ ok: false, errorCategory: "AUTH_FAILED" });
  });

  it("names what it cannot do: NTLM against a Basic-only listener, Kerberos and CredSSP; a closed port is REFUSED", async () => {
    const noNtlm = await winrm(basicOnly.port, { https: false, authType: "NTLM" }, right);
    expect(noNtlm).toMatchObject({ ok: false, errorCategory: "AUTH_FAILED" });
    expect(noNtlm.message).toMatch(/offers no NTLM challenge \(WWW-Authenticate: Basic\)/);
    for (const authType of ["KERBEROS", "CREDSSP"]) {
      const check = await winrm(plain.port, { https: false, authType }, right);
      expect(check).toMatchObject({ ok: false, errorCategory: "CONFIG" });
      expect(check.message).toMatch(/not supported by the connection test/);
    }
    const closed = await winrm(await closedPort(), { https: false, authType: "BASIC" }, right);
    expect(closed).toMatchObject({ ok: false, errorCategory: "REFUSED" });
  });

  it("never puts the password in a result", async () => {
    const rows = await h.db.connectionCheck.findMany({ where: { methodType: "WINRM" } });
    expect(rows.length).toBeGreaterThan(5);
    expect(JSON.stringify(rows)).not.toContain(PASSWORD);
  });
});
