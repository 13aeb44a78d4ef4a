// Starts subgraphs and the gateway as child processes from their built dist/ folders, waits until
// each answers /ready, prefixes their logs, and stops them with SIGTERM. CommonJS so that both the
// .mjs scripts and the Jest end-to-end tests can use it.
"use strict";
const { execFileSync, spawn } = require("node:child_process");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "../..");

/** Environment shared by every process of one stack. */
function stackEnv({ mode, secrets, ports, databases, postgresUrl, extra = {} }) {
  const db = (name) => {
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  const common = {
    NODE_ENV: mode === "test" ? "test" : "development",
    LOG_LEVEL: process.env.LOG_LEVEL ?? (mode === "test" ? "warn" : "info"),
    HOST: "127.0.0.1",
    SERVICE_TOKEN: secrets.SERVICE_TOKEN,
    RABBITMQ_URL: process.env.RABBITMQ_URL ?? "amqp://guest:guest@127.0.0.1:5672",
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    EVENTS_EXCHANGE: extra.EVENTS_EXCHANGE ?? "opsconductor.events",
    AUTH_URL: `http://127.0.0.1:${ports.auth}`,
    USERS_URL: `http://127.0.0.1:${ports.users}`,
    TARGETS_URL: `http://127.0.0.1:${ports.targets}`,
    ...extra,
  };
  return {
    auth: { ...common, PORT: String(ports.auth), DATABASE_URL: db(databases.auth), AUTH_SECRETS_KEY: secrets.AUTH_SECRETS_KEY },
    users: { ...common, PORT: String(ports.users), DATABASE_URL: db(databases.users) },
    targets: { ...common, PORT: String(ports.targets), DATABASE_URL: db(databases.targets) },
    gateway: { ...common, PORT: String(ports.gateway) },
  };
}

function entryOf(name) {
  return name === "gateway" ? path.join(ROOT, "gateway/dist/index.js") : path.join(ROOT, "subgraphs", name, "dist/index.js");
}

async function waitReady(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode} before it was ready`);
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

/** Spawns one process and resolves once /ready answers 200. */
async function startProcess(name, env, { log = process.stdout, timeoutMs = 30000 } = {}) {
  const child = spawn(process.execPath, ["--enable-source-maps", entryOf(name)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    // Own process group: a terminal's Ctrl-C reaches only the launcher, which then stops each
    // child once with SIGTERM (a child seeing SIGINT and SIGTERM would treat it as "force quit").
    detached: true,
  });
  const prefix = `[${name}] `;
  const recent = [];
  const pipe = (stream) => {
    let buffered = "";
    stream.on("data", (chunk) => {
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
    await waitReady(`http://127.0.0.1:${env.PORT}/ready`, child, timeoutMs);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${name}: ${error.message}\n  last output:\n  ${recent.join("\n  ")}`);
  }
  return { name, child, pid: child.pid, env };
}

function stopProcess(proc, timeoutMs = 10000) {
  const { child } = proc;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Starts the subgraphs (in parallel) then the gateway; returns handles and stop(). */
async function startStack(envs, options = {}) {
  const names = Object.keys(envs).filter((name) => name !== "gateway");
  const procs = {};
  const started = await Promise.allSettled(names.map((name) => startProcess(name, envs[name], options)));
  for (const result of started) if (result.status === "fulfilled") procs[result.value.name] = result.value;
  try {
    const failed = started.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    procs.gateway = await startProcess("gateway", envs.gateway, options);
  } catch (error) {
    // Stop the ones that did start, so a failed start leaves no process holding a port.
    await Promise.all(Object.values(procs).map((proc) => stopProcess(proc)));
    throw error;
  }
  return {
    procs,
    async stop() {
      await stopProcess(procs.gateway);
      await Promise.all(names.map((name) => procs[name] && stopProcess(procs[name])));
    },
  };
}

/**
 * Runs services' own seed scripts (dist/seed.js) in order with their stack environment; the auth
 * seed takes OPSCONDUCTOR_ADMIN_PASSWORD from `extraEnv` or the process environment.
 */
function seedServices(envs, names, { extraEnv = {}, stdio = "inherit" } = {}) {
  for (const name of names) {
    execFileSync(process.execPath, [path.join(ROOT, "subgraphs", name, "dist", "seed.js")], {
      cwd: ROOT,
      env: { ...process.env, ...envs[name], ...extraEnv },
      stdio,
    });
  }
}

module.exports = { stackEnv, startProcess, stopProcess, startStack, seedServices, ROOT };
