#!/usr/bin/env node
// `npm run bench:discovery`: a TCP connect scan of 127.0.0.0/24 × nmap's top-100 ports with a few dozen
// listeners the bench starts on 127.0.0.x (HTTP servers on web ports, greeters on SSH/SMTP/FTP ports,
// silent ones elsewhere), once through our gateway as a user does it (startScan, then following the
// scan over the scanUpdated subscription until it is final: the discovery worker scans, probes
// services and writes the results) and once with Debian's `nmap -sT -T4 -Pn -n` on the same addresses
// and ports, alternately for --rounds rounds
// (default 5). Prints both wall times per round, the medians, the median of the per-round ratios, and
// whether the sets of open ports are identical in every round. Loopback only.
// Options: --rounds <n>, --listeners <n> (default 40), --port-offset <n> (added to the bench ports).
import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import { benchArg, prepareBenchStack } from "./lib/bench-stack.mjs";

const require = createRequire(import.meta.url);
const ROUNDS = benchArg("rounds", 5);
const LISTENERS = benchArg("listeners", 40);
const NMAP = "/usr/bin/nmap";
if (!fs.existsSync(NMAP)) {
  console.error(`${NMAP} is missing: apt-get install -y nmap`);
  process.exit(1);
}

const deadline = setTimeout(() => {
  console.error("bench:discovery gave up after 15 minutes");
  void cleanup().then(() => process.exit(1));
}, 15 * 60_000);

// The shared set-up (checks, fresh databases, build, envs, Redis prefix, seed); the stack starts below.
const bench = await prepareBenchStack({ name: "discobench", portOffset: benchArg("port-offset", 0) });
const testing = require("../packages/kit/dist/testing/index.js");
const { TOP_TCP_PORTS } = require("../subgraphs/discovery/dist/scan/top-ports.js");
const TOP_100 = TOP_TCP_PORTS.slice(0, 100);
const { createClient } = require("graphql-ws");
const WebSocket = require("ws");

let stack;
let closeLive = async () => {};
const servers = [];
async function cleanup() {
  await closeLive();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(() => resolve()))));
  await stack?.stop().catch(() => undefined);
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => void cleanup().then(() => process.exit(130)));

const WEB = new Set([80, 443, 8080, 8000, 8008, 8888, 8443, 81, 9090, 3000, 5000]);
const GREETINGS = {
  22: "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n",
  21: "220 (vsFTPd 3.0.3)\r\n",
  25: "220 mail.bench.test ESMTP Postfix (Debian/GNU)\r\n",
  587: "220 mail.bench.test ESMTP Postfix\r\n",
  110: "+OK Dovecot ready.\r\n",
  143: "* OK [CAPABILITY IMAP4rev1] Dovecot ready.\r\n",
};

/** A listener of the kind its port suggests: web server, greeter, or a silent service. */
function listener(port) {
  if (WEB.has(port)) return http.createServer((_req, res) => res.writeHead(200, { "content-type": "text/html", server: "bench/1.0" }).end("<html><head><title>bench</title></head></html>"));
  return net.createServer((socket) => {
    socket.on("error", () => {});
    if (GREETINGS[port]) socket.write(GREETINGS[port]);
    setTimeout(() => socket.destroy(), 5_000).unref();
  });
}

/** Listeners on 127.0.0.2-254 (127.0.0.1 belongs to the machine's own services), on top-100 ports. */
async function startListeners(count) {
  const expected = [];
  for (let index = 0; expected.length < count; index++) {
    const address = `127.0.0.${2 + ((index * 37) % 253)}`;
    const port = TOP_100[(index * 7) % TOP_100.length];
    const server = listener(port);
    const ok = await new Promise((resolve) => {
      server.once("error", () => resolve(false));
      server.listen(port, address, () => resolve(true));
    });
    if (ok) {
      servers.push(server);
      expected.push(`${address}:${port}`);
    }
  }
  return expected.sort();
}

