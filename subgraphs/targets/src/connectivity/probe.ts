import { lookup } from "node:dns/promises";
import net from "node:net";
import tls from "node:tls";
import { Client } from "ssh2";
import type { ConnectionMethodType, ErrorCategory } from "../generated/prisma/enums";
import { blobFingerprint } from "../credential/credential.validation";
import { SnmpV3Error, snmpRequest, snmpV3Get, type SnmpV3Login } from "./snmp";
import { winrmIdentify } from "./winrm";

/**
 * One real connection attempt. SSH: handshake, host-key check, authentication and `true`;
 * WinRM: an authenticated WS-Management Identify (Basic or NTLM) with the credential; HTTP: TCP (+TLS)
 * and a HEAD request; Telnet: TCP and the server's first bytes; SNMP: a GET of
 * sysDescr.0 with the community (v1/v2c), or for v3 the engine discovery and then an authenticated
 * (USM auth/priv) GET of sysDescr.0 with the credential's user, over UDP.
 * Never throws: every outcome is a result with an error category.
 */

export interface SshLogin {
  username: string;
  password?: string;
  privateKey?: string;
  passphrase?: string;
}

export interface ProbeRequest {
  type: ConnectionMethodType | "TCP";
  address: string;
  port: number;
  timeoutMs: number;
  ssh?: SshLogin;
  /** SSH: the trusted host key fingerprint; null trusts the first key seen. */
  knownHostKey?: string | null;
  http?: { https: boolean; basePath: string; tlsVerify: boolean };
  /** WinRM: the method's auth type and the PASSWORD credential ("DOMAIN\\user" or "user"). */
  winrm?: { authType: string; username: string; password: string };
  snmp?: { version: "V1" | "V2C" | "V3"; community?: string; v3?: SnmpV3Login };
  /** Name resolution (the system resolver by default); tests pass their own so no query leaves the machine. */
  lookup?: (hostname: string) => Promise<{ address: string }>;
}

export interface ProbeResult {
  ok: boolean;
  latencyMs: number;
  errorCategory: ErrorCategory | null;
  message: string | null;
  serverVersion: string | null;
  /** SSH: the key the server presented. */
  hostKey?: { algorithm: string; fingerprint: string };
}

const IP = (address: string) => net.isIP(address) !== 0;

function categorize(error: NodeJS.ErrnoException & { level?: string }): ErrorCategory {
  if (error.level === "client-authentication") return "AUTH_FAILED";
  if (error.level === "client-timeout") return "TIMEOUT";
  switch (error.code) {
    case "ECONNREFUSED":
      return "REFUSED";
    case "ETIMEDOUT":
      return "TIMEOUT";
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_NODATA":
    case "EAI_FAIL":
      return "DNS";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "EHOSTDOWN":
      return "UNREACHABLE";
    default:
      return "PROTOCOL";
  }
}

/** Resolves a hostname to an address (so DNS failures are told apart from connection failures). */
async function resolve(address: string, deadline: number, resolver: ProbeRequest["lookup"] = lookup): Promise<string> {
  if (IP(address)) return address;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      resolver(address).then((found) => found.address),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error(`DNS lookup of ${address} timed out`), { code: "EAI_AGAIN" })), Math.max(1, deadline - Date.now()));
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The algorithm name at the start of an SSH public key blob (uint32 length + name). */
function keyAlgorithm(blob: Buffer): string {
  try {
    const length = blob.readUInt32BE(0);
    return blob.subarray(4, 4 + length).toString("ascii");
  } catch {
    return "unknown";
  }
}

