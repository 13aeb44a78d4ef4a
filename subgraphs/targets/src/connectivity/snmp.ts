import dgram from "node:dgram";
import { randomInt } from "node:crypto";

/**
 * The smallest SNMP client the connectivity test needs (BER by hand, no dependency): v1/v2c GET of
 * sysDescr.0 with the community, or for v3 the USM engine-discovery request (no credentials needed:
 * any agent answers it with a Report), over a connected UDP socket so an ICMP port-unreachable
 * surfaces as ECONNREFUSED.
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
