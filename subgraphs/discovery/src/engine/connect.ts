import net from "node:net";

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

/** One TCP connect: open (handshake done), closed (RST: the host is up), filtered (no answer in time, or unreachable). */
export function probePort(host: string, port: number, timeoutMs: number): Promise<{ state: PortState; rttMs: number | null }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect({ host, port, noDelay: true });
    let settled = false;
    const finish = (state: PortState, answered: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // No FIN/RST dance to wait for: the port is known, the socket goes.
      socket.removeAllListeners();
      socket.on("error", () => {});
      socket.destroy();
      resolve({ state, rttMs: answered ? performance.now() - started : null });
    };
    const timer = setTimeout(() => finish("filtered", false), timeoutMs);
    socket.once("connect", () => finish("open", true));
    socket.once("error", (error: NodeJS.ErrnoException) => finish(error.code === "ECONNREFUSED" ? "closed" : "filtered", error.code === "ECONNREFUSED"));
  });
}

/** A token bucket: at most `perSecond` connects start per second (none when unset). */
export class RateLimiter {
  private tokens: number;
  private last = performance.now();

  constructor(private readonly perSecond: number | null) {
    this.tokens = perSecond ?? 0;
  }

  async take(): Promise<void> {
    if (!this.perSecond) return;
    for (;;) {
      const now = performance.now();
      this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      const perSecond = this.perSecond;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, ((1 - this.tokens) / perSecond) * 1000)));
    }
  }
}