try {
  process.stdout.write(`starting ${LISTENERS} listeners on 127.0.0.x … `);
  const expected = await startListeners(LISTENERS);
  console.log("done");
  // A loaded machine (other work sharing the 2 CPUs) can take a while to bring ten services up.
  stack = await bench.start({ timeoutMs: 120_000 });
  const gateway = bench.url();
  const { accessToken: token } = await testing.login(gateway, "admin", bench.password);
  const live = createClient({ url: gateway.replace(/^http/, "ws"), webSocketImpl: WebSocket, lazy: false, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` } });
  closeLive = () => live.dispose();
  const call = async (query, variables = {}) => {
    const result = await testing.graphql(gateway, query, variables, { token });
    if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
    return result.data;
  };

  const ours = async () => {
    const began = performance.now();
    const { startScan } = await call(`mutation($input: StartScanInput!) { startScan(input: $input) { id } }`, {
      input: { name: `bench-${Date.now()}`, ranges: ["127.0.0.0/24"], ports: "top-100", hostDiscovery: "NONE" },
    });
    // The end as a user's console learns it: the scanUpdated event that carries the final status. The
    // subscription starts once the id is known, so a scan could end before it is in place: a slow poll
    // covers that (polling fast instead would cost the gateway, the subgraph and the database CPU the scan shares).
    const final = (scan) => scan && !["QUEUED", "RUNNING"].includes(scan.status);
    await new Promise((resolve, reject) => {
      let ended = false;
      const end = (error) => {
        if (ended) return;
        ended = true;
        clearInterval(poll);
        unsubscribe();
        if (error) reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
        else resolve();
      };
      const unsubscribe = live.subscribe(
        { query: `subscription($id: ID!) { scanUpdated(scanId: $id) { status } }`, variables: { id: startScan.id } },
        { next: (result) => (result.errors ? end(result.errors) : final(result.data?.scanUpdated) && end()), error: end, complete: () => {} },
      );
      const poll = setInterval(() => void call(`query($id: ID!) { scan(id: $id) { status } }`, { id: startScan.id }).then(({ scan }) => final(scan) && end(), end), 1_000);
    });
    const ms = performance.now() - began;
    const { scan } = await call(`query($id: ID!) { scan(id: $id) { status startedAt finishedAt progress { hostsDone portsProbed openPorts } } }`, { id: startScan.id });
    const open = [];
    for (let offset = 0; ; offset += 100) {
      const { discoveredHosts } = await call(
        `query($id: ID!, $offset: Int!) { discoveredHosts(scanId: $id, pagination: { limit: 100, offset: $offset }) { total items { address ports { port } } } }`,
        { id: startScan.id, offset },
      );
      for (const host of discoveredHosts.items) for (const { port } of host.ports) open.push(`${host.address}:${port}`);
      if (offset + 100 >= discoveredHosts.total) break;
    }
    return { ms, scan, open: open.sort(), engineMs: new Date(scan.finishedAt) - new Date(scan.startedAt) };
  };

  const nmap = () =>
    new Promise((resolve, reject) => {
      const began = performance.now();
      // The same addresses as ours: a /24 without its network and broadcast addresses.
      execFile(NMAP, ["-sT", "-T4", "-Pn", "-n", "-p", TOP_100.join(","), "-oG", "-", "127.0.0.1-254"], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
        if (error) return reject(error);
        const ms = performance.now() - began;
        const open = [];
        for (const line of stdout.split("\n")) {
          const match = /^Host: (\S+) .*Ports: (.*)$/.exec(line);
          if (!match) continue;
          for (const entry of match[2].split(",")) {
            const [port, state] = entry.trim().split("/");
            if (state === "open") open.push(`${match[1]}:${port}`);
          }
        }
        resolve({ ms, open: open.sort() });
      });
    });

  // One warm-up of each (first connections, JIT, nmap's data files in the page cache), then alternating rounds.
  await ours();
  await nmap();
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    const a = await ours();
    const b = await nmap();
    const same = a.open.length === b.open.length && a.open.every((entry, index) => entry === b.open[index]);
    const missing = expected.filter((entry) => !a.open.includes(entry));
    rounds.push({ a, b, same, missing });
    console.log(
      `  round ${round + 1}: ours ${(a.ms / 1000).toFixed(3)} s (worker ${(a.engineMs / 1000).toFixed(3)} s, ${a.open.length} open)   nmap ${(b.ms / 1000).toFixed(3)} s (${b.open.length} open)   ratio ${(a.ms / b.ms).toFixed(2)}   identical: ${same}${missing.length ? `   ours missed ${missing.join(" ")}` : ""}`,
    );
    if (!same) console.log(`    only ours: ${a.open.filter((entry) => !b.open.includes(entry)).join(" ") || "-"}   only nmap: ${b.open.filter((entry) => !a.open.includes(entry)).join(" ") || "-"}`);
  }
  const median = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
  const s = (ms) => `${(ms / 1000).toFixed(3)} s`;
  console.log(`
bench:discovery — 127.0.0.0/24 × top-100 TCP ports (25,400 connects), ${expected.length} listeners, ${os.cpus().length} CPUs, ${ROUNDS} rounds
  OpsConductor (gateway startScan → scan final, with service probes): median ${s(median(rounds.map((r) => r.a.ms)))}
  nmap -sT -T4 -Pn -n:                                                 median ${s(median(rounds.map((r) => r.b.ms)))}
  ratio ours / nmap (median of rounds):                                ${median(rounds.map((r) => r.a.ms / r.b.ms)).toFixed(2)}   (goal ≤ 1.0)
  open-port sets identical in every round:                             ${rounds.every((r) => r.same)}
`);
} finally {
  clearTimeout(deadline);
  await cleanup();
}
process.exit(0);
