import { createHmac, randomBytes } from "node:crypto";

/**
 * NTLMv2 client messages (MS-NLMP) for the WinRM connection test: NEGOTIATE, and AUTHENTICATE from
 * the server's CHALLENGE. No session security (signing/sealing) and no MIC: enough to prove that the
 * server accepts the user's password. MD4 is written out here because OpenSSL 3 keeps it in the
 * legacy provider, which Node.js does not load (createHash("md4") throws).
 */

/** MD4 (RFC 1320), for the NT hash only. */
export function md4(input: Buffer): Buffer {
  const bitLength = input.length * 8;
  const padded = Buffer.alloc(((input.length + 8) >> 6) * 64 + 64);
  input.copy(padded);
  padded[input.length] = 0x80;
  padded.writeUInt32LE(bitLength >>> 0, padded.length - 8);
  padded.writeUInt32LE(Math.floor(bitLength / 0x100000000), padded.length - 4);
  let a = 0x67452301;
  let b = 0xefcdab89;
  let c = 0x98badcfe;
  let d = 0x10325476;
  const rotl = (x: number, s: number) => (x << s) | (x >>> (32 - s));
  const x = new Array<number>(16);
  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let i = 0; i < 16; i++) x[i] = padded.readUInt32LE(offset + i * 4);
    const [aa, bb, cc, dd] = [a, b, c, d];
    const f = (p: number, q: number, r: number) => (p & q) | (~p & r);
    const g = (p: number, q: number, r: number) => (p & q) | (p & r) | (q & r);
    const h = (p: number, q: number, r: number) => p ^ q ^ r;
    for (const i of [0, 4, 8, 12]) {
      a = rotl((a + f(b, c, d) + x[i]) | 0, 3);
      d = rotl((d + f(a, b, c) + x[i + 1]) | 0, 7);
      c = rotl((c + f(d, a, b) + x[i + 2]) | 0, 11);
      b = rotl((b + f(c, d, a) + x[i + 3]) | 0, 19);
    }
    for (const i of [0, 1, 2, 3]) {
      a = rotl((a + g(b, c, d) + x[i] + 0x5a827999) | 0, 3);
      d = rotl((d + g(a, b, c) + x[i + 4] + 0x5a827999) | 0, 5);
      c = rotl((c + g(d, a, b) + x[i + 8] + 0x5a827999) | 0, 9);
      b = rotl((b + g(c, d, a) + x[i + 12] + 0x5a827999) | 0, 13);
    }
    for (const i of [0, 2, 1, 3]) {
      a = rotl((a + h(b, c, d) + x[i] + 0x6ed9eba1) | 0, 3);
      d = rotl((d + h(a, b, c) + x[i + 8] + 0x6ed9eba1) | 0, 9);
      c = rotl((c + h(d, a, b) + x[i + 4] + 0x6ed9eba1) | 0, 11);
      b = rotl((b + h(c, d, a) + x[i + 12] + 0x6ed9eba1) | 0, 15);
    }
    a = (a + aa) | 0;
    b = (b + bb) | 0;
    c = (c + cc) | 0;
    d = (d + dd) | 0;
  }
  const out = Buffer.alloc(16);
  [a, b, c, d].forEach((word, i) => out.writeInt32LE(word, i * 4));
  return out;
}

const utf16 = (text: string) => Buffer.from(text, "utf16le");
const hmacMd5 = (key: Buffer, ...data: Buffer[]) => createHmac("md5", key).update(Buffer.concat(data)).digest();

/** NTOWFv2 = HMAC-MD5(MD4(UTF-16LE(password)), UTF-16LE(UPPER(user) + domain)). */
export function ntowfv2(password: string, user: string, domain: string): Buffer {
  return hmacMd5(md4(utf16(password)), utf16(user.toUpperCase() + domain));
}

const SIGNATURE = Buffer.from("NTLMSSP\0", "latin1");
const FLAGS = {
  UNICODE: 0x00000001,
  REQUEST_TARGET: 0x00000004,
  NTLM: 0x00000200,
  ALWAYS_SIGN: 0x00008000,
  EXTENDED_SESSIONSECURITY: 0x00080000,
  TARGET_INFO: 0x00800000,
  N128: 0x20000000,
  N56: 0x80000000,
};
const NEGOTIATE_FLAGS =
  (FLAGS.UNICODE | FLAGS.REQUEST_TARGET | FLAGS.NTLM | FLAGS.ALWAYS_SIGN | FLAGS.EXTENDED_SESSIONSECURITY | FLAGS.TARGET_INFO | FLAGS.N128 | FLAGS.N56) >>> 0;

