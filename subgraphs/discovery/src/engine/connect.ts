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
  oncomplete: (status: number) => void;
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

interface InFlight {
  deadline: number;
  settle(state: PortState, answered: boolean): void;
  close(): void;
}

/**
 * TCP connects without a promise or a timer per connect (a scan makes tens of thousands): each
 * completes through a callback, and one sweep every few milliseconds ends those past their deadline
 * as filtered. `size` is how many are in flight.
 */
export class Connector {
  private readonly inFlight = new Set<InFlight>();
  private sweeper: NodeJS.Timeout | null = null;

  get size(): number {
    return this.inFlight.size;
  }

  probe(host: string, port: number, timeoutMs: number, done: ProbeCallback): void {
    const started = performance.now();
    const entry: InFlight = {
      deadline: started + timeoutMs,
      settle: (state, answered) => {
        if (!this.inFlight.delete(entry)) return;
        entry.close();
        done(state, answered ? performance.now() - started : null);
      },
      close: () => {},
    };
    this.inFlight.add(entry);
    this.sweeper ??= setInterval(() => this.sweep(), SWEEP_MS);
    entry.close = tcp ? connectHandle(tcp, host, port, entry) : connectSocket(host, port, entry);
  }

  /** Ends every connect in flight (a cancel); their callbacks are not called. */
  stop(): void {
    for (const entry of [...this.inFlight]) {
      this.inFlight.delete(entry);
      entry.close();
    }
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  private sweep(): void {
    const now = performance.now();
    for (const entry of this.inFlight) if (entry.deadline <= now) entry.settle("filtered", false);
    if (!this.inFlight.size && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }
}
const SWEEP_MS = 10;

function connectHandle(binding: TcpBinding, host: string, port: number, entry: InFlight): () => void {
  const handle = new binding.TCP(binding.constants.SOCKET);
  const request = new binding.TCPConnectWrap();
  request.oncomplete = (status) => {
    if (status === 0) entry.settle("open", true);
    else entry.settle(status === UV_ECONNREFUSED ? "closed" : "filtered", status === UV_ECONNREFUSED);
  };
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    handle.close();
  };
  const error = isIP(host) === 6 ? handle.connect6(request, host, port) : handle.connect(request, host, port);
  if (error) queueMicrotask(() => entry.settle("filtered", false));
  return close;
}

function connectSocket(host: string, port: number, entry: InFlight): () => void {
  const socket = net.connect({ host, port, noDelay: true });
  socket.once("connect", () => entry.settle("open", true));
  socket.once("error", (error: NodeJS.ErrnoException) => entry.settle(error.code === "ECONNREFUSED" ? "closed" : "filtered", error.code === "ECONNREFUSED"));
  return () => {
    socket.removeAllListeners();
    socket.on("error", () => {});
    socket.destroy();
  };
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
