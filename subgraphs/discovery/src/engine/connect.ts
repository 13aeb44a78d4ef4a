import net, { isIP } from "node:net";

export type PortState = "open" | "closed" | "filtered";

/**
 * Round-trip estimates as nmap keeps them (RFC 6298 smoothing): srtt and rttvar from each answered
 * connect, a probe timeout of srtt + 4·rttvar clamped to [min, max]. One per scan (nmap keeps a
 * group-wide one too), so a scan over a fast network stops waiting long for silent ports.
 */
export class RttEstimator {
  private srtt: number | null = null;
  private rttvar = 0;

  constructor(
    private readonly initialMs: number,
    private readonly minMs: number,
    private readonly maxMs: number,
  ) {}

  sample(rttMs: number): void {
    if (this.srtt === null) {
      this.srtt = rttMs;
      this.rttvar = rttMs / 2;
      return;
    }
    const delta = rttMs - this.srtt;
    this.srtt += delta / 8;
    this.rttvar += (Math.abs(delta) - this.rttvar) / 4;
  }

  timeoutMs(): number {
    if (this.srtt === null) return this.initialMs;
    return Math.round(Math.min(this.maxMs, Math.max(this.minMs, this.srtt + 4 * this.rttvar)));
  }

  get smoothedMs(): number | null {
    return this.srtt;
  }
}

interface TcpHandle {
  connect(req: ConnectRequest, address: string, port: number): number;
  connect6(req: ConnectRequest, address: string, port: number): number;
  close(): void;
}
interface ConnectRequest {
  oncomplete: (this: ConnectRequest, status: number) => void;
  attempt?: Attempt;
}
interface TcpBinding {
  TCP: new (type: number) => TcpHandle;
  TCPConnectWrap: new () => ConnectRequest;
  constants: { SOCKET: number };
}

/**
 * libuv's TCP handle as node's own `net.Socket` uses it underneath, without the stream around it: a
 * connect scan opens tens of thousands of sockets only to learn whether the handshake completes,
 * and `net.Socket`'s per-socket cost (stream state, events) makes that ~4× slower (25,400 refused
 * connects on loopback: 2.9 s with net.connect, 0.65 s with the handle). Still an ordinary
 * connect(2) — no raw sockets, no privileges. Falls back to net.connect where the binding is absent.
 */
const tcp: TcpBinding | null = (() => {
  try {
    const binding = (process as unknown as { binding(name: string): TcpBinding }).binding("tcp_wrap");
    return typeof binding.TCP === "function" && typeof binding.TCPConnectWrap === "function" ? binding : null;
  } catch {
    return null;
  }
})();
const UV_ECONNREFUSED = -111;

export type ProbeCallback = (state: PortState, rttMs: number | null) => void;

/** One connect in flight. A class, not closures: a scan makes tens of thousands of these. */
class Attempt {
  handle: TcpHandle | null = null;
  socket: net.Socket | null = null;
  constructor(
    readonly connector: Connector,
    readonly started: number,
    readonly deadline: number,
    readonly done: ProbeCallback,
  ) {}

  settle(state: PortState, answered: boolean): void {
    if (!this.connector.release(this)) return;
    this.close();
    this.done(state, answered ? performance.now() - this.started : null);
  }

  close(): void {
    if (this.handle) {
      this.handle.close();
      this.handle = null;
    }
    if (this.socket) {
      this.socket.removeAllListeners();
      this.socket.on("error", () => {});
      this.socket.destroy();
      this.socket = null;
    }
  }
}

/** The completion of every handle connect (node calls it with the request as `this`). */
function onConnect(this: ConnectRequest, status: number): void {
  if (status === 0) this.attempt?.settle("open", true);
  else this.attempt?.settle(status === UV_ECONNREFUSED ? "closed" : "filtered", status === UV_ECONNREFUSED);
}

/**
 * TCP connects without a promise or a timer per connect (a scan makes tens of thousands): each
 * completes through a callback, and one sweep every few milliseconds ends those past their deadline
 * as filtered. The sweep only marks them: they are ended in the check phase of the same loop turn,
 * after the poll phase has taken in every completion the kernel already has. Otherwise a busy
 * process (its loop late by more than a timeout) would call ports filtered whose answer was waiting
 * unread, and retry them. `size` is how many are in flight.
 */
export class Connector {
  private readonly inFlight = new Set<Attempt>();
  private sweeper: NodeJS.Timeout | null = null;

  get size(): number {
    return this.inFlight.size;
  }

  probe(host: string, port: number, timeoutMs: number, done: ProbeCallback): void {
    const started = performance.now();
    const attempt = new Attempt(this, started, started + timeoutMs, done);
    this.inFlight.add(attempt);
    this.sweeper ??= setInterval(() => this.sweep(), SWEEP_MS);
    if (tcp) connectHandle(tcp, host, port, attempt);
    else connectSocket(host, port, attempt);
  }

  /** Takes an attempt out of the set; false when it was settled (or stopped) already. */
  release(attempt: Attempt): boolean {
    return this.inFlight.delete(attempt);
  }

  /** Ends every connect in flight (a cancel); their callbacks are not called. */
  stop(): void {
    for (const attempt of [...this.inFlight]) {
      this.inFlight.delete(attempt);
      attempt.close();
    }
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  private sweep(): void {
    const now = performance.now();
    let due: Attempt[] | null = null;
    for (const attempt of this.inFlight) if (attempt.deadline <= now) (due ??= []).push(attempt);
    if (due) {
      const expired = due;
      setImmediate(() => {
        for (const attempt of expired) attempt.settle("filtered", false);
      });
    }
    if (!this.inFlight.size && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }
}
const SWEEP_MS = 10;

function connectHandle(binding: TcpBinding, host: string, port: number, attempt: Attempt): void {
  const handle = new binding.TCP(binding.constants.SOCKET);
  const request = new binding.TCPConnectWrap();
  request.oncomplete = onConnect;
  request.attempt = attempt;
  attempt.handle = handle;
  const error = isIP(host) === 6 ? handle.connect6(request, host, port) : handle.connect(request, host, port);
  if (error) queueMicrotask(() => attempt.settle("filtered", false));
}

function connectSocket(host: string, port: number, attempt: Attempt): void {
  const socket = net.connect({ host, port, noDelay: true });
  attempt.socket = socket;
  socket.once("connect", () => attempt.settle("open", true));
  socket.once("error", (error: NodeJS.ErrnoException) => attempt.settle(error.code === "ECONNREFUSED" ? "closed" : "filtered", error.code === "ECONNREFUSED"));
}

/** One connect as a promise (host discovery tests and single checks). */
export function probePort(host: string, port: number, timeoutMs: number): Promise<{ state: PortState; rttMs: number | null }> {
  const connector = new Connector();
  return new Promise((resolve) => connector.probe(host, port, timeoutMs, (state, rttMs) => resolve({ state, rttMs })));
}

/** A token bucket: at most `perSecond` connects start per second (no limit when unset). */
export class RateLimiter {
  private tokens: number;
  private last = performance.now();

  constructor(private readonly perSecond: number | null) {
    this.tokens = perSecond ? Math.min(perSecond, 1) : 0;
  }

  /** Takes a token now, or returns how many ms until one is there. */
  tryTake(): number {
    if (!this.perSecond) return 0;
    const now = performance.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, ((1 - this.tokens) / this.perSecond) * 1000);
  }
}
