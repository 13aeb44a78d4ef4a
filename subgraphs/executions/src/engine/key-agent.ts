import { createHash, createPrivateKey, sign, type KeyObject } from "node:crypto";
import { BaseAgent, utils, type ParsedKey, type SignCallback, type SigningRequestOptions } from "ssh2";

/** How long a parsed key is kept for the next connection with the same credential. */
const KEEP_MS = 5 * 60_000;
const MAX_KEYS = 256;

/** The hash each key type signs with (RSA: the one the server asked for, else SHA-1 as ssh-rsa). */
function hashOf(key: ParsedKey, options?: SigningRequestOptions & { hash?: string }): string | null {
  switch (key.type) {
    case "ssh-ed25519":
      return null;
    case "ecdsa-sha2-nistp256":
      return "sha256";
    case "ecdsa-sha2-nistp384":
      return "sha384";
    case "ecdsa-sha2-nistp521":
      return "sha512";
    default:
      return options?.hash ?? "sha1";
  }
}

/**
 * An in-process SSH agent holding one private key, parsed once. Given the key's text, ssh2 signs
 * with the key's PEM, which OpenSSL 3 decodes again for every signature: about 2.5 ms of CPU per
 * connection, fifteen times the signature itself, paid by every target of a fan-out. The agent signs
 * with a KeyObject made once; ssh2 treats the signature as it treats its own.
 */
export class PrivateKeyAgent extends BaseAgent<ParsedKey> {
  private readonly object: KeyObject;

  constructor(private readonly key: ParsedKey) {
    super();
    this.object = createPrivateKey(key.getPrivatePEM());
  }

  getIdentities(cb: (error: Error | null, keys?: ParsedKey[]) => void): void {
    cb(null, [this.key]);
  }

  sign(_pubKey: ParsedKey, data: Buffer, options: SigningRequestOptions | SignCallback, cb?: SignCallback): void {
    const done = (typeof options === "function" ? options : cb) as SignCallback;
    try {
      done(null, sign(hashOf(this.key, typeof options === "function" ? undefined : options), data, this.object));
    } catch (error) {
      done(error as Error);
    }
  }
}

const agents = new Map<string, { agent: PrivateKeyAgent; until: number }>();

/**
 * The agent for a private key (and passphrase), made on first use and kept for a few minutes (at most
 * MAX_KEYS, keyed by a hash of the key, never by its text); throws ssh2's error for a key it cannot parse.
 */
export function privateKeyAgent(privateKey: string, passphrase?: string): PrivateKeyAgent {
  const id = createHash("sha256").update(privateKey).update("\0").update(passphrase ?? "").digest("hex");
  const now = Date.now();
  const cached = agents.get(id);
  if (cached && cached.until > now) return cached.agent;
  const parsed = utils.parseKey(privateKey, passphrase);
  if (parsed instanceof Error) throw parsed;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key?.isPrivateKey()) throw new Error("not a private key");
  const agent = new PrivateKeyAgent(key);
  for (const [other, entry] of agents) if (entry.until <= now || agents.size >= MAX_KEYS) agents.delete(other);
  agents.set(id, { agent, until: now + KEEP_MS });
  return agent;
}
