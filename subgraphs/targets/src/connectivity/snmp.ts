import dgram from "node:dgram";
import { randomInt } from "node:crypto";
import snmp from "net-snmp";

/**
 * The SNMP side of the connectivity test. v1/v2c: a GET of sysDescr.0 with the community, BER by hand
 * over a connected UDP socket, so an ICMP port-unreachable surfaces as ECONNREFUSED. v3: the USM
 * engine-discovery request the same way (proves an agent answers, or REFUSED/TIMEOUT), then an
 * authenticated (and encrypted) GET of sysDescr.0 with the user's USM keys through net-snmp
 * (snmpV3Get), which verifies the agent's digest and decrypts its answer.
 */

const SYS_DESCR = "1.3.6.1.2.1.1.1.0";

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, value: Buffer) => Buffer.concat([Buffer.from([tag]), length(value.length), value]);
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const str = (value: string | Buffer) => tlv(0x04, Buffer.isBuffer(value) ? value : Buffer.from(value, "utf8"));
const nul = () => Buffer.from([0x05, 0x00]);

function int(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (bytes[0] & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

function oid(dotted: string): Buffer {
  const parts = dotted.split(".").map(Number);
  const bytes = [parts[0] * 40 + parts[1]];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [];
    let v = part;
    do {
      chunk.unshift((v & 0x7f) | (chunk.length ? 0x80 : 0));
      v >>= 7;
    } while (v > 0);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** A v1 (0) or v2c (1) GetRequest for sysDescr.0. */
export function getRequest(version: 0 | 1, community: string, requestId: number): Buffer {
  return seq(int(version), str(community), tlv(0xa0, Buffer.concat([int(requestId), int(0), int(0), seq(seq(oid(SYS_DESCR), nul()))])));
}

/** The SNMPv3 engine-discovery request (noAuthNoPriv, reportable, empty user). */
export function discoveryRequest(messageId: number): Buffer {
  const security = seq(str(""), int(0), int(0), str(""), str(""), str(""));
  return seq(
    int(3),
    seq(int(messageId), int(65507), str(Buffer.from([0x04])), int(3)),
    str(security),
    seq(str(""), str(""), tlv(0xa0, Buffer.concat([int(messageId), int(0), int(0), seq()]))),
  );
}

interface Tlv {
  tag: number;
  value: Buffer;
  end: number;
}

function read(buffer: Buffer, offset: number): Tlv {
  const tag = buffer[offset];
  let len = buffer[offset + 1];
  let start = offset + 2;
  if (len & 0x80) {
    const count = len & 0x7f;
    len = 0;
    for (let i = 0; i < count; i++) len = len * 256 + buffer[start + i];
    start += count;
  }
  if (tag === undefined || start + len > buffer.length) throw new Error("truncated SNMP message");
  return { tag, value: buffer.subarray(start, start + len), end: start + len };
}

function children(buffer: Buffer): Tlv[] {
  const items: Tlv[] = [];
  for (let offset = 0; offset < buffer.length; ) {
    const item = read(buffer, offset);
    items.push(item);
    offset = item.end;
  }
  return items;
}

const intValue = (value: Buffer) => value.reduce((acc, byte) => acc * 256 + byte, 0);

export interface SnmpReply {
  version: number;
  /** v1/v2c: the error-status of the response (0 = noError). */
  errorStatus?: number;
  /** v1/v2c: sysDescr.0. */
  sysDescr?: string;
}

/** Parses an SNMP message (any version) far enough to tell what answered. */
export function parseReply(message: Buffer): SnmpReply {
  const top = read(message, 0);
  if (top.tag !== 0x30) throw new Error("not an SNMP message");
  const [version, ...rest] = children(top.value);
  const reply: SnmpReply = { version: intValue(version.value) };
  if (reply.version === 3) return reply;
  const pdu = rest[1];
  if (!pdu || pdu.tag !== 0xa2) throw new Error("not an SNMP response");
  const [, errorStatus, , varbinds] = children(pdu.value);
  reply.errorStatus = intValue(errorStatus.value);
  const first = varbinds ? children(varbinds.value)[0] : undefined;
  const value = first ? children(first.value)[1] : undefined;
  if (value?.tag === 0x04) reply.sysDescr = value.value.toString("utf8");
  return reply;
}

export interface SnmpProbe {
  host: string;
  port: number;
  timeoutMs: number;
  version: "V1" | "V2C" | "V3";
  community?: string;
}

/** Sends one request and resolves with the reply; rejects with the socket error or a timeout error. */
export function snmpRequest(probe: SnmpProbe): Promise<SnmpReply> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(probe.host.includes(":") ? "udp6" : "udp4");
    const id = randomInt(1, 0x7fffffff);
    const message = probe.version === "V3" ? discoveryRequest(id) : getRequest(probe.version === "V1" ? 0 : 1, probe.community ?? "", id);
    let done = false;
    const finish = (error: Error | null, reply?: SnmpReply) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      if (error) reject(error);
      else resolve(reply!);
    };
    const timer = setTimeout(
      () => finish(Object.assign(new Error(`no SNMP answer within ${probe.timeoutMs} ms (no agent, or it ignores this community)`), { code: "ETIMEDOUT" })),
      probe.timeoutMs,
    );
    socket.on("error", (error) => finish(error));
    socket.on("message", (data) => {
      try {
        finish(null, parseReply(data));
      } catch (error) {
        finish(error as Error);
      }
    });
    socket.connect(probe.port, probe.host, () => socket.send(message));
  });
}

