import { randomUUID } from "node:crypto";
import { badInput, conflict, emitEvent, isUuid, notFound, pageArgs, pick, requirePermission, SYSTEM_ACTOR, type EventData, type PaginationInput, type RequestContext, type Transact } from "@opsconductor/kit/subgraph";
import type { Credential as CredentialModel, CredentialSecret, Prisma, PrismaClient } from "../generated/prisma/client";
import type { Credential } from "./credential.type";
import { DecryptionError, type Keyring } from "./keyring";
import { SECRET_FIELDS, validateCredential, type CredentialInputShape, type Secrets, type SnmpV3Settings } from "./credential.validation";

type Tx = Prisma.TransactionClient;
type Row = CredentialModel & { secrets: Pick<CredentialSecret, "field">[] };

const REQUIRED_FOR_SECRET: Record<string, string[]> = {
  PASSWORD: ["password"],
  SSH_KEY: ["privateKey"],
  SNMP_COMMUNITY: ["community"],
  SNMP_V3: [],
  API_TOKEN: ["token"],
};

/** The API view of a credential: which secrets exist, never what they are. */
export function credentialView(row: Row): Credential {
  const fields = row.secrets.map((secret) => secret.field).sort();
  const settings = (row.settings ?? {}) as SnmpV3Settings;
  const required = REQUIRED_FOR_SECRET[row.type] ?? [];
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    username: row.username,
    description: row.description,
    hasSecret: required.length ? required.every((field) => fields.includes(field)) : fields.length > 0 || settings.securityLevel === "noAuthNoPriv",
    secretFields: fields,
    keyAlgorithm: row.keyAlgorithm,
    publicKeyFingerprint: row.publicKeyFingerprint,
    securityLevel: settings.securityLevel ?? null,
    authProtocol: settings.authProtocol ?? null,
    privProtocol: settings.privProtocol ?? null,
    lastUsedAt: row.lastUsedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function snapshot(row: Row): EventData<"targets.credential.created"> {
  return {
    ...pick(row, ["id", "name", "type", "username"]),
    secretFields: row.secrets.map((secret) => secret.field).sort(),
    publicKeyFingerprint: row.publicKeyFingerprint,
  };
}

const subject = (id: string) => ({ type: "Credential", id });

/** How many of the targets using a credential a refused delete names (the console shows the message as is). */
const IN_USE_NAMED = 5;

/** `Credential "k" is in use by web-01 (SSH), db-01 (SSH) and more`: says where, so the user can fix it. */
export function inUseMessage(name: string, users: { type: string; target: { name: string } }[]): string {
  const named = users.slice(0, IN_USE_NAMED).map((user) => `${user.target.name} (${user.type})`);
  const more = users.length > IN_USE_NAMED ? " and more" : "";
  return `Credential "${name}" is in use by the connection methods of ${named.join(", ")}${more}; change or remove them first`;
}
const withSecrets = { secrets: { select: { field: true } } } as const;

/** A credential opened for use: its non-secret facts and its decrypted secrets. */
export interface OpenedCredential {
  id: string;
  type: CredentialModel["type"];
  username: string | null;
  settings: SnmpV3Settings;
  secrets: Secrets;
}

/**
 * Reusable credentials: validation, sealing every secret field under the keyring's current data
 * key (inside the transaction that writes the row), and an event per change naming only which
 * secret fields changed.
 */
export class CredentialService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly transaction: Transact<Tx>,
    readonly keyring: Keyring,
  ) {}

  async list(ctx: RequestContext, pagination?: PaginationInput | null): Promise<{ items: Credential[]; total: number }> {
    requirePermission(ctx, "credentials:read");
    const { skip, take } = pageArgs(pagination);
    const where = { deletedAt: null };
    const [rows, total] = await Promise.all([
      this.prisma.credential.findMany({ where, include: withSecrets, orderBy: [{ nameKey: "asc" }, { id: "asc" }], skip, take }),
      this.prisma.credential.count({ where }),
    ]);
    return { items: rows.map(credentialView), total };
  }

  async get(ctx: RequestContext, id: string): Promise<Credential | null> {
    requirePermission(ctx, "credentials:read");
    if (!isUuid(id)) return null;
    const row = await this.prisma.credential.findFirst({ where: { id, deletedAt: null }, include: withSecrets });
    return row ? credentialView(row) : null;
  }

  async findActiveByIds(ids: readonly string[]): Promise<Credential[]> {
    const valid = [...new Set(ids.filter(isUuid))];
    if (!valid.length) return [];
    const rows = await this.prisma.credential.findMany({ where: { id: { in: valid }, deletedAt: null }, include: withSecrets });
    return rows.map(credentialView);
  }

  async create(ctx: RequestContext, input: CredentialInputShape): Promise<Credential> {
    const user = requirePermission(ctx, "targets:write");
    const valid = validateCredential(input);
    const id = randomUUID();
    const row = await this.transaction(
      async (tx) => {
        await this.assertNameFree(tx, valid.name);
        await tx.credential.create({
          data: {
            id,
            name: valid.name,
            nameKey: valid.name.toLowerCase(),
            type: valid.type,
            username: valid.username,
            description: valid.description,
            settings: valid.settings as Prisma.InputJsonValue,
            keyAlgorithm: valid.sshKey?.algorithm ?? null,
            publicKeyFingerprint: valid.sshKey?.fingerprint ?? null,
            createdById: isUuid(user.id) ? user.id : null,
          },
        });
        await this.writeSecrets(tx, id, valid.secrets);
        const created = await tx.credential.findUniqueOrThrow({ where: { id }, include: withSecrets });
        await emitEvent(tx, "targets.credential.created", { actor: ctx.actor, subject: subject(id), data: snapshot(created) });
        return created;
      },
      { onUniqueViolation: () => conflict("input.name", `A credential named "${valid.name}" already exists`) },
    );
    return credentialView(row);
  }

  async update(ctx: RequestContext, id: string, input: CredentialInputShape): Promise<Credential> {
    requirePermission(ctx, "targets:write");
    if (!isUuid(id)) throw notFound("Credential", id);
    const row = await this.transaction(
      async (tx) => {
        await tx.$executeRawUnsafe("SELECT 1 FROM credentials WHERE id = $1::uuid AND deleted_at IS NULL FOR UPDATE", id);
        const current = await tx.credential.findFirst({ where: { id, deletedAt: null }, include: withSecrets });
        if (!current) throw notFound("Credential", id);
        const settings = (current.settings ?? {}) as SnmpV3Settings;
        const existing = current.secrets.map((secret) => secret.field);
        // A new passphrase only makes sense with the key it opens.
        const sentSecrets = SECRET_FIELDS.filter((field) => input[field] != null);
        if (current.type === "SSH_KEY" && input.passphrase != null && input.privateKey == null) {
          throw badInput("input.privateKey", "send the private key together with its new passphrase");
        }
        const merged: CredentialInputShape = {
          type: current.type,
          name: input.name ?? current.name,
          username: input.username !== undefined ? input.username : current.username,
          description: input.description !== undefined ? input.description : current.description,
          securityLevel: input.securityLevel ?? settings.securityLevel,
          authProtocol: input.authProtocol ?? settings.authProtocol,
          privProtocol: input.privProtocol ?? settings.privProtocol,
          ...Object.fromEntries(sentSecrets.map((field) => [field, input[field]])),
        };
        const valid = validateCredential(merged, existing);
        if (valid.name.toLowerCase() !== current.nameKey) await this.assertNameFree(tx, valid.name, id);
        const replacingKey = current.type === "SSH_KEY" && valid.secrets.privateKey !== undefined;
        await tx.credential.update({
          where: { id },
          data: {
            name: valid.name,
            nameKey: valid.name.toLowerCase(),
            username: valid.username,
            description: valid.description,
            settings: valid.settings as Prisma.InputJsonValue,
            ...(replacingKey ? { keyAlgorithm: valid.sshKey?.algorithm ?? null, publicKeyFingerprint: valid.sshKey?.fingerprint ?? null } : {}),
          },
        });
        // A replaced key drops a passphrase that belonged to the old key.
        if (replacingKey && valid.secrets.passphrase === undefined) {
          await tx.credentialSecret.deleteMany({ where: { credentialId: id, field: "passphrase" } });
        }
        await this.writeSecrets(tx, id, valid.secrets);
        const updated = await tx.credential.findUniqueOrThrow({ where: { id }, include: withSecrets });
        const changed = [
          ...(["name", "username", "description"] as const).filter((field) => updated[field] !== current[field]),
          ...(JSON.stringify(updated.settings) !== JSON.stringify(current.settings) ? ["settings"] : []),
          ...Object.keys(valid.secrets),
        ];
        await emitEvent(tx, "targets.credential.updated", { actor: ctx.actor, subject: subject(id), data: { ...snapshot(updated), changed } });
        return updated;
      },
      { onUniqueViolation: () => conflict("input.name", "A credential with this name already exists") },
    );
    return credentialView(row);
  }

  /** Soft delete; refused while a connection method uses the credential. Its secrets are erased. */
  async delete(ctx: RequestContext, id: string): Promise<boolean> {
    requirePermission(ctx, "targets:write");
    if (!isUuid(id)) throw notFound("Credential", id);
    await this.transaction(async (tx) => {
      await tx.$executeRawUnsafe("SELECT 1 FROM credentials WHERE id = $1::uuid AND deleted_at IS NULL FOR UPDATE", id);
      const current = await tx.credential.findFirst({ where: { id, deletedAt: null } });
      if (!current) throw notFound("Credential", id);
      const users = await tx.connectionMethod.findMany({
        where: { credentialId: id, target: { deletedAt: null } },
        select: { type: true, target: { select: { name: true } } },
        orderBy: { target: { name: "asc" } },
        take: IN_USE_NAMED + 1,
      });
      if (users.length) throw conflict("id", inUseMessage(current.name, users));
      await tx.credentialSecret.deleteMany({ where: { credentialId: id } });
      await tx.credential.update({ where: { id }, data: { deletedAt: new Date(), active: null } });
      await emitEvent(tx, "targets.credential.deleted", { actor: ctx.actor, subject: subject(id), data: { id, name: current.name, type: current.type } });
    });
    return true;
  }

  /** Decrypts a credential for use (connection test, execution bundle). Throws DecryptionError on tampering. */
  async open(id: string, db: Tx | PrismaClient = this.prisma): Promise<OpenedCredential | null> {
    const row = await db.credential.findFirst({ where: { id, deletedAt: null }, include: { secrets: true } });
    if (!row) return null;
    const secrets: Secrets = {};
    for (const secret of row.secrets) {
      secrets[secret.field as keyof Secrets] = await this.keyring.open(id, secret.field, secret);
    }
    return { id, type: row.type, username: row.username, settings: (row.settings ?? {}) as SnmpV3Settings, secrets };
  }

  /**
   * Records a use (lastUsedAt, to the second) without ever waiting for another transaction: one
   * credential usually serves every target of a run, and its connection bundles are fetched all at
   * once. An UPDATE of the credential's row in each bundle's transaction held the row until that
   * transaction committed, so 200 fetches queued behind each other's commits (bench:fanout: bundle
   * fetches of 1.5-18 s). A use while another transaction is recording one, or within a second of
   * the last recorded use, leaves the row alone (each use still has its event).
   */
  async markUsed(tx: Tx, id: string) {
    await tx.$executeRawUnsafe(
      `UPDATE credentials SET last_used_at = (now() AT TIME ZONE 'UTC')
        WHERE id = (SELECT id FROM credentials
                     WHERE id = $1::uuid AND (last_used_at IS NULL OR last_used_at < (now() AT TIME ZONE 'UTC') - interval '1 second')
                     FOR UPDATE SKIP LOCKED)`,
      id,
    );
  }

  /**
   * `npm run keys:rotate`: a new data key version, then every secret not yet under it is opened and
   * sealed again (row-locked, in batches). Counts what was re-sealed and what failed to open.
   */
  async rotateKeys(): Promise<{ version: number; resealed: number; failed: number; failures: string[] }> {
    const version = await this.keyring.addVersion();
    let resealed = 0;
    const failures: string[] = [];
    for (;;) {
      const batch = await this.transaction(
        async (tx) => {
          const rows = await tx.$queryRawUnsafe<Array<{ credential_id: string; field: string; key_version: number; ciphertext: string }>>(
            `SELECT credential_id::text, field, key_version, ciphertext FROM credential_secrets
              WHERE key_version < $1 AND NOT (credential_id::text || ':' || field = ANY($2::text[]))
              ORDER BY credential_id, field LIMIT 200 FOR UPDATE SKIP LOCKED`,
            version,
            failures,
          );
          for (const row of rows) {
            try {
              const plaintext = await this.keyring.open(row.credential_id, row.field, { keyVersion: row.key_version, ciphertext: row.ciphertext }, tx);
              const sealed = await this.keyring.seal(row.credential_id, row.field, plaintext, tx);
              await tx.credentialSecret.update({ where: { credentialId_field: { credentialId: row.credential_id, field: row.field } }, data: sealed });
              resealed++;
            } catch (error) {
              if (!(error instanceof DecryptionError)) throw error;
              failures.push(`${row.credential_id}:${row.field}`);
            }
          }
          return rows.length;
        },
        { timeout: 60_000 },
      );
      if (!batch) break;
    }
    await this.transaction(async (tx) => {
      await tx.encryptionKey.updateMany({ where: { version: { lt: version }, retiredAt: null }, data: { retiredAt: new Date() } });
      await emitEvent(tx, "targets.keys.rotated", {
        actor: SYSTEM_ACTOR,
        subject: { type: "EncryptionKey", id: String(version) },
        data: { version, resealed, failed: failures.length },
      });
    });
    return { version, resealed, failed: failures.length, failures };
  }

  private async writeSecrets(tx: Tx, credentialId: string, secrets: Secrets) {
    for (const [field, value] of Object.entries(secrets)) {
      if (value === undefined) continue;
      const sealed = await this.keyring.seal(credentialId, field, value, tx);
      await tx.credentialSecret.upsert({
        where: { credentialId_field: { credentialId, field } },
        create: { credentialId, field, ...sealed },
        update: sealed,
      });
    }
  }

  private async assertNameFree(tx: Tx, name: string, exceptId?: string) {
    const existing = await tx.credential.findFirst({
      where: { nameKey: name.toLowerCase(), active: true, ...(exceptId ? { id: { not: exceptId } } : {}) },
      select: { id: true },
    });
    if (existing) throw conflict("input.name", `A credential named "${name}" already exists`);
  }
}