function probeSsh(request: ProbeRequest, host: string, started: number, deadline: number): Promise<ProbeResult> {
  return new Promise((done) => {
    const client = new Client();
    let presented: ProbeResult["hostKey"];
    let mismatch = false;
    let finished = false;
    const finish = (result: Omit<ProbeResult, "latencyMs" | "serverVersion" | "hostKey">) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      // ssh2 keeps the peer's software version only privately; it is the most useful thing to show.
      const software = (client as unknown as { _remoteVer?: string })._remoteVer;
      client.end();
      client.destroy();
      done({ ...result, latencyMs: Date.now() - started, serverVersion: software ?? null, hostKey: presented });
    };
    const timer = setTimeout(
      () => finish({ ok: false, errorCategory: "TIMEOUT", message: `no answer within ${request.timeoutMs} ms` }),
      Math.max(1, deadline - Date.now()),
    );
    client.on("ready", () => {
      client.exec("true", (error, stream) => {
        if (error) return finish({ ok: false, errorCategory: "PROTOCOL", message: `could not run a command: ${error.message}` });
        stream.on("close", (code: number | null) => {
          if (code === 0) finish({ ok: true, errorCategory: null, message: null });
          else finish({ ok: false, errorCategory: "PROTOCOL", message: `\`true\` exited with ${code}` });
        });
        stream.resume();
        stream.stderr.resume();
      });
    });
    client.on("error", (error: NodeJS.ErrnoException & { level?: string }) => {
      if (mismatch) {
        return finish({
          ok: false,
          errorCategory: "HOST_KEY_MISMATCH",
          message: `host key changed: expected ${request.knownHostKey}, got ${presented?.fingerprint}`,
        });
      }
      const category = categorize(error);
      const message = category === "AUTH_FAILED" ? "authentication failed" : error.message;
      finish({ ok: false, errorCategory: category, message });
    });
    client.on("close", () => finish({ ok: false, errorCategory: "PROTOCOL", message: "connection closed" }));
    const login = request.ssh;
    client.connect({
      host,
      port: request.port,
      username: login?.username ?? "",
      password: login?.password,
      privateKey: login?.privateKey,
      passphrase: login?.passphrase,
      readyTimeout: Math.max(1, deadline - Date.now()),
      keepaliveInterval: 0,
      tryKeyboard: false,
      // Only the methods the credential provides, so a wrong password is not retried as "none".
      authHandler: login?.privateKey ? ["publickey"] : ["password"],
      hostVerifier: (key: Buffer) => {
        presented = { algorithm: keyAlgorithm(key), fingerprint: blobFingerprint(key) };
        if (request.knownHostKey && request.knownHostKey !== presented.fingerprint) {
          mismatch = true;
          return false;
        }
        return true;
      },
    } as Parameters<Client["connect"]>[0]);
    // Latency is network-bound: Nagle would add tens of ms per round trip.
    (client as unknown as { _sock?: net.Socket })._sock?.setNoDelay?.(true);
  });
}

/** TCP (+TLS) connect, then either a HEAD request (HTTP/WinRM) or the first bytes the server sends. */
function probeStream(request: ProbeRequest, host: string, started: number, deadline: number): Promise<ProbeResult> {
  return new Promise((done) => {
    const secure = (request.type === "HTTP" || request.type === "WINRM") && request.http?.https === true;
    const socket: net.Socket = secure
      ? tls.connect({ host, port: request.port, servername: IP(request.address) ? undefined : request.address, rejectUnauthorized: request.http?.tlsVerify ?? true })
      : net.connect({ host, port: request.port });
    socket.setNoDelay(true);
    let connected = false;
    let received = "";
    let finished = false;
    const finish = (result: Omit<ProbeResult, "latencyMs">) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.destroy();
      done({ ...result, latencyMs: Date.now() - started });
    };
    const timer = setTimeout(() => {
      // A port that accepts but says nothing is reachable; for a greeting protocol that is the answer.
      if (connected && (request.type === "TELNET" || request.type === "TCP")) return finish({ ok: true, errorCategory: null, message: "connected; no greeting", serverVersion: null });
      finish({ ok: false, errorCategory: "TIMEOUT", message: `no answer within ${request.timeoutMs} ms`, serverVersion: null });
    }, Math.max(1, deadline - Date.now()));
    socket.once(secure ? "secureConnect" : "connect", () => {
      connected = true;
      if (request.type === "HTTP" || request.type === "WINRM") {
        const path = request.type === "WINRM" ? "/wsman" : (request.http?.basePath ?? "/");
        socket.write(`HEAD ${path} HTTP/1.1\r\nHost: ${request.address}\r\nUser-Agent: opsconductor-check\r\nConnection: close\r\n\r\n`);
      } else if (request.type === "TCP") {
        finish({ ok: true, errorCategory: null, message: null, serverVersion: null });
      }
    });
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      if (request.type === "TELNET") return finish({ ok: true, errorCategory: null, message: null, serverVersion: null });
      const end = received.indexOf("\r\n\r\n");
      if (end < 0 && received.length < 16_384) return;
      const head = received.slice(0, end < 0 ? undefined : end);
      const status = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(head);
      if (!status) return finish({ ok: false, errorCategory: "PROTOCOL", message: "not an HTTP response", serverVersion: null });
      const server = /^server:\s*(.+)$/im.exec(head)?.[1]?.trim() ?? null;
      const code = Number(status[1]);
      // 401/403 prove the service answers; they are the expected reply to an unauthenticated HEAD.
      finish({ ok: code < 500, errorCategory: code < 500 ? null : "PROTOCOL", message: `HTTP ${code}`, serverVersion: server });
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      const tlsFailure = secure && !error.code?.startsWith("E");
      finish({ ok: false, errorCategory: tlsFailure ? "PROTOCOL" : categorize(error), message: error.message, serverVersion: null });
    });
    socket.on("close", () => finish({ ok: false, errorCategory: "PROTOCOL", message: "connection closed without an answer", serverVersion: null }));
  });
}

