import { readFileSync } from "node:fs";
import { Resolver } from "node:dns/promises";
import { walkAddresses, type ScanTargets } from "../scan/ranges";
import { classify, type Classification } from "./classify";
import { ConnectLoop, type ConnectEvents } from "./connect-loop";
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
  /** Device type keys of the targets registry (may still be on their way: awaited before the first classification). */
  deviceTypes: ReadonlySet<string> | Promise<ReadonlySet<string>>;
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

/** The connect loop's first adaptive timeout (nmap -T4's), until it reports its own. */
const INITIAL_RTT_TIMEOUT_MS = 500;
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

/**
 * One scan: the connect loop (connect-loop.ts) over every address; each open port's service probe
 * starts the moment the port answers, while the connects go on; per host with open ports, reverse
 * DNS and a classification, reported to the sink as each host finishes. Resolves when done, or at
 * once when aborted (connects in flight are closed).
 */
export async function runScan(plan: ScanPlan, sink: ScanSink, signal: AbortSignal): Promise<void> {
  const lookup = reverseDns();
  const serviceSlots = new Slots(SERVICE_PROBE_CONCURRENCY);
  const finishing = new Set<Promise<void>>();
  /** Service probes of the open ports found so far, by host (each starts the moment its port answers). */
  const found = new Map<string, Array<Promise<OpenPort>>>();
  /** The connect loop's adaptive timeout, as last reported. */
  let networkTimeoutMs = Math.min(INITIAL_RTT_TIMEOUT_MS, plan.timeoutMs);

  /** Service probes wait a few timeouts of this network, within the scan's limit and the banner wait. */
  const serviceWaits = () => {
    const base = networkTimeoutMs * 4;
    // A greeting gets a longer floor than a handshake: sshd re-executes itself per connection, slow on a busy host.
    return { bannerWaitMs: Math.min(plan.bannerWaitMs, Math.max(500, base)), timeoutMs: Math.min(Math.max(plan.timeoutMs, 300), Math.max(300, base)) };
  };

  /** A service probe of one open port, within the scan's limit of probes in flight. */
  const probeOpen = async (address: string, port: number, rttMs: number | null): Promise<OpenPort> => {
    await serviceSlots.take();
    try {
      return { port, rttMs, ...(await probeService(address, port, serviceWaits())) };
    } finally {
      serviceSlots.give();
    }
  };

  const finishHost = (address: string, up: boolean, waitMs: number) => {
    networkTimeoutMs = waitMs;
    const probes = found.get(address) ?? [];
    found.delete(address);
    const snmp = plan.snmp && up ? plan.snmp : null;
    if (!probes.length && !snmp) {
      sink.hostDone(up, null);
      return;
    }
    const work = (async () => {
      const [answered, system] = await Promise.all([Promise.all(probes), snmp ? snmpSystem(address, { ...snmp, timeoutMs: serviceWaits().timeoutMs }) : null]);
      if (signal.aborted) return;
      const ports = answered.sort((a, b) => a.port - b.port);
      if (!ports.length && !system) {
        sink.hostDone(up, null);
        return;
      }
      const hostname = await lookup(address);
      // The SNMP answer is a clue as a port's banner is (UDP: it is not listed among the open TCP ports).
      const clues = system && snmp ? [...ports, { port: snmp.port, service: "snmp", banner: system.sysDescr, httpServer: null }] : ports;
      sink.hostDone(true, { address, hostname, ports, snmp: system, classification: classify(clues, await plan.deviceTypes) });
    })();
    finishing.add(work);
    void work.finally(() => finishing.delete(work));
  };

  const events: ConnectEvents = {
    open: (address, port, rttMs, waitMs) => {
      networkTimeoutMs = waitMs;
      const probe = probeOpen(address, port, rttMs);
      // Awaited with the host's other ports when the host is done; not an unhandled rejection meanwhile.
      probe.catch(() => undefined);
      const probes = found.get(address);
      if (probes) probes.push(probe);
      else found.set(address, [probe]);
    },
    host: finishHost,
    probed: (count) => sink.probed(count),
  };

  if (signal.aborted) return;
  const loop = new ConnectLoop(plan, walkAddresses(plan.targets), events, signal);
  loop.pump();
  await loop.done;
  while (finishing.size && !signal.aborted) await Promise.race([Promise.all([...finishing]), new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }))]);
}