export interface SnmpV3Login {
  username: string;
  securityLevel: "noAuthNoPriv" | "authNoPriv" | "authPriv";
  /** MD5, SHA, SHA224, SHA256, SHA384, SHA512 (the credential's names). */
  authProtocol?: string;
  authPassword?: string;
  /** DES, AES, AES192, AES256. */
  privProtocol?: string;
  privPassword?: string;
}

/** Why an authenticated v3 GET failed: AUTH for credentials the agent refused, CONFIG for what cannot be tried here. */
export class SnmpV3Error extends Error {
  constructor(
    readonly kind: "AUTH" | "TIMEOUT" | "CONFIG" | "PROTOCOL",
    message: string,
  ) {
    super(message);
  }
}

const AUTH_PROTOCOLS: Record<string, snmp.AuthProtocols> = {
  MD5: snmp.AuthProtocols.md5,
  SHA: snmp.AuthProtocols.sha,
  SHA224: snmp.AuthProtocols.sha224,
  SHA256: snmp.AuthProtocols.sha256,
  SHA384: snmp.AuthProtocols.sha384,
  SHA512: snmp.AuthProtocols.sha512,
};
/** AES256 is the Blumenthal key extension, as Net-SNMP's AES-256; net-snmp (npm) has no AES-192. */
const PRIV_PROTOCOLS: Record<string, snmp.PrivProtocols | undefined> = {
  DES: snmp.PrivProtocols.des,
  AES: snmp.PrivProtocols.aes,
  AES256: snmp.PrivProtocols.aes256b,
};
const LEVELS = { noAuthNoPriv: snmp.SecurityLevel.noAuthNoPriv, authNoPriv: snmp.SecurityLevel.authNoPriv, authPriv: snmp.SecurityLevel.authPriv } as const;

function v3User(login: SnmpV3Login, level: SnmpV3Login["securityLevel"]): snmp.User {
  const user: snmp.User = { name: login.username, level: LEVELS[level] };
  if (level === "noAuthNoPriv") return user;
  const authProtocol = AUTH_PROTOCOLS[login.authProtocol ?? "SHA256"];
  if (authProtocol === undefined) throw new SnmpV3Error("CONFIG", `authentication protocol ${login.authProtocol} is not supported`);
  if (!login.authPassword) throw new SnmpV3Error("CONFIG", `the credential has no authentication password (needed for ${level})`);
  Object.assign(user, { authProtocol, authKey: login.authPassword });
  if (level === "authNoPriv") return user;
  const privProtocol = PRIV_PROTOCOLS[login.privProtocol ?? "AES"];
  if (privProtocol === undefined) throw new SnmpV3Error("CONFIG", `privacy protocol ${login.privProtocol} is not supported by the SNMP client; use AES or AES256`);
  if (!login.privPassword) throw new SnmpV3Error("CONFIG", "the credential has no privacy password (needed for authPriv)");
  return Object.assign(user, { privProtocol, privKey: login.privPassword });
}

