import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * Real OpenSSH servers on loopback for tests and benchmarks: N `sshd -D -e` processes on free
 * 127.0.0.1 ports, a throwaway ed25519 host key each, one test user with a plain shell (no .bashrc
 * cost per exec) that logs in with a password or with any of the generated key pairs.
 */

export const SSHD_BIN = "/usr/sbin/sshd";
export const SSH_TEST_USER = "opsc-test";
/** Root-only file holding the test user's password, so parallel suites agree on it without changing it. */
const PASSWORD_FILE = "/var/lib/opsconductor-test/ssh-password";

export interface SshKeyPair {
  type: "ed25519" | "rsa" | "ecdsa";
  /** OpenSSH-format private key (PEM-like text). */
  privateKey: string;
  /** Set when the private key is encrypted. */
  passphrase?: string;
  /** `ssh-ed25519 AAAA… comment` */
  publicKey: string;
  /** `SHA256:…` as ssh-keygen -l prints it. */
  fingerprint: string;
}

export interface SshdServer {
  host: string;
  port: number;
  /** The server's host key fingerprint (`SHA256:…`). */
  hostKeyFingerprint: string;
  process: ChildProcess;
}

export interface SshdFixture {
  host: string;
  servers: SshdServer[];
  ports: number[];
  user: string;
  password: string;
  keys: { ed25519: SshKeyPair; rsa: SshKeyPair; ecdsa: SshKeyPair; ed25519Encrypted: SshKeyPair };
  /** Restarts server i on the same port with a new host key (for host-key-mismatch tests). */
  replaceHostKey(index: number): Promise<SshdServer>;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** How many servers (default 1). */
  count?: number;
  /** Extra sshd_config lines. */
  config?: string[];
}

/** `SHA256:<base64 without padding>` of an OpenSSH public key line. */
export function sshFingerprint(publicKeyLine: string): string {
  const blob = publicKeyLine.trim().split(/\s+/)[1];
  if (!blob) throw new Error("not an OpenSSH public key line");
  return `SHA256:${createHash("sha256").update(Buffer.from(blob, "base64")).digest("base64").replace(/=+$/, "")}`;
}

function keygen(file: string, type: SshKeyPair["type"], passphrase = ""): SshKeyPair {
  const bits = type === "rsa" ? ["-b", "3072"] : type === "ecdsa" ? ["-b", "256"] : [];
  execFileSync("ssh-keygen", ["-q", "-t", type, ...bits, "-N", passphrase, "-C", `opsc-test-${type}`, "-f", file], { stdio: "ignore" });
  const publicKey = readFileSync(`${file}.pub`, "utf8").trim();
  return {
    type,
    privateKey: readFileSync(file, "utf8"),
    ...(passphrase ? { passphrase } : {}),
    publicKey,
    fingerprint: sshFingerprint(publicKey),
  };
}

