import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import type net from "node:net";
import { Client, type ClientChannel, type ConnectConfig } from "ssh2";
import type { JobStep, TargetConnectionBundle } from "@opsconductor/kit";
import { privateKeyAgent, type PrivateKeyAgent } from "./key-agent";
import { shellQuote } from "./placeholders";

/**
 * Executors run one step at a time on one target and can really stop it: every step runs in a
 * session (and so a process group) of its own, whose id the executor learns first, so a cancel or a
 * timeout kills the whole group on the target — closing an SSH channel alone leaves the remote
 * processes running.
 */

export type StopReason = "cancel" | "timeout";

export interface StepRun {
  /** The command line (COMMAND) or the interpreter's argv (SCRIPT, with the script on stdin). */
  argv: string[];
  stdin?: string;
  /** Extra environment for the step (attempt number), set through env(1). */
  env: Record<string, string>;
  onStdout(data: Buffer): void;
  onStderr(data: Buffer): void;
  /** The step's process group id on the target, as soon as it is known (stored for the orphan reaper). */
  onStarted?(pgid: number): void;
  /** Aborted with a StopReason: the executor kills the step's process group. */
  signal: AbortSignal;
}

export interface StepExit {
  exitCode: number | null;
  /** Set when the step was stopped (cancel or timeout) rather than ending by itself. */
  stopped?: StopReason;
}

export interface Session {
  runStep(step: StepRun): Promise<StepExit>;
  /** Runs a short command (no output kept) and resolves when it ends or after `timeoutMs`. */
  runQuiet(command: string, timeoutMs: number): Promise<void>;
  close(): void;
}

export class ConnectError extends Error {}

/** argv of a step: COMMAND runs through `sh -c`; SCRIPT is sent on stdin to its interpreter. */
export function stepArgv(step: Pick<JobStep, "type" | "interpreter">, content: string): { argv: string[]; stdin?: string } {
  if (step.type === "COMMAND") return { argv: ["sh", "-c", content] };
  switch (step.interpreter ?? "sh") {
    case "bash":
      return { argv: ["bash", "-s"], stdin: content };
    case "python3":
      return { argv: ["python3", "-"], stdin: content };
    case "pwsh":
      return { argv: ["pwsh", "-NoProfile", "-NonInteractive", "-Command", "-"], stdin: content };
    default:
      return { argv: ["sh", "-s"], stdin: content };
  }
}

/**
 * The remote command line: a new session (setsid -w waits and passes the exit status on) whose
 * leader prints its pid — the process group id — as the first stdout line, then becomes the step.
 */
export function wrappedCommand(argv: string[], env: Record<string, string>): string {
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${shellQuote(value)}`);
  return ["setsid", "-w", "env", ...assignments, "sh", "-c", shellQuote('echo "$$"; exec "$@"'), "opsc-step", ...argv.map(shellQuote)].join(" ");
}

/**
 * Kills a process group: TERM, then KILL if it is still there after a grace period. Written for any
 * POSIX sh: dash's kill takes `-<pgid>` but not `--`.
 */
export function killGroupCommand(pgid: number, graceSeconds = 2): string {
  const steps = Math.max(1, Math.round(graceSeconds * 10));
  return (
    `kill -TERM -${pgid} 2>/dev/null; i=0; while [ $i -lt ${steps} ] && kill -0 -${pgid} 2>/dev/null; do sleep 0.1; i=$((i+1)); done; ` +
    `kill -KILL -${pgid} 2>/dev/null; true`
  );
}

/**
 * Kills the process group of an attempt whose worker died (the orphan reaper), but only if it is still
 * that attempt's: where /proc shows the group leader, its environment must hold the attempt's
 * OPSC_RUN_ID and OPSC_ATTEMPT (a recycled pid is left alone). A group whose leader has ended cannot
 * have had its id reused (Linux does not hand out an id still used by a group), so it is killed.
 */
export function orphanKillCommand(pgid: number, env: { OPSC_RUN_ID: string; OPSC_ATTEMPT: string }): string {
  const expect = (name: keyof typeof env) => `grep -qx ${shellQuote(`${name}=${env[name]}`)}`;
  const environ = `tr '\\000' '\\n' < /proc/${pgid}/environ`;
  return `if [ -r /proc/${pgid}/environ ] && ! { ${environ} | ${expect("OPSC_RUN_ID")} && ${environ} | ${expect("OPSC_ATTEMPT")}; }; then exit 0; fi; ${killGroupCommand(pgid)}`;
}

/** `SHA256:<base64 without padding>` of a host key blob, as ssh-keygen -l prints it. */
export const hostKeyFingerprint = (key: Buffer) => `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;

/** Splits the first stdout line (the process group id) from the step's own output. */
class PgidReader {
  pgid: number | undefined;
  private head = Buffer.alloc(0);
  private done = false;
  constructor(
    private readonly onPgid: (pgid: number) => void,
    private readonly onData: (data: Buffer) => void,
  ) {}
  push(data: Buffer) {
    if (this.done) return this.onData(data);
    this.head = Buffer.concat([this.head, data]);
    const newline = this.head.indexOf(10);
    if (newline < 0) {
      if (this.head.length > 64) this.finish(this.head);
      return;
    }
    const pgid = Number(this.head.subarray(0, newline).toString("latin1").trim());
    if (Number.isInteger(pgid) && pgid > 1) {
      this.pgid = pgid;
      this.onPgid(pgid);
      this.finish(this.head.subarray(newline + 1));
    } else this.finish(this.head);
  }
  private finish(rest: Buffer) {
    this.done = true;
    if (rest.length) this.onData(rest);
  }
}

// ── SSH ────────────────────────────────────────────────────────────────────────────────────

function execChannel(client: Client, command: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => client.exec(command, (error, channel) => (error ? reject(error) : resolve(channel))));
}

