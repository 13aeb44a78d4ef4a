import { readFileSync } from "node:fs";
import { Resolver } from "node:dns/promises";
import { walkAddresses, type ScanTargets } from "../scan/ranges";
import { classify, type Classification } from "./classify";
import { Connector, RateLimiter, RttEstimator, type PortState } from "./connect";
import { probeService, type ServiceInfo } from "./probes";
import { snmpSystem, type SnmpSystem } from "./snmp";

export interface ScanPlan {
  targets: ScanTargets;
  ports: readonly number[];
  hostDiscovery: "TCP_PING" | "NONE";
  /** Upper limit of one connect's wait (the adaptive timeout never exceeds it). */
  timeoutMs: number;
  concurrency: number;
  rateLimit: number | null;
  bannerWaitMs: number;
  /** Device type keys of the targets registry. */
  deviceTypes: ReadonlySet<string>;
  /** SNMP v2c probing of every host that answered (the community is in memory only). */
  snmp?: { community: string; port: number } | null;
}

export interface OpenPort extends ServiceInfo {
  port: number;
  rttMs: number | null;
}

export interface HostResult {
  address: string;
  hostname: string | null;
  ports: OpenPort[];
  /** The SNMP agent's answer, when the scan probed SNMP and it answered. */
  snmp: SnmpSystem | null;
  classification: Classification;
}

/** Where the engine reports as it goes (the result writer batches these into the database). */
export interface ScanSink {
  /** A host is finished: up (answered at all) or not; its result when it had an open port. */
  hostDone(up: boolean, result: HostResult | null): void;
  /** Connects made (each port once, retries included). */
  probed(count: number): void;
}

/** nmap -T4's RTT timeouts: start at 500 ms, never below 100 ms. */
const INITIAL_RTT_TIMEOUT_MS = 500;
const MIN_RTT_TIMEOUT_MS = 100;
/** Ports a TCP ping knocks on (nmap's unprivileged default: 80 and 443). */
const PING_PORTS = [80, 443];
/** Service probes in flight at once per scan (each opens a few connections). */
const SERVICE_PROBE_CONCURRENCY = 64;

