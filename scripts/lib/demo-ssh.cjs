// `npm start -- --demo-ssh` (or OPSC_DEMO_SSH=1): one OpenSSH server on 127.0.0.1 as a demo host, so a
// newcomer's first connection test succeeds. sshd runs as the user running `npm start` (no root needed),
// accepts only that user and only the generated key (no passwords), with a throwaway host key; the keys
// live in .data/demo-ssh (0700) and are kept across restarts so the seeded credential and the trusted
// host key stay valid. The launcher stops it on exit.
const { execFileSync, spawn } = require("node:child_process");
const fs = require("node:fs");
const net = require("node:net");
const os = require("node:os");
const path = require("node:path");

const SSHD_BIN = process.env.OPSC_SSHD_BIN || "/usr/sbin/sshd";
const DEFAULT_PORT = 22022;

/** Why the demo host cannot run here (with how to fix it), or null. */
function demoSshUnavailable(sshdBin = SSHD_BIN) {
  if (!fs.existsSync(sshdBin)) {
    return `${sshdBin} is missing. Install OpenSSH's server to get demo SSH hosts: apt-get install openssh-server (Debian/Ubuntu), dnf install openssh-server (Fedora), or set OPSC_SSHD_BIN`;
  }
  try {
    execFileSync("ssh-keygen", ["-?"], { stdio: "ignore" });
  } catch (error) {
    if (error.code === "ENOENT") return "ssh-keygen is missing: install openssh-client";
  }
  return null;
}

function keygen(file, comment) {
  if (fs.existsSync(file) && fs.existsSync(`${file}.pub`)) return;
  fs.rmSync(file, { force: true });
  fs.rmSync(`${file}.pub`, { force: true });
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file], { stdio: "ignore" });
}

function portAnswers(host, port, child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(false);
    const socket = net.connect({ host, port });
    const done = (value) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("data", (chunk) => done(chunk.toString("latin1").startsWith("SSH-")));
    socket.once("error", () => done(false));
  });
}

/**
 * Starts the demo sshd on 127.0.0.1:<port>. Returns { host, port, user, privateKey, privateKeyFile,
 * hostKeyFingerprint, stop() }; throws with sshd's own message when it cannot start.
 */
async function startDemoSsh({ dir, port = DEFAULT_PORT, sshdBin = SSHD_BIN, log = () => undefined } = {}) {
  const reason = demoSshUnavailable(sshdBin);
  if (reason) throw new Error(reason);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const user = os.userInfo().username;
  const hostKey = path.join(dir, "ssh_host_ed25519_key");
  const clientKey = path.join(dir, "id_ed25519");
  keygen(hostKey, "opsconductor-demo-host");
  keygen(clientKey, `opsconductor-demo-${user}`);
  const authorizedKeys = path.join(dir, "authorized_keys");
  fs.writeFileSync(authorizedKeys, fs.readFileSync(`${clientKey}.pub`), { mode: 0o600 });
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  // As root, sshd's privilege separation needs its empty directory.
  if (root) fs.mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const config = path.join(dir, "sshd_config");
  fs.writeFileSync(
    config,
    [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      "PidFile none",
      "StrictModes no",
      "UsePAM no",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PubkeyAuthentication yes",
      `AllowUsers ${user}`,
      `PermitRootLogin ${root ? "prohibit-password" : "no"}`,
      "AllowTcpForwarding no",
      "X11Forwarding no",
      "UseDNS no",
      "PrintMotd no",
      "LogLevel ERROR",
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  const child = spawn(sshdBin, ["-D", "-e", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-2000);
    log(chunk.toString("utf8"));
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.kill("SIGTERM");
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (await portAnswers("127.0.0.1", port, child)) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`sshd did not start on 127.0.0.1:${port}: ${stderr.trim() || "no answer"}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const hostPublic = fs.readFileSync(`${hostKey}.pub`, "utf8").trim().split(/\s+/)[1];
  const hostKeyFingerprint = `SHA256:${require("node:crypto").createHash("sha256").update(Buffer.from(hostPublic, "base64")).digest("base64").replace(/=+$/, "")}`;
  return { host: "127.0.0.1", port, user, root, privateKeyFile: clientKey, privateKey: fs.readFileSync(clientKey, "utf8"), hostKeyFingerprint, pid: child.pid, stop };
}

/** Whether `npm start` was asked for the demo host: `--demo-ssh` or OPSC_DEMO_SSH=1/true. */
function demoSshRequested(argv = process.argv, env = process.env) {
  return argv.includes("--demo-ssh") || /^(1|true|yes)$/i.test(env.OPSC_DEMO_SSH ?? "");
}

module.exports = { startDemoSsh, demoSshRequested, demoSshUnavailable, DEFAULT_PORT };
