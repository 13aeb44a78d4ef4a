#!/usr/bin/env node
// `npm run bench:fanout`: `uname -a` on N SSH targets (default 200), each served by its own real sshd
// process on 127.0.0.1, run once through our gateway (runJob, then polling run until it is final) and
// once with Debian's `ansible all -i <inventory> -m command -a 'uname -a' -f 50` on the same targets
// with the same key; prints both wall times and the ratio (target: ours ≤ 0.2× Ansible's). The job
// is created through the gateway (createJob) like a user would; the whole stack is real, on bench ports.
// Options: --targets <n> (default 200), --forks <n> (Ansible -f, default 50), --port-offset <n> (added
// to the bench ports), --profile <dir> (a V8 CPU profile of every stack process, written into <dir> when the
// stack stops; the process ids are printed to tell them apart). Bounded: everything it starts is stopped at the end, and it gives up 15 minutes
// after the stack started. It also prints where our run's time went: each target's phases from the
// executions database, the CPU time of every process involved, and the bench databases' wait events.
import { execFile } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { benchArg, cpuSeconds as cpuOf, prepareBenchStack } from "./lib/bench-stack.mjs";

const require = createRequire(import.meta.url);
const N = benchArg("targets", 200);
const FORKS = benchArg("forks", 50);
const profileIndex = process.argv.indexOf("--profile");
const profileDir = profileIndex > 0 ? path.resolve(process.argv[profileIndex + 1]) : undefined;
const ANSIBLE = "/usr/bin/ansible";
if (!fs.existsSync(ANSIBLE)) {
  console.error(`${ANSIBLE} is missing: apt-get install -y ansible`);
  process.exit(1);
}

let deadline;
let stack;
let sshd;
let ansibleChild;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "opsc-fanout-"));
async function cleanup() {
  ansibleChild?.kill("SIGTERM");
  await stack?.stop().catch(() => undefined);
  await sshd?.stop().catch(() => undefined);
  fs.rmSync(workDir, { recursive: true, force: true, maxRetries: 3 });
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => void cleanup().then(() => process.exit(130)));