/** A counting semaphore. */
class Slots {
  private waiting: Array<() => void> = [];
  constructor(private free: number) {}
  async take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/** Names from /etc/hosts (read once per scan), for loopback and as a first answer for any address. */
function hostsFile(): Map<string, string> {
  const names = new Map<string, string>();
  try {
    for (const line of readFileSync("/etc/hosts", "utf8").split("\n")) {
      const [address, name] = line.replace(/#.*/, "").trim().split(/\s+/);
      if (address && name && !names.has(address)) names.set(address, name);
    }
  } catch {
    // No hosts file: DNS only.
  }
  return names;
}

/**
 * Reverse DNS with a short limit. Loopback addresses are answered from the hosts file only: their
 * PTR zone is local by definition (RFC 6761), so no query leaves the machine for them.
 */
function reverseDns(): (address: string) => Promise<string | null> {
  const hosts = hostsFile();
  const resolver = new Resolver({ timeout: 1_000, tries: 1 });
  return async (address) => {
    const known = hosts.get(address);
    if (known) return known;
    if (address.startsWith("127.") || address === "::1") return null;
    try {
      const [name] = await resolver.reverse(address);
      return name ?? null;
    } catch {
      return null;
    }
  };
}

interface HostState {
  address: string;
  next: number;
  pending: number;
  up: boolean;
  open: Array<{ port: number; rttMs: number | null }>;
}

/**
 * One scan: asynchronous TCP connects (no raw sockets), at most `concurrency` in flight, each
 * waiting the RTT-adaptive timeout (retried once at the full limit when it ran out early); optional
 * TCP-ping host discovery; then, per host with open ports, service probes, reverse DNS and a
 * classification, reported to the sink as each host finishes. The connect loop is callback-driven
 * (a completion starts the next connect), so its cost per port stays near the system call's.
 * Resolves when done, or at once when aborted (connects in flight are closed).
 */
export async function runScan(plan: ScanPlan, sink: ScanSink, signal: AbortSignal): Promise<void> {
  const rtt = new RttEstimator(Math.min(INITIAL_RTT_TIMEOUT_MS, plan.timeoutMs), Math.min(MIN_RTT_TIMEOUT_MS, plan.timeoutMs), plan.timeoutMs);
  const limiter = new RateLimiter(plan.rateLimit);
  const connector = new Connector();
  const addresses = walkAddresses(plan.targets);
  const lookup = reverseDns();
  const serviceSlots = new Slots(SERVICE_PROBE_CONCURRENCY);
  const finishing = new Set<Promise<void>>();
  /** Hosts whose ports are being handed out (the front of the walk). */
  const ready: HostState[] = [];
  let exhausted = false;
  let waitingForToken = false;
  let probedSinceReport = 0;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => (resolveDone = resolve));

  /** Service probes wait a few timeouts of this network, within the scan's limit and the banner wait. */
  const serviceWaits = () => {
    const base = rtt.timeoutMs() * 4;
    // A greeting gets a longer floor than a handshake: sshd re-executes itself per connection, slow on a busy host.
    return { bannerWaitMs: Math.min(plan.bannerWaitMs, Math.max(500, base)), timeoutMs: Math.min(Math.max(plan.timeoutMs, 300), Math.max(300, base)) };
  };

  const finishHost = (host: HostState) => {
    const snmp = plan.snmp && host.up ? plan.snmp : null;
    if (!host.open.length && !snmp) {
      sink.hostDone(host.up, null);
      return;
    }
    const waits = serviceWaits();
    const work = (async () => {
      const [ports, system] = await Promise.all([
        Promise.all(
          host.open
            .sort((a, b) => a.port - b.port)
            .map(async ({ port, rttMs }): Promise<OpenPort> => {
              await serviceSlots.take();
              try {
                return { port, rttMs, ...(await probeService(host.address, port, waits)) };
              } finally {
                serviceSlots.give();
              }
            }),
        ),
        snmp ? snmpSystem(host.address, { ...snmp, timeoutMs: waits.timeoutMs }) : null,
      ]);
      if (signal.aborted) return;
      if (!ports.length && !system) {
        sink.hostDone(host.up, null);
        return;
      }
      const hostname = await lookup(host.address);
      // The SNMP answer is a clue as a port's banner is (UDP: it is not listed among the open TCP ports).
      const clues = system && snmp ? [...ports, { port: snmp.port, service: "snmp", banner: system.sysDescr, httpServer: null }] : ports;
      sink.hostDone(true, { address: host.address, hostname, ports, snmp: system, classification: classify(clues, plan.deviceTypes) });
    })();
    finishing.add(work);
    void work.finally(() => finishing.delete(work));
  };

  /** A connect with one retry at the full limit when the adaptive timeout ran out; `then` gets the final state. */
  const connect = (address: string, port: number, then: (state: PortState, rttMs: number | null) => void) => {
    const timeout = rtt.timeoutMs();
    connector.probe(address, port, timeout, (state, rttMs) => {
      probedSinceReport++;
      if (rttMs !== null) rtt.sample(rttMs);
      if (state === "filtered" && timeout < plan.timeoutMs && !signal.aborted) {
        connector.probe(address, port, plan.timeoutMs, (again, againRtt) => {
          probedSinceReport++;
          if (againRtt !== null) rtt.sample(againRtt);
          then(again, againRtt);
          pump();
        });
        return;
      }
      then(state, rttMs);
      pump();
    });
  };

  const portDone = (host: HostState, port: number) => (state: PortState, rttMs: number | null) => {
    host.pending--;
    if (state !== "filtered") host.up = true;
    if (state === "open") host.open.push({ port, rttMs });
    if (host.next >= plan.ports.length && host.pending === 0) {
      ready.splice(ready.indexOf(host), 1);
      finishHost(host);
    }
  };

  let pinging = 0;
  const ping = (address: string) => {
    pinging++;
    let answered = 0;
    let up = false;
    for (const port of PING_PORTS) {
      connect(address, port, (state) => {
        if (state !== "filtered") up = true;
        if (++answered < PING_PORTS.length) return;
        pinging--;
        if (up) ready.push({ address, next: 0, pending: 0, up: true, open: [] });
        else sink.hostDone(false, null);
      });
    }
  };

  /** Starts connects until `concurrency` are in flight or nothing is left to start now. */
  function pump(): void {
    if (signal.aborted) return;
    if (probedSinceReport) {
      sink.probed(probedSinceReport);
      probedSinceReport = 0;
    }
    while (connector.size < plan.concurrency) {
      if (waitingForToken) return;
      const wait = limiter.tryTake();
      if (wait) {
        waitingForToken = true;
        setTimeout(() => {
          waitingForToken = false;
          pump();
        }, wait);
        return;
      }
      const host = ready.find((candidate) => candidate.next < plan.ports.length);
      if (host) {
        const port = plan.ports[host.next++];
        host.pending++;
        connect(host.address, port, portDone(host, port));
        continue;
      }
      if (exhausted) break;
      const step = addresses.next();
      if (step.done) {
        exhausted = true;
        break;
      }
      if (plan.hostDiscovery === "TCP_PING") ping(step.value);
      else ready.push({ address: step.value, next: 0, pending: 0, up: false, open: [] });
    }
    if (exhausted && !connector.size && !pinging && !ready.length) resolveDone();
  }

  const onAbort = () => {
    connector.stop();
    resolveDone();
  };
  if (signal.aborted) return;
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    pump();
    await done;
    while (finishing.size && !signal.aborted) await Promise.race([Promise.all([...finishing]), new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }))]);
  } finally {
    signal.removeEventListener("abort", onAbort);
    if (probedSinceReport) sink.probed(probedSinceReport);
  }
}
