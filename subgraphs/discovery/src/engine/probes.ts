import net from "node:net";
import tls from "node:tls";

/** What a light probe learned about one open port. */
export interface ServiceInfo {
  service: string | null;
  banner: string | null;
  httpServer: string | null;
  httpTitle: string | null;
  tlsSubject: string | null;
  tlsIssuer: string | null;
  tlsExpiresAt: Date | null;
}

export interface ProbeOptions {
  /** How long to wait for a speak-first service's greeting. */
  bannerWaitMs: number;
  /** Limit of each exchange (connect + answer). */
  timeoutMs: number;
}

/** Ports whose services wait for the client: no point waiting for a greeting there. */
const CLIENT_FIRST = new Set([80, 81, 443, 591, 3000, 5000, 5985, 5986, 8000, 8008, 8080, 8081, 8443, 8888, 9000, 9090, 9443]);
const WELL_KNOWN: Record<number, string> = {
  21: "ftp", 22: "ssh", 23: "telnet", 25: "smtp", 53: "domain", 80: "http", 110: "pop3", 111: "rpcbind", 135: "msrpc",
  139: "netbios-ssn", 143: "imap", 161: "snmp", 443: "https", 445: "microsoft-ds", 465: "smtps", 587: "submission",
  631: "ipp", 993: "imaps", 995: "pop3s", 1433: "ms-sql-s", 3306: "mysql", 3389: "ms-wbt-server", 5432: "postgresql",
  5900: "vnc", 5985: "wsman", 5986: "wsmans", 6379: "redis", 8080: "http-proxy", 8443: "https-alt", 9100: "jetdirect",
};
export const wellKnownService = (port: number): string | null => WELL_KNOWN[port] ?? null;

const MAX_READ = 32 * 1024;
/** How long a greeting has alone before the TLS and HTTP probes start. */
const GREETING_GRACE_MS = 150;
const MAX_TEXT = 512;

/** Printable text of a banner: telnet option bytes (IAC …) dropped, control characters removed, trimmed and capped. */
export function cleanText(data: Buffer, max = MAX_TEXT): string {
  const bytes: number[] = [];
  for (let index = 0; index < data.length; index++) {
    const byte = data[index];
    if (byte === 0xff) {
      // IAC: skip the command and its option (and a whole subnegotiation).
      const command = data[index + 1];
      if (command === 0xfa) {
        const end = data.indexOf(0xf0, index);
        index = end < 0 ? data.length : end;
      } else index += command !== undefined && command >= 0xfb ? 2 : 1;
      continue;
    }
    if (byte === 0x0a || byte === 0x09 || (byte >= 0x20 && byte < 0x7f)) bytes.push(byte);
  }
  return Buffer.from(bytes).toString("latin1").replace(/\s+\n/g, "\n").trim().slice(0, max);
}

type Opener = () => net.Socket;

/**
 * Opens a connection, optionally writes, and collects what comes back until the peer closes, enough
 * has arrived, or time is up (then whatever arrived is the answer). `wantFirstChunk` returns at the
 * first data (a greeting).
 */
function exchange(open: Opener, options: { write?: string; waitMs: number; wantFirstChunk?: boolean; connectEvent?: string }): Promise<{ data: Buffer; socket?: net.Socket; error?: string }> {
  return new Promise((resolve) => {
    const socket = open();
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const data = Buffer.concat(chunks);
      socket.removeAllListeners("data");
      socket.on("error", () => {});
      socket.destroy();
      resolve({ data, socket, error });
    };
    const timer = setTimeout(() => finish(), options.waitMs);
    socket.once(options.connectEvent ?? "connect", () => {
      if (options.write) socket.write(options.write);
    });
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (options.wantFirstChunk || size >= MAX_READ) finish();
    });
    socket.once("end", () => finish());
    socket.once("close", () => finish());
    socket.once("error", (error: Error) => finish(error.message));
  });
}

function httpRequest(method: "HEAD" | "GET", host: string): string {
  const hostHeader = net.isIPv6(host) ? `[${host}]` : host;
  return `${method} / HTTP/1.1\r\nHost: ${hostHeader}\r\nUser-Agent: OpsConductor-Discovery\r\nAccept: */*\r\nConnection: close\r\n\r\n`;
}

