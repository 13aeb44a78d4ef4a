import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { decrypt, encrypt, JWT_ALGORITHM, type KeyResolver, type Logger } from "@opsconductor/kit/subgraph";
import type { PrismaClient } from "../db";

/** A public key as served in the JWKS. */
export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  kid: string;
  alg: typeof JWT_ALGORITHM;
  use: "sig";
}

export interface ActiveSigningKey {
  kid: string;
  privateKey: KeyObject;
}

/** RFC 7638 thumbprint: a kid derived from the key itself, stable across restarts and replicas. */
export function jwkThumbprint(jwk: { crv: string; kty: string; x: string; y: string }): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash("sha256").update(canonical).digest("base64url");
}

// Any fixed number: serialises key creation between replicas that start at the same moment.
const KEY_CREATION_LOCK = 720_001;
const RELOAD_INTERVAL_MS = 5_000;

/**
 * Owns the ES256 signing keys: loads (or creates, once) the active key at start, serves the
 * public keys as JWKS and resolves kids for the service's own token verification.
 */
export class SigningKeyService {
  private active?: ActiveSigningKey;
  private publicKeys = new Map<string, KeyObject>();
  private lastReload = 0;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly secretsKey: Buffer,
    private readonly logger: Logger,
  ) {}

  async init(): Promise<void> {
    const row = await this.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock($1)", KEY_CREATION_LOCK);
      const existing = await tx.signingKey.findFirst({ where: { retiredAt: null }, orderBy: { createdAt: "desc" } });
      if (existing) return existing;
      const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
      const jwk = publicKey.export({ format: "jwk" }) as { kty: string; crv: string; x: string; y: string };
      const kid = jwkThumbprint(jwk);
      const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
      this.logger.info("created signing key", { kid });
      return tx.signingKey.create({
        data: {
          kid,
          alg: JWT_ALGORITHM,
          publicJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y },
          // The kid is the associated data: a ciphertext copied onto another key's row does not decrypt.
          privateKeyEncrypted: encrypt(pem, this.secretsKey, kid),
        },
      });
    });
    let pem: string;
    try {
      pem = decrypt(row.privateKeyEncrypted, this.secretsKey, row.kid);
    } catch {
      throw new Error(`cannot decrypt signing key ${row.kid}: AUTH_SECRETS_KEY does not match the key it was stored with`);
    }
    this.active = { kid: row.kid, privateKey: createPrivateKey(pem) };
    await this.reload();
    this.logger.info("signing key loaded", { kid: row.kid });
  }

  /** The key new tokens are signed with. */
  signingKey(): ActiveSigningKey {
    if (!this.active) throw new Error("SigningKeyService.init() has not run");
    return this.active;
  }

  /** Every non-retired public key, for `/.well-known/jwks.json`. */
  async jwks(): Promise<{ keys: PublicJwk[] }> {
    const rows = await this.prisma.signingKey.findMany({ where: { retiredAt: null }, orderBy: { createdAt: "desc" } });
    return {
      keys: rows.map((row) => {
        const jwk = row.publicJwk as { kty: string; crv: string; x: string; y: string };
        return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid: row.kid, alg: JWT_ALGORITHM, use: "sig" as const };
      }),
    };
  }

  /**
   * Local verification of the service's own tokens. An unknown kid (a key made by another
   * replica) rereads the table at most every few seconds, so forged kids cannot flood the database.
   */
  readonly resolver: KeyResolver = async (kid) => {
    if (!this.publicKeys.has(kid) && Date.now() - this.lastReload >= RELOAD_INTERVAL_MS) await this.reload();
    return this.publicKeys.get(kid);
  };

  private async reload(): Promise<void> {
    const { keys } = await this.jwks();
    const next = new Map<string, KeyObject>();
    for (const { kid, kty, crv, x, y } of keys) next.set(kid, createPublicKey({ key: { kty, crv, x, y }, format: "jwk" }));
    this.publicKeys = next;
    this.lastReload = Date.now();
  }
}