class SshSession implements Session {
  constructor(private readonly client: Client) {}

  async runStep(step: StepRun): Promise<StepExit> {
    const channel = await execChannel(this.client, wrappedCommand(step.argv, step.env));
    return new Promise<StepExit>((resolve) => {
      let exitCode: number | null = null;
      let stopped: StopReason | undefined;
      let killing: Promise<void> | undefined;
      const reader = new PgidReader((pgid) => step.onStarted?.(pgid), step.onStdout);
      let settled = false;
      const settle = () => {
        if (settled) return;
        settled = true;
        step.signal.removeEventListener("abort", stop);
        resolve({ exitCode, stopped });
      };
      const stop = () => {
        stopped = (step.signal.reason as StopReason) ?? "cancel";
        killing ??= this.killRemote(reader.pgid, channel);
        // Never wait forever for a target that does not let go: drop the whole connection.
        setTimeout(() => {
          if (settled) return;
          this.close();
          settle();
        }, 15_000).unref();
      };
      channel.on("data", (data: Buffer) => reader.push(data));
      channel.stderr.on("data", (data: Buffer) => step.onStderr(data));
      channel.on("exit", (code: number | null) => {
        exitCode = typeof code === "number" ? code : null;
      });
      // ssh2 may report the exit status with the close rather than in an earlier 'exit' event.
      channel.on("close", (code?: number | null) => {
        if (exitCode === null && typeof code === "number") exitCode = code;
        void (killing ?? Promise.resolve()).then(settle);
      });
      if (step.signal.aborted) stop();
      else step.signal.addEventListener("abort", stop, { once: true });
      if (step.stdin !== undefined) channel.end(step.stdin);
      else channel.end();
    });
  }

  async runQuiet(command: string, timeoutMs: number): Promise<void> {
    const channel = await execChannel(this.client, command);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      channel.on("close", () => {
        clearTimeout(timer);
        resolve();
      });
      channel.resume();
      channel.stderr.resume();
    });
  }

  /** A second channel kills the step's process group on the target; then the step's channel is closed. */
  private async killRemote(pgid: number | undefined, channel: ClientChannel): Promise<void> {
    if (pgid !== undefined) {
      try {
        await this.runQuiet(killGroupCommand(pgid), 5_000);
      } catch {
        // The connection is gone: sshd then closes the session and the step's input with it.
      }
    }
    channel.close();
  }

  close() {
    this.client.end();
    this.client.destroy();
  }
}

export interface SshLogin {
  host: string;
  port: number;
  username: string;
  password?: string;
  privateKey?: string;
  passphrase?: string;
  /** When set, a server presenting another host key is refused. */
  hostKeyFingerprint: string | null;
  timeoutMs: number;
}