function parseHttp(data: Buffer): { server: string | null; body: string } | null {
  const text = data.toString("latin1");
  if (!/^HTTP\/\d(\.\d)? \d{3}/.test(text)) return null;
  const headEnd = text.indexOf("\r\n\r\n");
  const head = headEnd < 0 ? text : text.slice(0, headEnd);
  const server = /\r\nserver:[ \t]*([^\r\n]*)/i.exec(head)?.[1]?.trim() ?? null;
  return { server: server ? server.slice(0, MAX_TEXT) : null, body: headEnd < 0 ? "" : data.subarray(Buffer.byteLength(head, "latin1") + 4).toString("utf8") };
}

export function htmlTitle(body: string): string | null {
  const match = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(body);
  if (!match) return null;
  const title = match[1]
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ")
    .trim();
  return title ? title.slice(0, MAX_TEXT) : null;
}

/** A greeting's service: SSH, FTP and SMTP by their protocol lines, telnet by its option negotiation. */
export function greetingService(data: Buffer, port: number): string | null {
  const text = data.toString("latin1");
  if (text.startsWith("SSH-")) return "ssh";
  if (data[0] === 0xff) return "telnet";
  if (/^220[ -]/.test(text)) {
    if (/\bE?SMTP\b|\bmail\b|postfix|exim|sendmail/i.test(text)) return "smtp";
    if (/\bFTP\b|vsftpd|proftpd|filezilla/i.test(text)) return "ftp";
    return port === 21 ? "ftp" : port === 25 || port === 587 ? "smtp" : "ftp";
  }
  if (/^\+OK/.test(text)) return "pop3";
  if (/^\* OK/.test(text)) return "imap";
  return null;
}

const dn = (fields: Record<string, unknown> | undefined): string | null => {
  if (!fields) return null;
  const order = ["CN", "OU", "O", "L", "ST", "C"];
  const parts = order.filter((key) => fields[key] !== undefined).map((key) => `${key}=${Array.isArray(fields[key]) ? (fields[key] as string[]).join("+") : String(fields[key])}`);
  return parts.length ? parts.join(", ").slice(0, MAX_TEXT) : null;
};

/** Ends a socket without caring about its errors. */
function discard(socket: net.Socket): void {
  socket.removeAllListeners();
  socket.on("error", () => {});
  socket.destroy();
}

/** Waits for a greeting on a fresh connection; resolves with it (empty when the peer said nothing). */
function greeting(host: string, port: number, waitMs: number, stop: Promise<void>): { done: Promise<Buffer>; socket: net.Socket } {
  const socket = net.connect({ host, port, noDelay: true });
  const done = new Promise<Buffer>((resolve) => {
    const finish = (data: Buffer) => {
      clearTimeout(timer);
      discard(socket);
      resolve(data);
    };
    const timer = setTimeout(() => finish(Buffer.alloc(0)), waitMs);
    socket.once("data", (chunk: Buffer) => {
      // A greeting may come in pieces: take what arrives in the next moment too.
      const chunks = [chunk];
      socket.on("data", (more: Buffer) => chunks.push(more));
      setTimeout(() => finish(Buffer.concat(chunks)), 30);
    });
    socket.once("error", () => finish(Buffer.alloc(0)));
    socket.once("close", () => finish(Buffer.alloc(0)));
    void stop.then(() => finish(Buffer.alloc(0)));
  });
  return { done, socket };
}

/** A TLS handshake: the certificate's subject, issuer and expiry, or null when the port does not speak TLS. */
function tlsHandshake(host: string, port: number, timeoutMs: number): Promise<Pick<ServiceInfo, "tlsSubject" | "tlsIssuer" | "tlsExpiresAt"> | null> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host, port, rejectUnauthorized: false, servername: net.isIP(host) ? undefined : host, ALPNProtocols: ["http/1.1"] });
    const finish = (result: Pick<ServiceInfo, "tlsSubject" | "tlsIssuer" | "tlsExpiresAt"> | null) => {
      clearTimeout(timer);
      discard(socket);
      resolve(result);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    socket.once("secureConnect", () => {
      const certificate = socket.getPeerCertificate();
      const expires = certificate?.valid_to ? new Date(certificate.valid_to) : null;
      finish({
        tlsSubject: dn(certificate?.subject as unknown as Record<string, unknown>),
        tlsIssuer: dn(certificate?.issuer as unknown as Record<string, unknown>),
        tlsExpiresAt: expires && !Number.isNaN(expires.getTime()) ? expires : null,
      });
    });
    socket.once("error", () => finish(null));
    socket.once("close", () => finish(null));
  });
}

