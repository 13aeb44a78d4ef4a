import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { startSshd, type SshdFixture, type SshKeyPair } from "./sshd";

const run = promisify(execFile);

/** Logs in with the OpenSSH client and a key, runs `id -un`, returns its output. */
async function sshWithKey(fixture: SshdFixture, port: number, key: SshKeyPair, knownHosts: string): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "opsc-ssh-client-"));
  try {
    const keyFile = path.join(dir, "key");
    writeFileSync(keyFile, key.privateKey, { mode: 0o600 });
    const { stdout } = await run("ssh", [
      "-F", "/dev/null",
      "-i", keyFile,
      "-p", String(port),
      "-o", "BatchMode=yes",
      "-o", "IdentitiesOnly=yes",
      "-o", "StrictHostKeyChecking=accept-new",
      "-o", `UserKnownHostsFile=${knownHosts}`,
      "-o", "ConnectTimeout=5",
      `${fixture.user}@${fixture.host}`,
      "id -un",
    ]);
    return stdout.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("startSshd", () => {
  let fixture: SshdFixture;
  let dir: string;

  beforeAll(async () => {
    fixture = await startSshd({ count: 2 });
    dir = mkdtempSync(path.join(os.tmpdir(), "opsc-known-hosts-"));
  }, 60_000);

  afterAll(async () => {
    await fixture?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs the servers on distinct loopback ports with their own host keys", () => {
    expect(fixture.host).toBe("127.0.0.1");
    expect(new Set(fixture.ports).size).toBe(2);
    expect(fixture.servers[0].hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(fixture.servers[0].hostKeyFingerprint).not.toBe(fixture.servers[1].hostKeyFingerprint);
  });

  it.each(["ed25519", "rsa", "ecdsa"] as const)("lets the test user log in with the %s key", async (type) => {
    const knownHosts = path.join(dir, `known_${type}`);
    await expect(sshWithKey(fixture, fixture.ports[1], fixture.keys[type], knownHosts)).resolves.toBe(fixture.user);
  });

  it("restarts a server on its port with a new host key", async () => {
    const before = fixture.servers[0];
    const after = await fixture.replaceHostKey(0);
    expect(after.port).toBe(before.port);
    expect(after.hostKeyFingerprint).not.toBe(before.hostKeyFingerprint);
    const knownHosts = path.join(dir, "known_replaced");
    await expect(sshWithKey(fixture, after.port, fixture.keys.ed25519, knownHosts)).resolves.toBe(fixture.user);
  });
});
