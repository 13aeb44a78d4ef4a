// @ts-check
// Starts subgraphs and the gateway from their built dist/ folders, waits until each answers
// /ready, prefixes their logs, and stops them with SIGTERM. Everything about which services exist,
// their ports and databases comes from the registry. CommonJS so that both the .mjs scripts and the
// Jest end-to-end tests can use it.
"use strict";
const { execFileSync, spawn } = require("node:child_process");
const net = require("node:net");
const path = require("node:path");
const { GATEWAY, SERVICES, seedOrder } = require("./registry.cjs");

const ROOT = path.resolve(__dirname, "../..");
const SUBGRAPH_BIN = path.join(ROOT, "packages/kit/dist/bin/subgraph.js");
const GATEWAY_ENTRY = path.join(ROOT, "gateway/dist/index.js");
/** The name of the process that runs every subgraph when they share one Node process. */
const COMBINED = "subgraphs";

/** @typedef {Record<string, string>} Env */

/**
 * Environment of every process of one stack, from the registry: each subgraph gets its PORT,
 * DATABASE_URL, every sibling's `<NAME>_URL` and only the secrets its service.json names; the gateway
 * gets SUBGRAPH_URLS.
 * @param {{ mode: "development" | "test", secrets: Record<string, string>, ports: Record<string, number>,
 *   databases: Record<string, string>, postgresUrl: string, extra?: Record<string, string> }} options
 * @returns {Record<string, Env>}
 */
function stackEnv({ mode, secrets, ports, databases, postgresUrl, extra = {} }) {
  /** @param {string} name */
  const db = (name) => {
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  /** @param {string} name */
  const base = (name) => `http://127.0.0.1:${ports[name]}`;
  /** @type {Env} */
  const common = {
    NODE_ENV: mode === "test" ? "test" : "development",
    LOG_LEVEL: process.env.LOG_LEVEL ?? (mode === "test" ? "warn" : "info"),
    HOST: "127.0.0.1",
    SERVICE_TOKEN: secrets.SERVICE_TOKEN,
    RABBITMQ_URL: process.env.RABBITMQ_URL ?? "amqp://guest:guest@127.0.0.1:5672",
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    EVENTS_EXCHANGE: "opsconductor.events",
    ...Object.fromEntries(SERVICES.map((service) => [service.urlVariable, base(service.name)])),
    ...extra,
  };
  /** @type {Record<string, Env>} */
  const envs = {};
  for (const service of SERVICES) {
    const own = Object.fromEntries(service.secrets.map((name) => {
      if (!secrets[name]) throw new Error(`no value for ${name}, a secret of ${service.name}`);
      return [name, secrets[name]];
    }));
    envs[service.name] = { ...common, ...own, PORT: String(ports[service.name]), DATABASE_URL: db(databases[service.name]) };
  }
  envs[GATEWAY.name] = {
    ...common,
    PORT: String(ports[GATEWAY.name]),
    SUBGRAPH_URLS: JSON.stringify(Object.fromEntries(SERVICES.map((service) => [service.name, base(service.name)]))),
  };
  return envs;
}

/**
 * @param {string} url
 * @param {import("node:child_process").ChildProcess} child
 * @param {number} timeoutMs
 */
async function waitReady(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode} before it was ready`);
    if (child.signalCode !== null) throw new Error(`killed by ${child.signalCode} before it was ready`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`not ready at ${url} after ${timeoutMs} ms`);
}

/**
 * Refuses to start on a port something already listens on: its /ready would otherwise be taken for
 * the new process's (a leftover stack from an interrupted run answered for a whole benchmark once).
 * @param {string} port
 */
function assertPortFree(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port: Number(port) });
    socket.once("connect", () => {
      socket.destroy();
      reject(new Error(`port ${port} is already in use (a stack from an earlier run still running? stop it first)`));
    });
    socket.once("error", () => resolve(undefined));
  });
}

/** Suffix of a worker process's name: `executions-worker-1` runs `subgraph work subgraphs/executions`. */
const WORKER = /^([a-z][a-z0-9]*)-worker-[0-9]+$/;

/** @param {string} name @returns {string[]} node arguments of a stack member */
function argsOf(name) {
  if (name === GATEWAY.name) return [GATEWAY_ENTRY];
  const worker = WORKER.exec(name);
  if (worker) return [SUBGRAPH_BIN, "work", path.join(ROOT, "subgraphs", worker[1])];
  if (name === COMBINED) return [SUBGRAPH_BIN, "serve", ...SERVICES.map((service) => path.join(ROOT, "subgraphs", service.name))];
  return [SUBGRAPH_BIN, "serve", path.join(ROOT, "subgraphs", name)];
}

/**
 * Spawns one process and resolves once every port it serves answers /ready; `onSpawn` gets the child
 * at once (a test that must act before the process is ready, e.g. kill it mid-start).
 * @param {string} name  a service, "gateway", or "subgraphs" (all subgraphs in one process)
 * @param {Env} env
 * @param {{ log?: NodeJS.WritableStream | null, timeoutMs?: number, readyPorts?: string[],
 *   onSpawn?: (child: import("node:child_process").ChildProcess) => void }} [options]
 */
async function startProcess(name, env, { log = process.stdout, timeoutMs = 30000, readyPorts = [env.PORT], onSpawn } = {}) {
  for (const port of readyPorts) await assertPortFree(port);
  // OPSC_CPU_PROFILE_DIR (bench --profile): a V8 CPU profile of this process, written when it stops.
  const profile = env.OPSC_CPU_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${env.OPSC_CPU_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, ["--enable-source-maps", ...profile, ...argsOf(name)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    // Own process group: a terminal's Ctrl-C reaches only the launcher, which then stops each
    // child once with SIGTERM (a child seeing SIGINT and SIGTERM would treat it as "force quit").
    detached: true,
  });
  onSpawn?.(child);
  const prefix = `[${name}] `;
  /** @type {string[]} */
  const recent = [];
  /** @param {import("node:stream").Readable | null} stream */
  const pipe = (stream) => {
    let buffered = "";
    stream?.on("data", (chunk) => {
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        if (log) log.write(prefix + line + "\n");
        recent.push(line.slice(0, 400));
        if (recent.length > 5) recent.shift();
      }
    });
  };
  pipe(child.stdout);
  pipe(child.stderr);
  try {
    for (const port of readyPorts) await waitReady(`http://127.0.0.1:${port}/ready`, child, timeoutMs);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${name}: ${/** @type {Error} */ (error).message}\n  last output:\n  ${recent.join("\n  ")}`);
  }
  return { name, child, pid: /** @type {number} */ (child.pid), env };
}