/**
 * A light look at one open port: a greeting where the service speaks first (SSH, SMTP, FTP, telnet);
 * otherwise a TLS handshake (certificate subject, issuer, expiry) and HTTP `HEAD /` (Server header)
 * plus a small `GET /` for the title, over TLS when the handshake worked. The greeting is awaited
 * while the TLS and HTTP probes run (they start after a short grace so a prompt greeter is not
 * disturbed), so a silent service costs the banner wait only when it also ignores TLS and HTTP.
 */
export async function probeService(host: string, port: number, options: ProbeOptions): Promise<ServiceInfo> {
  const info: ServiceInfo = { service: null, banner: null, httpServer: null, httpTitle: null, tlsSubject: null, tlsIssuer: null, tlsExpiresAt: null };
  const plain: Opener = () => net.connect({ host, port, noDelay: true });
  let stopGreeting: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stopGreeting = resolve));
  const greeter = CLIENT_FIRST.has(port) ? null : greeting(host, port, options.bannerWaitMs, stopped);
  const fromGreeting = (data: Buffer): ServiceInfo => ({
    ...info,
    service: greetingService(data, port) ?? wellKnownService(port),
    banner: cleanText(data) || null,
  });
  if (greeter) {
    const early = await Promise.race([greeter.done, new Promise<null>((resolve) => setTimeout(() => resolve(null), GREETING_GRACE_MS))]);
    if (early?.length) return fromGreeting(early);
  }

  const clientFirst = (async (): Promise<ServiceInfo | null> => {
    // The handshake and a plain HEAD at once: a service that is neither answers both quickly or not at all.
    const [certificate, plainHead] = await Promise.all([tlsHandshake(host, port, options.timeoutMs), exchange(plain, { write: httpRequest("HEAD", host), waitMs: options.timeoutMs })]);
    const secure = certificate !== null;
    const opener: Opener = secure
      ? () => tls.connect({ host, port, rejectUnauthorized: false, servername: net.isIP(host) ? undefined : host, ALPNProtocols: ["http/1.1"] })
      : plain;
    const connectEvent = secure ? "secureConnect" : "connect";
    const head = secure ? await exchange(opener, { write: httpRequest("HEAD", host), waitMs: options.timeoutMs, connectEvent }) : plainHead;
    const headReply = parseHttp(head.data);
    if (headReply) {
      const get = await exchange(opener, { write: httpRequest("GET", host), waitMs: options.timeoutMs, connectEvent });
      const getReply = parseHttp(get.data);
      return {
        ...info,
        ...certificate,
        service: secure ? "https" : "http",
        httpServer: headReply.server ?? getReply?.server ?? null,
        httpTitle: getReply ? htmlTitle(getReply.body) : null,
      };
    }
    if (secure) return { ...info, ...certificate, service: "ssl/unknown" };
    // It answered HTTP with something else: a greeting (sent regardless of the request) or an error of its own protocol.
    if (head.data.length) return { ...info, service: greetingService(head.data, port) ?? wellKnownService(port), banner: cleanText(head.data) || null };
    return null;
  })();

  if (!greeter) return (await clientFirst) ?? { ...info, service: wellKnownService(port) };
  const first = await Promise.race([greeter.done.then((data) => ({ kind: "greeting" as const, data })), clientFirst.then((result) => ({ kind: "client" as const, result }))]);
  if (first.kind === "greeting") {
    if (first.data.length) return fromGreeting(first.data);
    return (await clientFirst) ?? { ...info, service: wellKnownService(port) };
  }
  if (first.result) {
    stopGreeting();
    return first.result;
  }
  // Neither TLS nor HTTP: whatever the greeting wait brings.
  const data = await greeter.done;
  return data.length ? fromGreeting(data) : { ...info, service: wellKnownService(port) };
}