/** One GET of sysDescr.0 at the given level; resolves with sysDescr or rejects with an SnmpV3Error (never a secret in it). */
function v3GetOnce(host: string, port: number, timeoutMs: number, login: SnmpV3Login, level: SnmpV3Login["securityLevel"]): Promise<string> {
  return new Promise((resolve, reject) => {
    let user: snmp.User;
    try {
      user = v3User(login, level);
    } catch (error) {
      return reject(error);
    }
    const session = snmp.createV3Session(host, user, {
      port,
      version: snmp.Version3,
      transport: host.includes(":") ? "udp6" : "udp4",
      retries: 0,
      timeout: Math.max(1, timeoutMs),
    });
    let settled = false;
    const finish = (error: Error | null, value?: string) => {
      if (settled) return;
      settled = true;
      try {
        session.close();
      } catch {
        // already closed
      }
      if (error) reject(error);
      else resolve(value!);
    };
    session.on("error", (error: Error) => finish(new SnmpV3Error("PROTOCOL", error.message)));
    try {
      session.get([SYS_DESCR], (error, varbinds) => {
        if (!error) {
          const value = varbinds?.[0];
          if (!value || snmp.isVarbindError(value)) return finish(new SnmpV3Error("PROTOCOL", `sysDescr.0: ${value ? snmp.varbindError(value) : "no varbind"}`));
          return finish(null, Buffer.isBuffer(value.value) ? value.value.toString("utf8") : String(value.value));
        }
        finish(v3Error(error, level));
      });
    } catch (error) {
      finish(v3Error(error as Error, level));
    }
  });
}

function v3Error(error: Error & { code?: unknown }, level: SnmpV3Login["securityLevel"]): SnmpV3Error {
  if (error instanceof SnmpV3Error) return error;
  if (error.code === "ERR_OSSL_EVP_UNSUPPORTED") {
    return new SnmpV3Error("CONFIG", "this Node.js runtime's OpenSSL does not provide DES (legacy provider not loaded); use AES privacy on the agent");
  }
  const message = error.message;
  if (error.name === "RequestTimedOutError") return new SnmpV3Error("TIMEOUT", `no authenticated SNMPv3 answer (${level})`);
  if (/Wrong Digest/i.test(message)) return new SnmpV3Error("AUTH", "authentication failed: the agent rejected the digest (wrong authentication password or protocol)");
  if (/Unknown User Name/i.test(message)) return new SnmpV3Error("AUTH", "authentication failed: the agent does not know this user");
  if (/Unsupported Security Level/i.test(message)) return new SnmpV3Error("AUTH", `authentication failed: the agent does not accept ${level} for this user`);
  if (/Decryption Error/i.test(message)) return new SnmpV3Error("AUTH", "authentication failed: the agent could not decrypt the request (wrong privacy password or protocol)");
  if (/AuthorizationError/i.test(message)) return new SnmpV3Error("AUTH", `authenticated, but the user may not read sysDescr.0 at ${level} (agent access control)`);
  return new SnmpV3Error("PROTOCOL", message);
}

/**
 * An authenticated GET of sysDescr.0 with the user's USM credentials. A wrong privacy password makes
 * the agent drop the request silently (Net-SNMP counts a decryption error and answers nothing), so
 * when authPriv gets no answer the same user is tried at authNoPriv: an authenticated answer (or the
 * agent's refusal of the lower level) proves the authentication password right and the privacy
 * password wrong.
 */
export async function snmpV3Get(probe: { host: string; port: number; timeoutMs: number; login: SnmpV3Login }): Promise<string> {
  const started = Date.now();
  const level = probe.login.securityLevel;
  const budget = level === "authPriv" ? Math.max(1, Math.floor(probe.timeoutMs * 0.6)) : probe.timeoutMs;
  try {
    return await v3GetOnce(probe.host, probe.port, budget, probe.login, level);
  } catch (error) {
    if (!(error instanceof SnmpV3Error) || error.kind !== "TIMEOUT" || level !== "authPriv") throw error;
    const left = probe.timeoutMs - (Date.now() - started);
    if (left < 50) throw error;
    try {
      await v3GetOnce(probe.host, probe.port, left, probe.login, "authNoPriv");
    } catch (lower) {
      if (lower instanceof SnmpV3Error && lower.kind === "AUTH" && /does not accept|may not read/.test(lower.message)) {
        throw new SnmpV3Error("AUTH", "authentication failed: the authentication password is right but the agent cannot decrypt the request (wrong privacy password or protocol)");
      }
      if (lower instanceof SnmpV3Error && lower.kind === "AUTH") throw lower;
      throw error;
    }
    throw new SnmpV3Error("AUTH", "authentication failed: the authentication password is right but the agent cannot decrypt the request (wrong privacy password or protocol)");
  }
}
