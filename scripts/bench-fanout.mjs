#!/usr/bin/env node
// `npm run bench:fanout`: `uname -a` on N SSH targets (default 200), each served by its own real sshd
// process on 127.0.0.1, run once through our gateway (runJob, then polling run until it is final) and
// once with Debian's `ansible all -i <inventory> -m command -a 'uname -a' -f 50` on the same targets
// with the same key; prints both wall times and the ratio (target: ours ≤ 0.2× Ansible's). The job
// is created through the gateway (createJob) like a user would; the whole stack is real, on bench ports.
// Options: --targets <n> (default 200), --forks <n> (Ansible -f, default 50), --port-offset <n> (added
// to the bench ports). Bounded: everything it starts is stopped at the end, and the whole benchmark
// gives up after 15 minutes.
import { execFile } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { benchArg, startBenchStack } from "./lib/bench-stack.mjs";

const require = createRequire(import.meta.url);
const N = benchArg("targets", 200);
const FORKS = benchArg("forks", 50);
const ANSIBLE = "/usr/bin/ansible";
if (!fs.existsSync(ANSIBLE)) {
  console.error(`${ANSIBLE} is missing: apt-get install -y ansible`);
  process.exit(1);
}

const deadline = setTimeout(() => {
  console.error("bench:fanout gave up after 15 minutes");
  void cleanup().then(() => process.exit(1));
}, 15 * 60_000);

let stack;
let sshd;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "opsc-fanout-"));
async function cleanup() {
  await stack?.stop().catch(() => undefined);
  await sshd?.stop().catch(() => undefined);
  fs.rmSync(workDir, { recursive: true, force: true });
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => void cleanup().then(() => process.exit(130)));

try {
  stack = await startBenchStack({ name: "fanout", portOffset: benchArg("port-offset", 0) });
  // Loaded after the stack's build.
  const testing = require("../packages/kit/dist/testing/index.js");
  process.stdout.write(`starting ${N} sshd processes on 127.0.0.1 … `);
  sshd = await testing.startSshd({ count: N });
  console.log("done");
  const gateway = stack.url();
  const { accessToken: token } = await testing.login(gateway, "admin", stack.password);
  const call = async (query, variables = {}) => {
    const result = await testing.graphql(gateway, query, variables, { token });
    if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
    return result.data;
  };

  // The same targets for both: key authentication with the fixture's ed25519 key.
  const key = sshd.keys.ed25519;
  const { createCredential } = await call("mutation($input: CreateCredentialInput!) { createCredential(input: $input) { id } }", {
    input: { name: "fanout-key", type: "SSH_KEY", username: sshd.user, privateKey: key.privateKey },
  });
  const targetIds = [];
  for (let start = 0; start < N; start += 20) {
    const batch = sshd.servers.slice(start, start + 20).map(async (server, offset) => {
      const index = start + offset;
      const { createTarget } = await call("mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }", {
        input: { name: `fanout-${String(index).padStart(4, "0")}`, address: "127.0.0.1", port: server.port },
      });
      await call("mutation($t: ID!, $input: ConnectionMethodInput!) { addConnectionMethod(targetId: $t, input: $input) { id } }", {
        t: createTarget.id,
        input: { type: "SSH", port: server.port, credentialId: createCredential.id },
      });
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
  // One warm-up run (first connections, JIT), then the measured one.
  await runOnce();
  const ours = await runOnce();

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
      execFile(
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
`);
} finally {
  clearTimeout(deadline);
  await cleanup();
}
process.exit(0);
