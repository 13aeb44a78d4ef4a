import { randomBytes } from "node:crypto";
import { decrypt, encrypt } from "@opsconductor/kit";
import type { PrismaClient } from "../generated/prisma/client";

/**
 * Envelope encryption for credential secrets. The master key (environment or key file) only wraps
 * data keys; data keys are versioned rows in encryption_keys, and each secret records the version
 * that sealed it. Every ciphertext is AES-256-GCM with associated data naming the credential, the
 * field and the key version, so a ciphertext moved to another credential or field, or edited, fails
 * to open instead of yielding garbage.
 */

/** Opening a sealed secret failed: wrong key, edited or swapped ciphertext. Never carries plaintext. */
export class DecryptionError extends Error {
  constructor(
    readonly credentialId: string,
    readonly field: string,
  ) {
    super(`secret ${field} of credential ${credentialId} failed to decrypt (tampered, swapped or sealed under another key)`);
    this.name = "DecryptionError";
  }
}

export interface Sealed {
  keyVersion: number;
  ciphertext: string;
}

export const secretAad = (credentialId: string, field: string, keyVersion: number) => `opsconductor:credential:${credentialId}:${field}:v${keyVersion}`;
const dataKeyAad = (version: number) => `opsconductor:targets:data-key:v${version}`;

type KeyDb = Pick<PrismaClient, "encryptionKey">;

export class Keyring {
  private readonly dataKeys = new Map<number, Buffer>();

  constructor(
    private readonly db: PrismaClient,
    private readonly masterKey: Buffer,
  ) {}

  /**
   * Opens every stored data key with the master key (fail closed: a wrong master key stops the
   * service at start-up instead of at the first secret), and creates version 1 on a fresh database.
   */
  async verify(): Promise<{ versions: number[] }> {
    const rows = await this.db.encryptionKey.findMany({ orderBy: { version: "asc" } });
    for (const row of rows) this.unwrap(row.version, row.wrappedKey);
    if (!rows.length) await this.addVersion();
    return { versions: (await this.db.encryptionKey.findMany({ select: { version: true } })).map((row) => row.version) };
  }

  /** The newest data key version. */
  async currentVersion(db: KeyDb = this.db): Promise<number> {
    const newest = await db.encryptionKey.findFirst({ orderBy: { version: "desc" }, select: { version: true } });
    return newest?.version ?? this.addVersion();
  }

  async seal(credentialId: string, field: string, plaintext: string, db: KeyDb = this.db): Promise<Sealed> {
    const keyVersion = await this.currentVersion(db);
    const key = await this.dataKey(keyVersion, db);
    return { keyVersion, ciphertext: encrypt(plaintext, key, secretAad(credentialId, field, keyVersion)) };
  }

  async open(credentialId: string, field: string, sealed: Sealed, db: KeyDb = this.db): Promise<string> {
    let key: Buffer;
    try {
      key = await this.dataKey(sealed.keyVersion, db);
    } catch {
      throw new DecryptionError(credentialId, field);
    }
    try {
      return decrypt(sealed.ciphertext, key, secretAad(credentialId, field, sealed.keyVersion));
    } catch {
      throw new DecryptionError(credentialId, field);
    }
  }

  /** Adds a new data key version in its own transaction (serialized by an advisory lock) and returns it. */
  async addVersion(): Promise<number> {
    return this.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtext('targets.encryption_keys'))");
      const newest = await tx.encryptionKey.findFirst({ orderBy: { version: "desc" }, select: { version: true } });
      const version = (newest?.version ?? 0) + 1;
      const key = randomBytes(32);
      await tx.encryptionKey.create({ data: { version, wrappedKey: encrypt(key.toString("base64"), this.masterKey, dataKeyAad(version)) } });
      this.dataKeys.set(version, key);
      return version;
    });
  }

  /**
   * Re-wraps every data key under a new master key (one transaction, serialized with addVersion).
   * Secrets are untouched: they stay sealed by the same data keys. Afterwards only the new master
   * key opens this database, so every process must restart with it (a process still holding the
   * old one refuses to start; a running one keeps its cached keys until then).
   */
  async rewrap(newMasterKey: Buffer): Promise<number> {
    return this.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtext('targets.encryption_keys'))");
      const rows = await tx.encryptionKey.findMany({ orderBy: { version: "asc" } });
      for (const row of rows) {
        const key = this.unwrap(row.version, row.wrappedKey);
        await tx.encryptionKey.update({ where: { version: row.version }, data: { wrappedKey: encrypt(key.toString("base64"), newMasterKey, dataKeyAad(row.version)) } });
      }
      return rows.length;
    });
  }

  private async dataKey(version: number, db: KeyDb): Promise<Buffer> {
    const cached = this.dataKeys.get(version);
    if (cached) return cached;
    const row = await db.encryptionKey.findUnique({ where: { version } });
    if (!row) throw new Error(`no data key version ${version}`);
    return this.unwrap(version, row.wrappedKey);
  }

  private unwrap(version: number, wrapped: string): Buffer {
    let key: Buffer;
    try {
      key = Buffer.from(decrypt(wrapped, this.masterKey, dataKeyAad(version)), "base64");
    } catch {
      throw new Error(`the master key (TARGETS_MASTER_KEY) does not open data key version ${version}: wrong key for this database`);
    }
    this.dataKeys.set(version, key);
    return key;
  }
}
