import { Connector, RateLimiter, RttEstimator, type PortState } from "./connect";

/** nmap -T4's RTT timeouts: start at 500 ms, never below 100 ms. */
const INITIAL_RTT_TIMEOUT_MS = 500;
const MIN_RTT_TIMEOUT_MS = 100;
/** Ports a TCP ping knocks on (nmap's unprivileged default: 80 and 443). */
const PING_PORTS = [80, 443];

/** The connect part of a scan. */
export interface ConnectPlan {
  ports: readonly number[];
  hostDiscovery: "TCP_PING" | "NONE";
  /** Upper limit of one connect's wait (the adaptive timeout never exceeds it). */
  timeoutMs: number;
  concurrency: number;
  rateLimit: number | null;
}

/** What the connect loop reports as it goes. */
export interface ConnectEvents {
  /** A port answered the handshake; `waitMs` is the loop's adaptive timeout at that moment. */
  open(address: string, port: number, rttMs: number | null, waitMs: number): void;
  /** Every port of a host is done (or its ping went unanswered): up when anything answered. */
  host(address: string, up: boolean, waitMs: number): void;
  /** Connects made (each port once, retries included). */
  probed(count: number): void;
}

interface HostState {
  address: string;
  next: number;
  pending: number;
  up: boolean;
}

/**
 * Asynchronous TCP connects (no raw sockets), at most `concurrency` in flight, each waiting the
 * RTT-adaptive timeout (retried once at the full limit when it ran out early), with optional TCP-ping
 * host discovery. Callback-driven (a completion starts the next connect), so its cost per port stays
 * near the system call's. `done` resolves when every address is finished, or at once when aborted
 * (connects in flight are closed).
 */
export class ConnectLoop {
  readonly done: Promise<void>;
  private readonly rtt: RttEstimator;
  private readonly limiter: RateLimiter;
  private readonly connector = new Connector();
  /** Hosts whose ports are being handed out (the front of the walk). */
  private readonly ready: HostState[] = [];
  private exhausted = false;
  private waitingForToken = false;
  private probedSinceReport = 0;
  private pinging = 0;
  private resolveDone: () => void = () => {};

  constructor(
    private readonly plan: ConnectPlan,
    private readonly addresses: Iterator<string>,
    private readonly events: ConnectEvents,
    private readonly signal: AbortSignal,
  ) {
    this.rtt = new RttEstimator(Math.min(INITIAL_RTT_TIMEOUT_MS, plan.timeoutMs), Math.min(MIN_RTT_TIMEOUT_MS, plan.timeoutMs), plan.timeoutMs);
    this.limiter = new RateLimiter(plan.rateLimit);
    this.done = new Promise<void>((resolve) => (this.resolveDone = resolve));
    const onAbort = () => {
      this.connector.stop();
      this.resolveDone();
    };
    if (signal.aborted) this.resolveDone();
    else {
      signal.addEventListener("abort", onAbort, { once: true });
      void this.done.then(() => signal.removeEventListener("abort", onAbort));
    }
  }

  /** Starts connects until `concurrency` are in flight or nothing is left to start now. */
  pump(): void {
    if (this.signal.aborted) return;
    this.report();
    const { plan } = this;
    while (this.connector.size < plan.concurrency) {
      if (this.waitingForToken) return;
      const wait = this.limiter.tryTake();
      if (wait) {
        this.waitingForToken = true;
        setTimeout(() => {
          this.waitingForToken = false;
          this.pump();
        }, wait);
        return;
      }
      const host = this.ready.find((candidate) => candidate.next < plan.ports.length);
      if (host) {
        const port = plan.ports[host.next++];
        host.pending++;
        this.connect(host.address, port, (state, rttMs) => this.portDone(host, port, state, rttMs));
        continue;
      }
      if (this.exhausted) break;
      const step = this.addresses.next();
      if (step.done) {
        this.exhausted = true;
        break;
      }
      if (plan.hostDiscovery === "TCP_PING") this.ping(step.value);
      else this.ready.push({ address: step.value, next: 0, pending: 0, up: false });
    }
    if (this.exhausted && !this.connector.size && !this.pinging && !this.ready.length) {
      this.report();
      this.resolveDone();
    }
  }

  private report(): void {
    if (!this.probedSinceReport) return;
    this.events.probed(this.probedSinceReport);
    this.probedSinceReport = 0;
  }

  /** A connect with one retry at the full limit when the adaptive timeout ran out; `then` gets the final state. */
  private connect(address: string, port: number, then: (state: PortState, rttMs: number | null) => void): void {
    const timeout = this.rtt.timeoutMs();
    this.connector.probe(address, port, timeout, (state, rttMs) => {
      this.probedSinceReport++;
      if (rttMs !== null) this.rtt.sample(rttMs);
      if (state === "filtered" && timeout < this.plan.timeoutMs && !this.signal.aborted) {
        this.connector.probe(address, port, this.plan.timeoutMs, (again, againRtt) => {
          this.probedSinceReport++;
          if (againRtt !== null) this.rtt.sample(againRtt);
          then(again, againRtt);
          this.pump();
        });
        return;
      }
      then(state, rttMs);
      this.pump();
    });
  }

  private portDone(host: HostState, port: number, state: PortState, rttMs: number | null): void {
    host.pending--;
    if (state !== "filtered") host.up = true;
    if (state === "open") this.events.open(host.address, port, rttMs, this.rtt.timeoutMs());
    if (host.next >= this.plan.ports.length && host.pending === 0) {
      this.ready.splice(this.ready.indexOf(host), 1);
      this.events.host(host.address, host.up, this.rtt.timeoutMs());
    }
  }

  private ping(address: string): void {
    this.pinging++;
    let answered = 0;
    let up = false;
    for (const port of PING_PORTS) {
      this.connect(address, port, (state) => {
        if (state !== "filtered") up = true;
        if (++answered < PING_PORTS.length) return;
        this.pinging--;
        if (up) this.ready.push({ address, next: 0, pending: 0, up: true });
        else this.events.host(address, false, this.rtt.timeoutMs());
      });
    }
  }
}