/** @param {{ child: import("node:child_process").ChildProcess }} proc */
function stopProcess(proc, timeoutMs = 10000) {
  const { child } = proc;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.kill("SIGTERM");
  });
}

/**
 * Starts the subgraphs (in parallel, or all in one process with `combined`) then the gateway.
 * @param {Record<string, Env>} envs
 * @param {{ log?: NodeJS.WritableStream | null, timeoutMs?: number, combined?: boolean }} [options]
 */
async function startStack(envs, options = {}) {
  const names = Object.keys(envs).filter((name) => name !== GATEWAY.name);
  /** @type {Record<string, Awaited<ReturnType<typeof startProcess>>>} */
  const procs = {};
  const starts = options.combined
    ? [
        startProcess(
          COMBINED,
          { PATH: process.env.PATH ?? "", OPSC_SERVICE_ENVS: JSON.stringify(Object.fromEntries(names.map((name) => [name, envs[name]]))) },
          { ...options, readyPorts: names.map((name) => envs[name].PORT) },
        ),
      ]
    : names.map((name) => startProcess(name, envs[name], options));
  const started = await Promise.allSettled(starts);
  for (const result of started) if (result.status === "fulfilled") procs[result.value.name] = result.value;
  try {
    const failed = started.find((result) => result.status === "rejected");
    if (failed) throw /** @type {PromiseRejectedResult} */ (failed).reason;
    // Worker processes (service.json `workers`) with their service's environment; no HTTP port to wait for.
    for (const service of SERVICES) {
      if (!envs[service.name]) continue;
      for (let index = 1; index <= service.workers; index++) {
        const name = `${service.name}-worker-${index}`;
        procs[name] = await startProcess(name, envs[service.name], { ...options, readyPorts: [] });
      }
    }
    procs[GATEWAY.name] = await startProcess(GATEWAY.name, envs[GATEWAY.name], options);
  } catch (error) {
    // Stop the ones that did start, so a failed start leaves no process holding a port.
    await Promise.all(Object.values(procs).map((proc) => stopProcess(proc)));
    throw error;
  }
  return {
    procs,
    async stop() {
      if (procs[GATEWAY.name]) await stopProcess(procs[GATEWAY.name]);
      await Promise.all(Object.entries(procs).filter(([name]) => name !== GATEWAY.name).map(([, proc]) => stopProcess(proc)));
    },
  };
}

/**
 * Runs the services' seeds in the registry's seed order with their stack environment; the auth
 * seed takes OPSCONDUCTOR_ADMIN_PASSWORD from `extraEnv` or the process environment.
 * @param {Record<string, Env>} envs
 * @param {{ extraEnv?: Env, stdio?: import("node:child_process").StdioOptions }} [options]
 */
function seedServices(envs, { extraEnv = {}, stdio = "inherit" } = {}) {
  for (const service of seedOrder()) {
    execFileSync(process.execPath, [SUBGRAPH_BIN, "seed", path.join(ROOT, "subgraphs", service.name)], {
      cwd: ROOT,
      env: { ...process.env, ...envs[service.name], ...extraEnv },
      stdio,
    });
  }
}

module.exports = { WORKER, stackEnv, startProcess, stopProcess, startStack, seedServices, ROOT, COMBINED };
