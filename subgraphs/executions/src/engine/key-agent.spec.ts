import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startSshd, type SshdFixture } from "@opsconductor/kit/testing";
import { connectSsh } from "./executor";
import { privateKeyAgent } from "./key-agent";

let sshd: SshdFixture;
beforeAll(async () => {
  sshd = await startSshd({ count: 1 });
}, 60_000);
afterAll(() => sshd?.stop());

async function whoami(login: { privateKey?: string; passphrase?: string; password?: string }) {
  const [server] = sshd.servers;
  const session = await connectSsh({ host: server.host, port: server.port, username: sshd.user, hostKeyFingerprint: server.hostKeyFingerprint, timeoutMs: 20_000, ...login });
  try {
    let out = "";
    const exit = await session.runStep({ argv: ["whoami"], env: {}, onStdout: (data) => (out += data.toString()), onStderr: () => undefined, signal: new AbortController().signal });
    return { exitCode: exit.exitCode, out: out.trim() };
  } finally {
    session.close();
  }
}

describe("key authentication through the in-process agent", () => {
  it.each(["ed25519", "rsa", "ecdsa", "ed25519Encrypted"] as const)("logs in and runs a step with an OpenSSH %s key", async (type) => {
    const key = sshd.keys[type];
    const signs = jest.spyOn(privateKeyAgent(key.privateKey, key.passphrase), "sign");
    expect(await whoami({ privateKey: key.privateKey, passphrase: key.passphrase })).toEqual({ exitCode: 0, out: sshd.user });
    // The signature came from the agent's parsed key, not from ssh2's own path.
    expect(signs).toHaveBeenCalledTimes(1);
  }, 30_000);

  it("parses a key once and signs with it for every later connection", () => {
    const key = sshd.keys.ed25519;
    expect(privateKeyAgent(key.privateKey)).toBe(privateKeyAgent(key.privateKey));
    expect(privateKeyAgent(key.privateKey)).not.toBe(privateKeyAgent(sshd.keys.rsa.privateKey));
  });

  it("is refused for a key the target does not authorize, and falls back to the password when there is one", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "opsc-key-"));
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "key")]);
    const stranger = readFileSync(path.join(dir, "key"), "utf8");
    rmSync(dir, { recursive: true, force: true });
    await expect(whoami({ privateKey: stranger })).rejects.toThrow("SSH authentication failed");
    expect(await whoami({ privateKey: stranger, password: sshd.password })).toEqual({ exitCode: 0, out: sshd.user });
  }, 30_000);

  it("reports a key it cannot parse as ssh2 does, without the agent", async () => {
    await expect(whoami({ privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n-----END OPENSSH PRIVATE KEY-----\n" })).rejects.toThrow();
    expect(() => privateKeyAgent(sshd.keys.ed25519Encrypted.privateKey, "wrong passphrase")).toThrow();
  });
});
