import { randomBytes } from "node:crypto";
import fs from "node:fs";
import jwt from "jsonwebtoken";
import { Client } from "pg";
import { decrypt, parseKey } from "@opsconductor/kit";
import { graphql, login, type GraphQLResponse } from "@opsconductor/kit/testing";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- shared CommonJS launcher used by scripts and tests
const launcher = require("../../../scripts/lib/stack.cjs") as {
  startProcess(
    name: string,
    env: Record<string, string>,
    options?: { log?: NodeJS.WritableStream | null; readyPorts?: string[]; timeoutMs?: number; onSpawn?: (child: import("node:child_process").ChildProcess) => void },
  ): Promise<StartedProcess>;
  stopProcess(proc: StartedProcess): Promise<void>;
};
interface StartedProcess {
  pid: number;
}

export interface StackState {
  gatewayUrl: string;
  adminPassword: string;
  exchange: string;
  secrets: { SERVICE_TOKEN: string; AUTH_SECRETS_KEY: string; TARGETS_MASTER_KEY: string; EXECUTIONS_SECRETS_KEY: string; NOTIFICATIONS_SECRETS_KEY: string };
  envs: Record<string, Record<string, string>>;
  databases: Record<string, string>;
  pids: Record<string, number>;
  /** The members the global set-up started (tests may add more, e.g. a second worker). */
  members: string[];
  /** Members a test started with extra environment: restoreStack starts them again as the stack runs them. */
  altered?: Record<string, boolean>;
  logFile: string;
}

const stateFile = process.env.E2E_STACK_FILE;
if (!stateFile) throw new Error("E2E_STACK_FILE is not set: the e2e global setup did not run");
export const stack = (): StackState => JSON.parse(fs.readFileSync(stateFile, "utf8")) as StackState;
export const gatewayUrl = stack().gatewayUrl;

export const gql = <T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphQLResponse<T>> =>
  graphql<T>(gatewayUrl, query, variables, { token });

export const loginAsAdmin = () => login(gatewayUrl, "admin", stack().adminPassword);
export { login };