export function sshLoginOf(bundle: TargetConnectionBundle, timeoutMs: number): SshLogin {
  const { method, credential, target } = bundle;
  if (!method || method.type !== "SSH") throw new ConnectError(`target ${target.name} has no SSH connection method`);
  const username = method.username ?? credential?.username;
  if (!username) throw new ConnectError(`target ${target.name} has no SSH username`);
  const secret = credential?.secret ?? {};
  if (!secret.password && !secret.privateKey) throw new ConnectError(`target ${target.name} has no SSH credential (password or key)`);
  return {
    host: target.address,
    port: method.port,
    username,
    password: secret.password,
    privateKey: secret.privateKey,
    passphrase: secret.passphrase,
    hostKeyFingerprint: method.hostKeyFingerprint,
    timeoutMs,
  };
}

export function connectSsh(login: SshLogin): Promise<Session> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let mismatch: string | undefined;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      client.destroy();
      reject(error);
    };
    client.once("ready", () => {
      settled = true;
      client.on("error", () => undefined);
      resolve(new SshSession(client));
    });
    client.on("error", (error: Error & { level?: string }) => {
      if (mismatch) return fail(new ConnectError(mismatch));
      fail(new ConnectError(error.level === "client-authentication" ? "SSH authentication failed" : `SSH connection failed: ${error.message}`));
    });
    client.on("close", () => fail(new ConnectError(mismatch ?? "SSH connection closed before it was ready")));
    // A key signs through an in-process agent that parsed it once (see key-agent.ts); a key that does
    // not parse goes to ssh2 as text, which reports it as before.
    let agent: PrivateKeyAgent | undefined;
    try {
      agent = login.privateKey ? privateKeyAgent(login.privateKey, login.passphrase) : undefined;
    } catch {
      agent = undefined;
    }
    const methods = [...(agent ? ["agent"] : login.privateKey ? ["publickey"] : []), ...(login.password ? ["password"] : [])];
    client.connect({
      host: login.host,
      port: login.port,
      username: login.username,
      password: login.password,
      ...(agent ? { agent } : { privateKey: login.privateKey, passphrase: login.passphrase }),
      readyTimeout: login.timeoutMs,
      keepaliveInterval: 10_000,
      tryKeyboard: false,
      authHandler: methods,
      hostVerifier: (key: Buffer) => {
        if (!login.hostKeyFingerprint) return true;
        const presented = hostKeyFingerprint(key);
        if (presented === login.hostKeyFingerprint) return true;
        mismatch = `host key mismatch: expected ${login.hostKeyFingerprint}, got ${presented}`;
        return false;
      },
    } as ConnectConfig);
    // Many short round trips per step: Nagle would add tens of ms to each.
    (client as unknown as { _sock?: net.Socket })._sock?.setNoDelay?.(true);
  });
}

// ── LOCAL ──────────────────────────────────────────────────────────────────────────────────

/** The built-in `localhost` target: steps run on the worker's own host, each in its own process group. */
export class LocalSession implements Session {
  runStep(step: StepRun): Promise<StepExit> {
    return new Promise((resolve) => {
      const [command, ...args] = step.argv;
      const child = spawn(command, args, { detached: true, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...step.env }, stdio: ["pipe", "pipe", "pipe"] });
      let stopped: StopReason | undefined;
      let killTimer: NodeJS.Timeout | undefined;
      const kill = (signal: NodeJS.Signals) => {
        try {
          if (child.pid) process.kill(-child.pid, signal);
        } catch {
          // already gone
        }
      };
      const stop = () => {
        stopped = (step.signal.reason as StopReason) ?? "cancel";
        kill("SIGTERM");
        killTimer = setTimeout(() => kill("SIGKILL"), 2_000);
      };
      // detached: the child leads a process group of its own, whose id is its pid.
      if (child.pid) step.onStarted?.(child.pid);
      child.stdout.on("data", step.onStdout);
      child.stderr.on("data", step.onStderr);
      child.stdin.on("error", () => undefined);
      child.on("error", (error) => {
        step.onStderr(Buffer.from(`${error.message}\n`));
      });
      child.on("close", (code) => {
        clearTimeout(killTimer);
        step.signal.removeEventListener("abort", stop);
        resolve({ exitCode: code ?? null, stopped });
      });
      if (step.signal.aborted) stop();
      else step.signal.addEventListener("abort", stop, { once: true });
      child.stdin.end(step.stdin ?? "");
    });
  }
  runQuiet(command: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const child = spawn("sh", ["-c", command], { stdio: "ignore", timeout: timeoutMs });
      child.on("error", () => resolve());
      child.on("close", () => resolve());
    });
  }
  close() {}
}

/** Whether a target is the built-in local one: address `localhost` and no connection method. */
export const isLocalTarget = (bundle: TargetConnectionBundle) => bundle.method === null && bundle.target.address === "localhost";