async function probeSnmp(request: ProbeRequest, host: string, started: number, deadline: number): Promise<ProbeResult> {
  const version = request.snmp?.version ?? "V2C";
  try {
    const reply = await snmpRequest({ host, port: request.port, timeoutMs: Math.max(1, deadline - Date.now()), version, community: request.snmp?.community });
    if (version === "V3") return await probeSnmpV3(request, host, started, deadline);
    const latencyMs = Date.now() - started;
    if (reply.errorStatus) return { ok: false, latencyMs, errorCategory: "PROTOCOL", message: `SNMP error-status ${reply.errorStatus}`, serverVersion: null };
    return { ok: true, latencyMs, errorCategory: null, message: null, serverVersion: reply.sysDescr?.slice(0, 200) ?? null };
  } catch (error) {
    const latencyMs = Date.now() - started;
    return { ok: false, latencyMs, errorCategory: categorize(error as NodeJS.ErrnoException), message: (error as Error).message, serverVersion: null };
  }
}

/** After the engine discovery answered: the authenticated GET with the credential's user. */
async function probeSnmpV3(request: ProbeRequest, host: string, started: number, deadline: number): Promise<ProbeResult> {
  const login = request.snmp?.v3;
  if (!login?.username) return { ok: false, latencyMs: Date.now() - started, errorCategory: "CONFIG", message: "SNMPv3 needs an SNMP_V3 credential with a username", serverVersion: null };
  try {
    const sysDescr = await snmpV3Get({ host, port: request.port, timeoutMs: Math.max(1, deadline - Date.now()), login });
    return { ok: true, latencyMs: Date.now() - started, errorCategory: null, message: `SNMPv3 ${login.securityLevel}`, serverVersion: sysDescr.slice(0, 200) };
  } catch (error) {
    const latencyMs = Date.now() - started;
    if (!(error instanceof SnmpV3Error)) return { ok: false, latencyMs, errorCategory: "PROTOCOL", message: (error as Error).message, serverVersion: null };
    const category = ({ AUTH: "AUTH_FAILED", TIMEOUT: "TIMEOUT", CONFIG: "CONFIG", PROTOCOL: "PROTOCOL" } as const)[error.kind];
    return { ok: false, latencyMs, errorCategory: category, message: error.message, serverVersion: null };
  }
}

async function probeWinrm(request: ProbeRequest, host: string, started: number, deadline: number): Promise<ProbeResult> {
  const login = request.winrm!;
  try {
    const outcome = await winrmIdentify({
      host,
      servername: IP(request.address) ? undefined : request.address,
      port: request.port,
      https: request.http?.https ?? true,
      tlsVerify: request.http?.tlsVerify ?? true,
      authType: login.authType,
      username: login.username,
      password: login.password,
      deadline,
    });
    return { ok: outcome.ok, latencyMs: Date.now() - started, errorCategory: outcome.category, message: outcome.message, serverVersion: outcome.serverVersion?.slice(0, 200) ?? null };
  } catch (error) {
    const failure = error as NodeJS.ErrnoException;
    // TLS failures (certificate, handshake) carry OpenSSL codes, not errno ones.
    const tlsFailure = (request.http?.https ?? true) && !/^E[A-Z]+$/.test(failure.code ?? "");
    return { ok: false, latencyMs: Date.now() - started, errorCategory: tlsFailure ? "PROTOCOL" : categorize(failure), message: failure.message, serverVersion: null };
  }
}

export async function probe(request: ProbeRequest): Promise<ProbeResult> {
  const started = Date.now();
  const deadline = started + request.timeoutMs;
  let host: string;
  try {
    host = await resolve(request.address, deadline, request.lookup);
  } catch (error) {
    return { ok: false, latencyMs: Date.now() - started, errorCategory: "DNS", message: (error as Error).message, serverVersion: null };
  }
  if (request.type === "SSH") return probeSsh(request, host, started, deadline);
  if (request.type === "SNMP") return probeSnmp(request, host, started, deadline);
  if (request.type === "WINRM" && request.winrm) return probeWinrm(request, host, started, deadline);
  return probeStream(request, host, started, deadline);
}