/** The NEGOTIATE_MESSAGE (type 1), no domain or workstation supplied. */
export function negotiateMessage(): Buffer {
  const message = Buffer.alloc(32);
  SIGNATURE.copy(message);
  message.writeUInt32LE(1, 8);
  message.writeUInt32LE(NEGOTIATE_FLAGS, 12);
  return message;
}

export interface Challenge {
  flags: number;
  serverChallenge: Buffer;
  targetInfo: Buffer;
  /** MsvAvTimestamp from the target info, when the server sent one. */
  timestamp: Buffer | null;
}

/** Parses a CHALLENGE_MESSAGE (type 2); throws on anything else. */
export function parseChallenge(message: Buffer): Challenge {
  if (message.length < 32 || !message.subarray(0, 8).equals(SIGNATURE) || message.readUInt32LE(8) !== 2) throw new Error("not an NTLM challenge");
  const flags = message.readUInt32LE(20);
  const serverChallenge = Buffer.from(message.subarray(24, 32));
  let targetInfo = Buffer.alloc(0);
  if (message.length >= 48) {
    const length = message.readUInt16LE(40);
    const offset = message.readUInt32LE(44);
    if (offset + length > message.length) throw new Error("truncated NTLM challenge");
    targetInfo = Buffer.from(message.subarray(offset, offset + length));
  }
  let timestamp: Buffer | null = null;
  for (let at = 0; at + 4 <= targetInfo.length; ) {
    const id = targetInfo.readUInt16LE(at);
    const length = targetInfo.readUInt16LE(at + 2);
    if (id === 0) break;
    if (id === 7 && length === 8) timestamp = Buffer.from(targetInfo.subarray(at + 4, at + 12));
    at += 4 + length;
  }
  return { flags, serverChallenge, targetInfo, timestamp };
}

/** Windows FILETIME (100 ns since 1601-01-01) of now, little-endian. */
function fileTime(now = Date.now()): Buffer {
  const time = Buffer.alloc(8);
  time.writeBigUInt64LE((BigInt(now) + 11_644_473_600_000n) * 10_000n);
  return time;
}

/** The NTLMv2 responses (MS-NLMP 3.3.2) for a challenge; exported for the spec's test vectors. */
export function ntlmv2Responses(options: { password: string; user: string; domain: string; serverChallenge: Buffer; targetInfo: Buffer; clientChallenge: Buffer; time: Buffer }) {
  const key = ntowfv2(options.password, options.user, options.domain);
  const temp = Buffer.concat([Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]), options.time, options.clientChallenge, Buffer.alloc(4), options.targetInfo, Buffer.alloc(4)]);
  const ntProofStr = hmacMd5(key, options.serverChallenge, temp);
  return {
    ntProofStr,
    nt: Buffer.concat([ntProofStr, temp]),
    lm: Buffer.concat([hmacMd5(key, options.serverChallenge, options.clientChallenge), options.clientChallenge]),
  };
}

/** "DOMAIN\\user" or "user@domain" or "user". */
export function splitUser(username: string): { user: string; domain: string } {
  const backslash = username.indexOf("\\");
  if (backslash >= 0) return { domain: username.slice(0, backslash), user: username.slice(backslash + 1) };
  return { user: username, domain: "" };
}

/** The AUTHENTICATE_MESSAGE (type 3) answering a challenge with the password. */
export function authenticateMessage(challenge: Challenge, username: string, password: string, workstation = "OPSCONDUCTOR"): Buffer {
  const { user, domain } = splitUser(username);
  const clientChallenge = randomBytes(8);
  const responses = ntlmv2Responses({
    password,
    user,
    domain,
    serverChallenge: challenge.serverChallenge,
    targetInfo: challenge.targetInfo,
    clientChallenge,
    time: challenge.timestamp ?? fileTime(),
  });
  // With a server timestamp, the LMv2 response is sent as zeros (MS-NLMP 3.1.5.1.2).
  const lm = challenge.timestamp ? Buffer.alloc(24) : responses.lm;
  const fields = [lm, responses.nt, utf16(domain), utf16(user), utf16(workstation), Buffer.alloc(0)];
  const header = Buffer.alloc(64);
  SIGNATURE.copy(header);
  header.writeUInt32LE(3, 8);
  let offset = header.length;
  fields.forEach((field, i) => {
    header.writeUInt16LE(field.length, 12 + i * 8);
    header.writeUInt16LE(field.length, 14 + i * 8);
    header.writeUInt32LE(offset, 16 + i * 8);
    offset += field.length;
  });
  header.writeUInt32LE((challenge.flags & NEGOTIATE_FLAGS) >>> 0 || NEGOTIATE_FLAGS, 60);
  return Buffer.concat([header, ...fields]);
}