/** Creates the test user once (plain /bin/sh, no home dot-files) and returns its password. */
export function ensureSshTestUser(): { user: string; password: string } {
  if (typeof process.getuid === "function" && process.getuid() !== 0) {
    throw new Error("the sshd fixture needs root (it runs sshd and manages the test user)");
  }
  if (!existsSync(SSHD_BIN)) throw new Error(`${SSHD_BIN} is missing: apt-get install -y openssh-server`);
  mkdirSync(path.dirname(PASSWORD_FILE), { recursive: true, mode: 0o700 });
  // mkdir is atomic: one suite creates the user while parallel ones wait for the password file.
  const lock = `${PASSWORD_FILE}.lock`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (existsSync(PASSWORD_FILE)) {
      const password = readFileSync(PASSWORD_FILE, "utf8").trim();
      if (password) return { user: SSH_TEST_USER, password };
    }
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      execFileSync("sleep", ["0.1"]);
    }
  }
  try {
    let exists = true;
    try {
      execFileSync("id", [SSH_TEST_USER], { stdio: "ignore" });
    } catch {
      exists = false;
    }
    if (!exists) execFileSync("useradd", ["--create-home", "--shell", "/bin/sh", SSH_TEST_USER], { stdio: "ignore" });
    const password = randomBytes(18).toString("base64url");
    execFileSync("chpasswd", [], { input: `${SSH_TEST_USER}:${password}\n`, stdio: ["pipe", "ignore", "ignore"] });
    writeFileSync(PASSWORD_FILE, password, { mode: 0o600 });
    return { user: SSH_TEST_USER, password };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the port sends an SSH banner. */
async function waitForBanner(host: string, port: number, child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd on port ${port} exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port });
      const done = (value: boolean) => {
        socket.destroy();
        resolve(value);
      };
      socket.setTimeout(1000, () => done(false));
      socket.once("data", (chunk) => done(chunk.toString("latin1").startsWith("SSH-")));
      socket.once("error", () => done(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`sshd on port ${port} did not answer within ${timeoutMs} ms`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/**
 * Starts `count` sshd processes on 127.0.0.1. Every address they listen on is loopback, and the
 * only account they accept is the test user.
 */
export async function startSshd(options: SshdOptions = {}): Promise<SshdFixture> {
  const count = options.count ?? 1;
  const { user, password } = ensureSshTestUser();
  mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(path.join(os.tmpdir(), "opsc-sshd-"));
  chmodSync(dir, 0o755);
  const keys = {
    ed25519: keygen(path.join(dir, "id_ed25519"), "ed25519"),
    rsa: keygen(path.join(dir, "id_rsa"), "rsa"),
    ecdsa: keygen(path.join(dir, "id_ecdsa"), "ecdsa"),
    ed25519Encrypted: keygen(path.join(dir, "id_ed25519_enc"), "ed25519", randomBytes(9).toString("base64url")),
  };
  const authorizedKeys = path.join(dir, "authorized_keys");
  writeFileSync(authorizedKeys, Object.values(keys).map((key) => key.publicKey).join("\n") + "\n", { mode: 0o644 });

  const host = "127.0.0.1";
  let generation = 0;
  const launch = async (index: number, port?: number): Promise<SshdServer> => {
    for (let attempt = 0; ; attempt++) {
      const listen = port ?? (await freePort(host));
      const hostKey = path.join(dir, `host_${index}_${generation++}`);
      const hostKeyPair = keygen(hostKey, "ed25519");
      const configFile = path.join(dir, `sshd_config_${index}`);
      writeFileSync(
        configFile,
        [
          `ListenAddress ${host}:${listen}`,
          `HostKey ${hostKey}`,
          `AuthorizedKeysFile ${authorizedKeys}`,
          "PidFile none",
          "StrictModes no",
          "MaxStartups 200",
          "MaxSessions 100",
          "MaxAuthTries 20",
          "UsePAM no",
          "PasswordAuthentication yes",
          "KbdInteractiveAuthentication no",
          "PubkeyAuthentication yes",
          "PermitRootLogin no",
          `AllowUsers ${user}`,
          "UseDNS no",
          "PrintMotd no",
          "LogLevel ERROR",
          ...(options.config ?? []),
          "",
        ].join("\n"),
      );
      const child = spawn(SSHD_BIN, ["-D", "-e", "-f", configFile], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-2000)));
      try {
        await waitForBanner(host, listen, child);
        return { host, port: listen, hostKeyFingerprint: hostKeyPair.fingerprint, process: child };
      } catch (error) {
        await stopChild(child);
        // Another process may have taken the free port in between; pick another one.
        if (port === undefined && attempt < 3) continue;
        throw new Error(`${(error as Error).message}: ${stderr.trim()}`);
      }
    }
  };

  const servers: SshdServer[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await launch(i));
  } catch (error) {
    await Promise.all(servers.map((server) => stopChild(server.process)));
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    host,
    servers,
    get ports() {
      return servers.map((server) => server.port);
    },
    user,
    password,
    keys,
    async replaceHostKey(index) {
      const current = servers[index];
      if (!current) throw new Error(`no sshd server ${index}`);
      await stopChild(current.process);
      servers[index] = await launch(index, current.port);
      return servers[index];
    },
    async stop() {
      await Promise.all(servers.map((server) => stopChild(server.process)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
