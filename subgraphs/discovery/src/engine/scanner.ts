import { readFileSync } from "node:fs";
import { Resolver } from "node:dns/promises";
import { walkAddresses, type ScanTargets } from "../scan/ranges";
import { classify, type Classification } from "./classify";
import { probePort, RateLimiter, RttEstimator } from "./connect";
import { probeService, type ServiceInfo } from "./probes";

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
}

export interface OpenPort extends ServiceInfo {
  port: number;
  rttMs: number | null;
}

export interface HostResult {
  address: string;
  hostname: string | null;
  ports: OpenPort[];
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
 * TCP-ping host discovery first; then, per host with open ports, service probes, reverse DNS and a
 * classification, reported to the sink as each host finishes. Resolves when done or aborted (on abort
 * at once: connects still in flight end by their own timeouts and are ignored).
 */
export async function runScan(plan: ScanPlan, sink: ScanSink, signal: AbortSignal): Promise<void> {
  const rtt = new RttEstimator(Math.min(INITIAL_RTT_TIMEOUT_MS, plan.timeoutMs), Math.min(MIN_RTT_TIMEOUT_MS, plan.timeoutMs), plan.timeoutMs);
  const limiter = new RateLimiter(plan.rateLimit);
  const addresses = walkAddresses(plan.targets);
  const lookup = reverseDns();
  const serviceSlots = new Slots(SERVICE_PROBE_CONCURRENCY);
  const finishing = new Set<Promise<void>>();
  /** Hosts whose port connects are being handed out (at most a few at once: the front of the walk). */
  const ready: HostState[] = [];
  let pinging = 0;
  let exhausted = false;
  let waiters: Array<() => void> = [];
  const notify = () => {
    const woken = waiters;
    waiters = [];
    for (const resolve of woken) resolve();
  };

  const connect = async (address: string, port: number) => {
    await limiter.take();
    const timeout = rtt.timeoutMs();
    let result = await probePort(address, port, timeout);
    let probes = 1;
    if (result.state === "filtered" && timeout < plan.timeoutMs && !signal.aborted) {
      result = await probePort(address, port, plan.timeoutMs);
      probes++;
    }
    if (result.rttMs !== null) rtt.sample(result.rttMs);
    sink.probed(probes);
    return result;
  };

  const finishHost = (host: HostState) => {
    if (!host.open.length) {
      sink.hostDone(host.up, null);
      return;
    }
    const work = (async () => {
      const ports = await Promise.all(
        host.open
          .sort((a, b) => a.port - b.port)
          .map(async ({ port, rttMs }): Promise<OpenPort> => {
            await serviceSlots.take();
            try {
              const info = await probeService(host.address, port, { bannerWaitMs: plan.bannerWaitMs, timeoutMs: Math.max(plan.timeoutMs, 1_000) });
              return { port, rttMs, ...info };
            } finally {
              serviceSlots.give();
            }
          }),
      );
      if (signal.aborted) return;
      const hostname = await lookup(host.address);
      sink.hostDone(true, { address: host.address, hostname, ports, classification: classify(ports, plan.deviceTypes) });
    })();
    finishing.add(work);
    void work.finally(() => finishing.delete(work));
  };

  const ping = async (address: string) => {
    pinging++;
    try {
      const answers = await Promise.all(PING_PORTS.map((port) => connect(address, port)));
      if (signal.aborted) return;
      if (answers.some((answer) => answer.state !== "filtered")) ready.push({ address, next: 0, pending: 0, up: true, open: [] });
      else sink.hostDone(false, null);
    } finally {
      pinging--;
      notify();
    }
  };

  /** The next unit of work for a free slot: a port of a ready host, else a new host (pinged or made ready). */
  const nextTask = async (): Promise<(() => Promise<void>) | null> => {
    for (;;) {
      if (signal.aborted) return null;
      const host = ready.find((candidate) => candidate.next < plan.ports.length);
      if (host) {
        const port = plan.ports[host.next++];
        host.pending++;
        return async () => {
          const result = await connect(host.address, port);
          host.pending--;
          if (result.state !== "filtered") host.up = true;
          if (result.state === "open") host.open.push({ port, rttMs: result.rttMs });
          if (host.next >= plan.ports.length && host.pending === 0) {
            ready.splice(ready.indexOf(host), 1);
            finishHost(host);
          }
        };
      }
      if (!exhausted) {
        const step = addresses.next();
        if (step.done) {
          exhausted = true;
          continue;
        }
        const address = step.value;
        if (plan.hostDiscovery === "TCP_PING") return () => ping(address);
        ready.push({ address, next: 0, pending: 0, up: false, open: [] });
        continue;
      }
      // Nothing to hand out now: wait for a ping to bring a host, or stop when none is left.
      if (!pinging) return null;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };

  const loop = async () => {
    for (;;) {
      const task = await nextTask();
      if (!task) return;
      await task();
    }
  };
  const aborted = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener("abort", () => {
      notify();
      resolve();
    });
  });
  await Promise.race([
    (async () => {
      await Promise.all(Array.from({ length: plan.concurrency }, loop));
      while (finishing.size) await Promise.all([...finishing]);
    })(),
    aborted,
  ]);
}