try {
  const bench = await prepareBenchStack({ name: "fanout", portOffset: benchArg("port-offset", 0), extra: profileDir ? { OPSC_CPU_PROFILE_DIR: profileDir } : {} });
  // Each process gets 2 minutes to be ready: other work on a shared machine made 30 s too short.
  const started = await bench.start({ timeoutMs: 120_000 });
  stack = { ...bench, procs: started.procs, stop: () => started.stop() };
  if (profileDir) console.log(`CPU profiles into ${profileDir}: ${Object.entries(stack.procs).map(([name, proc]) => `${name} ${proc.pid}`).join(", ")}`);
  // From here (the build and the stack's start are not counted: on a loaded machine they alone took minutes).
  deadline = setTimeout(() => {
    console.error("bench:fanout gave up after 15 minutes");
    void cleanup().then(() => process.exit(1));
  }, 15 * 60_000);
  // Loaded after the stack's build.
  const testing = require("../packages/kit/dist/testing/index.js");
  process.stdout.write(`starting ${N} sshd processes on 127.0.0.1 … `);
  sshd = await testing.startSshd({ count: N });
  console.log("done");
  const gateway = stack.url();
  const { accessToken: token } = await testing.login(gateway, "admin", stack.password);
  const call = async (query, variables = {}, tries = 1) => {
    for (let attempt = 1; ; attempt++) {
      const result = await testing.graphql(gateway, query, variables, { token });
      if (!result.errors?.length) return result.data;
      if (attempt >= tries || result.errors[0]?.extensions?.code !== "INTERNAL_SERVER_ERROR") throw new Error(JSON.stringify(result.errors));
      await new Promise((resolve) => setTimeout(resolve, 1_000 * attempt));
    }
  };
  // Set-up is not measured: on a machine loaded by other work a method's transaction can time out; try again.
  const SETUP_TRIES = 3;

  // The same targets for both: key authentication with the fixture's ed25519 key.
  const key = sshd.keys.ed25519;
  const { createCredential } = await call("mutation($input: CreateCredentialInput!) { createCredential(input: $input) { id } }", {
    input: { name: "fanout-key", type: "SSH_KEY", username: sshd.user, privateKey: key.privateKey },
  });
  const targetIds = [];
  for (let start = 0; start < N; start += 20) {
    const batch = sshd.servers.slice(start, start + 20).map(async (server, offset) => {
      const index = start + offset;
      const { createTarget } = await call(
        "mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }",
        { input: { name: `fanout-${String(index).padStart(4, "0")}`, address: "127.0.0.1", port: server.port } },
        SETUP_TRIES,
      );
      await call(
        "mutation($t: ID!, $input: ConnectionMethodInput!) { addConnectionMethod(targetId: $t, input: $input) { id } }",
        { t: createTarget.id, input: { type: "SSH", port: server.port, credentialId: createCredential.id } },
        SETUP_TRIES,
      );
      return createTarget.id;
    });
    targetIds.push(...(await Promise.all(batch)));
  }
  const { createJob } = await call("mutation($input: CreateJobInput!) { createJob(input: $input) { id } }", {
    input: {
      name: "fanout-uname",
      steps: [{ name: "uname", type: "COMMAND", content: "uname -a", timeoutSeconds: 120 }],
      targets: { targetIds },
      options: { maxParallel: N, targetTimeoutSeconds: 300 },
    },
  });
  const jobId = createJob.id;

  const FINAL = ["SUCCEEDED", "FAILED", "PARTIAL", "CANCELLED", "TIMED_OUT"];
  const runOnce = async () => {
    const began = performance.now();
    const { runJob } = await call("mutation($jobId: ID!) { runJob(jobId: $jobId) { id } }", { jobId });
    for (;;) {
      const { run } = await call("query($id: ID!) { run(id: $id) { status durationMs counts { succeeded failed } } }", { id: runJob.id });
      if (FINAL.includes(run.status)) return { ms: performance.now() - began, run };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  // One warm-up run (first connections, JIT), then the measured one, with the bench databases' wait
  // events sampled and the CPU time of every process involved taken while it runs.
  await runOnce();
  const pg = require("pg");
  const db = new pg.Client({ connectionString: stack.databaseUrl("executions") });
  await db.connect();
  const waits = new Map();
  let sampling = true;
  const sampler = (async () => {
    const monitor = new pg.Client({ connectionString: stack.databaseUrl("executions") });
    await monitor.connect();
    while (sampling) {
      const { rows } = await monitor.query(
        `SELECT replace(datname, 'opsc_fanout_', '') || ' ' || coalesce(wait_event_type || ':' || wait_event, 'CPU') AS w FROM pg_stat_activity
          WHERE datname LIKE 'opsc_fanout_%' AND state = 'active' AND pid <> pg_backend_pid()`,
      );
      for (const { w } of rows) waits.set(w, (waits.get(w) ?? 0) + 1);
      waits.set("(samples)", (waits.get("(samples)") ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await monitor.end();
  })();
  const cpuBefore = await cpuSnapshot(db);
  const ours = await runOnce();
  const cpuAfter = await cpuSnapshot(db);
  sampling = false;
  await sampler;
  const breakdown = await fanoutBreakdown(db);
  await db.end();

  const keyFile = path.join(workDir, "id_ed25519");
  fs.writeFileSync(keyFile, key.privateKey, { mode: 0o600 });
  const inventory = path.join(workDir, "inventory.ini");
  fs.writeFileSync(
    inventory,
    ["[targets]", ...sshd.servers.map((server, index) => `t${index} ansible_host=127.0.0.1 ansible_port=${server.port}`), "", "[targets:vars]",
      `ansible_user=${sshd.user}`, `ansible_ssh_private_key_file=${keyFile}`, "ansible_python_interpreter=/usr/bin/python3", ""].join("\n"),
  );
  const ansible = () =>
    new Promise((resolve, reject) => {
      const began = performance.now();
      ansibleChild = execFile(
        ANSIBLE,
        ["all", "-i", inventory, "-m", "command", "-a", "uname -a", "-f", String(FORKS)],
        {
          env: { PATH: process.env.PATH, HOME: workDir, ANSIBLE_HOST_KEY_CHECKING: "False", ANSIBLE_LOCAL_TEMP: path.join(workDir, "tmp"), ANSIBLE_SSH_CONTROL_PATH_DIR: path.join(workDir, "cp") },
          maxBuffer: 64 * 1024 * 1024,
          timeout: 10 * 60_000,
        },
        (error, stdout) => {
          const ok = (stdout.match(/\| CHANGED \|/g) ?? []).length;
          if (error && ok === 0) return reject(new Error(`ansible failed: ${error.message}\n${stdout.slice(-2000)}`));
          resolve({ ms: performance.now() - began, ok });
        },
      );
    });
  const theirs = await ansible();

  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`
bench:fanout — uname -a on ${N} SSH targets (real sshd processes on 127.0.0.1), ${os.cpus().length} CPUs
  OpsConductor (gateway runJob → run final):   ${s(ours.ms)}   (run's own duration ${s(ours.run.durationMs ?? 0)}; ${ours.run.counts.succeeded} succeeded, ${ours.run.counts.failed} failed)
  Ansible (-m command -f ${FORKS}):                ${s(theirs.ms)}   (${theirs.ok} changed)
  ratio ours / ansible:                         ${(ours.ms / theirs.ms).toFixed(3)}   (target ≤ 0.2)

Where our run's time went (per target, from the executions database; ms, p50 / p90 / max):
${breakdown}
  CPU time spent during the measured run, by process (s; from /proc, so other helpers' load does not count):
    ${cpuReport(cpuBefore, cpuAfter)}
  bench databases, active sessions by database and wait event (sampled every 20 ms during the measured run):
    ${[...waits].sort((a, b) => b[1] - a[1]).map(([w, n]) => `${w} ${n}`).join(", ")}
`);
} finally {
  clearTimeout(deadline);
  await cleanup();
}
process.exit(0);

/** CPU seconds (user + system, with waited-for children: sshd's per-connection processes) of a pid, or undefined. */
/** CPU seconds so far of the stack's processes, the sshd servers and the bench databases' Postgres backends. */
async function cpuSnapshot(db) {
  const groups = {};
  const add = (group, pid) => {
    const cpu = cpuOf(pid);
    if (cpu !== undefined) (groups[group] ??= {})[pid] = cpu;
  };
  for (const [name, proc] of Object.entries(stack.procs)) add(name.replace(/-worker-\d+$/, "-worker"), proc.pid);
  for (const server of sshd.servers) add("sshd (200 servers, their sessions)", server.process.pid);
  const { rows } = await db.query("SELECT pid, datname FROM pg_stat_activity WHERE datname LIKE 'opsc_fanout_%'");
  for (const row of rows) add(`postgres ${row.datname.replace("opsc_fanout_", "")}`, row.pid);
  return groups;
}

function cpuReport(before, after) {
  const totals = Object.entries(after).map(([group, pids]) => [
    group,
    // A backend that appeared during the run counts from zero.
    Object.entries(pids).reduce((sum, [pid, cpu]) => sum + cpu - (before[group]?.[pid] ?? 0), 0),
  ]);
  const all = totals.reduce((sum, [, cpu]) => sum + cpu, 0);
  return [...totals.filter(([, cpu]) => cpu >= 0.01).sort((a, b) => b[1] - a[1]).map(([group, cpu]) => `${group} ${cpu.toFixed(2)}`), `total ${all.toFixed(2)}`].join(", ");
}

/**
 * The measured run's phases per target, from its own timestamps: run created → queued (dispatch),
 * queued → claimed (BullMQ pick-up and the claim), claimed → step started (connection bundle, SSH
 * connect), the step itself, step ended → target finished (the finish transition); and how many
 * targets were between claim and finish at once.
 */
async function fanoutBreakdown(db) {
  const { rows } = await db.query(`
    SELECT extract(epoch FROM t.queued_at - r.created_at) * 1000 AS dispatch,
           extract(epoch FROM t.started_at - t.queued_at) * 1000 AS claim,
           extract(epoch FROM s.started_at - t.started_at) * 1000 AS connect,
           extract(epoch FROM s.finished_at - s.started_at) * 1000 AS step,
           extract(epoch FROM t.finished_at - s.finished_at) * 1000 AS finish,
           extract(epoch FROM t.started_at - r.created_at) * 1000 AS claimed_at,
           extract(epoch FROM t.finished_at - r.created_at) * 1000 AS finished_at,
           extract(epoch FROM r.finished_at - r.created_at) * 1000 AS run_total
      FROM runs r JOIN run_targets t ON t.run_id = r.id JOIN step_results s ON s.run_target_id = t.id
     WHERE r.id = (SELECT id FROM runs ORDER BY created_at DESC LIMIT 1)`);
  const pick = (name) => rows.map((row) => Number(row[name])).sort((a, b) => a - b);
  const q = (values, p) => values[Math.min(values.length - 1, Math.floor(p * values.length))] ?? NaN;
  const line = (label, name) => {
    const values = pick(name);
    return `    ${label.padEnd(44)} ${[q(values, 0.5), q(values, 0.9), values.at(-1)].map((v) => v.toFixed(0).padStart(6)).join(" /")}`;
  };
  const events = rows.flatMap((row) => [[Number(row.claimed_at), 1], [Number(row.finished_at), -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, delta] of events) most = Math.max(most, (open += delta));
  return [
    line("run created → target queued", "dispatch"),
    line("queued → claimed (BullMQ pick-up + claim)", "claim"),
    line("claimed → step started (bundle + SSH connect)", "connect"),
    line("step (exec uname -a)", "step"),
    line("step ended → target finished (finish tx)", "finish"),
    line("run created → target claimed", "claimed_at"),
    line("run created → target finished", "finished_at"),
    `    run created → run finished: ${Number(rows[0]?.run_total ?? NaN).toFixed(0)} ms; targets in flight at once, at most: ${most}`,
  ].join("\n");
}