// A counter plus 48 random bits: thousands of names made in one millisecond never collide.
let uniqueCounter = 0;
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${(uniqueCounter++).toString(36)}${randomBytes(6).toString("hex")}`;

/** Creates a user through the gateway (as admin) and logs in as them. */
export async function createUserAndLogin(adminToken: string, roles: string[], password = "a-long-enough-password") {
  const username = unique("u").toLowerCase();
  const created = await gql<{ createUser: { id: string } }>(
    `mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`,
    { input: { username, email: `${username}@example.test`, displayName: username, roles, password } },
    adminToken,
  );
  if (!created.data?.createUser) throw new Error(`createUser failed: ${JSON.stringify(created.errors)}`);
  const session = await login(gatewayUrl, username, password);
  return { id: created.data.createUser.id, username, password, ...session };
}

/** Whether a process is still running. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops the running stack member `name` with SIGTERM (if it is alive) and waits until it has exited. */
export async function stopMember(name: string): Promise<void> {
  const pid = stack().pids[name];
  if (!pid || !isAlive(pid)) return;
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 15_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`${name} (pid ${pid}) did not stop`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Records a member's new pid, and whether it runs with extra environment, in the shared state file. */
function record(name: string, pid: number, extraEnv: Record<string, string>): void {
  const state = stack();
  const altered = { ...state.altered, [name]: Object.keys(extraEnv).length > 0 };
  fs.writeFileSync(stateFile!, JSON.stringify({ ...state, pids: { ...state.pids, [name]: pid }, altered }, null, 2));
}

/**
 * Puts the stack back as the global set-up started it: a process a test added (a second worker) is
 * stopped, and every member that is not running, or that a test started with extra environment, is
 * started again with its own. Runs after every e2e suite (setup-after-env.ts), so a suite that fails
 * half-way through a restart cannot break the suites after it. Returns what it changed.
 */
export async function restoreStack(): Promise<string[]> {
  const state = stack();
  const changed: string[] = [];
  for (const [name, pid] of Object.entries(state.pids)) {
    if (state.members.includes(name)) {
      if (isAlive(pid) && !state.altered?.[name]) continue;
      // Workers too: spawnService starts a `<service>-worker-<n>` with its service's environment.
      await restartService(name);
      changed.push(`restarted ${name}`);
    } else if (isAlive(pid)) {
      await stopMember(name);
      changed.push(`stopped ${name}`);
    }
  }
  return changed;
}

/** Stops one stack member with SIGTERM and starts it again with extra environment. */
export async function restartService(name: string, extraEnv: Record<string, string> = {}): Promise<void> {
  await (await spawnService(name, extraEnv)).ready;
}

/**
 * Stops one stack member and starts it again, returning as soon as the new process exists (before it
 * is ready, so a test can act while it starts up); `ready` settles when it answers /ready or dies.
 * The new pid is recorded at once, so the global teardown stops it whatever the test does.
 */
export async function spawnService(name: string, extraEnv: Record<string, string> = {}): Promise<{ pid: number; ready: Promise<void> }> {
  await stopMember(name);
  const state = stack();
  const log = fs.createWriteStream(state.logFile, { flags: "a" });
  let spawned!: (pid: number) => void;
  const pid = new Promise<number>((resolve) => (spawned = resolve));
  const ready = launcher
    // A worker process (`audit-worker-2`) runs with its service's environment and serves no port to wait for.
    .startProcess(name, { ...(state.envs[name] ?? state.envs[name.replace(/-worker-\d+$/, "")]), ...extraEnv }, {
      log,
      ...(/-worker-\d+$/.test(name) ? { readyPorts: [] } : {}),
      onSpawn: (child) => {
        record(name, child.pid!, extraEnv);
        spawned(child.pid!);
      },
    })
    .then(() => undefined);
  // A start that fails before spawning rejects `ready` first, and that reaches the caller here.
  return { pid: await Promise.race([pid, ready.then(() => NaN)]), ready };
}

/**
 * Starts worker process `index` of `service` (`<service>-worker-<index>`, as the stack names them) with
 * the service's environment plus `extraEnv`, stopping a running one of that name first (SIGTERM); an
 * index beyond service.json's `workers` adds a worker. Its pid is recorded at once, so the global
 * teardown stops it whatever the test does. Returns the pid once spawned (a worker has no /ready).
 */
export async function startWorker(service: string, index = 1, extraEnv: Record<string, string> = {}): Promise<number> {
  const name = `${service}-worker-${index}`;
  await stopMember(name);
  const state = stack();
  const log = fs.createWriteStream(state.logFile, { flags: "a" });
  const proc = await launcher.startProcess(name, { ...state.envs[service], ...extraEnv }, {
    log,
    readyPorts: [],
    onSpawn: (child) => record(name, child.pid!, extraEnv),
  });
  return proc.pid;
}

/** Starts a second gateway on its own port with extra settings (e.g. a lower depth limit). */
export async function startExtraGateway(port: number, extraEnv: Record<string, string>, options: { timeoutMs?: number } = {}) {
  const state = stack();
  const log = fs.createWriteStream(state.logFile, { flags: "a" });
  const proc = await launcher.startProcess("gateway", { ...state.envs.gateway, PORT: String(port), ...extraEnv }, { log, ...options });
  return { url: `http://127.0.0.1:${port}/graphql`, stop: () => launcher.stopProcess(proc) };
}

/** Starts a second copy of a subgraph (same database) on its own port with extra settings (e.g. a short token TTL). */
export async function startExtraSubgraph(name: string, port: number, extraEnv: Record<string, string>, options: { timeoutMs?: number } = {}) {
  const state = stack();
  const log = fs.createWriteStream(state.logFile, { flags: "a" });
  const proc = await launcher.startProcess(name, { ...state.envs[name], PORT: String(port), ...extraEnv }, { log, ...options });
  return { url: `http://127.0.0.1:${port}`, stop: () => launcher.stopProcess(proc) };
}

/** Signs a token with the auth service's real signing key (read from its database) — for expiry tests. */
export async function signWithAuthKey(claims: Record<string, unknown>, options: jwt.SignOptions): Promise<string> {
  const state = stack();
  const url = new URL(state.envs.auth.DATABASE_URL);
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rows } = await client.query("SELECT kid, private_key_encrypted FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1");
    const privatePem = decrypt(rows[0].private_key_encrypted, parseKey(state.secrets.AUTH_SECRETS_KEY), rows[0].kid);
    return jwt.sign(claims, privatePem, { ...options, algorithm: "ES256", keyid: rows[0].kid });
  } finally {
    await client.end();
  }
}
