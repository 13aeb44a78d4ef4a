import { createHash } from "node:crypto";
import { badInput } from "@opsconductor/kit/subgraph";
import { utils } from "ssh2";
import { CredentialType } from "../generated/prisma/enums";

/** The rules for credentials. Pure functions: they normalize or throw BAD_USER_INPUT naming the field. */

export const SECRET_FIELDS = ["password", "privateKey", "passphrase", "community", "token", "authPassword", "privPassword"] as const;
export type SecretField = (typeof SECRET_FIELDS)[number];
export type Secrets = Partial<Record<SecretField, string>>;
/** Secrets as GraphQL inputs carry them (null = not sent). */
export type SecretsInput = Partial<Record<SecretField, string | null>>;

/** Which secret fields each type may hold, and which it must. */
const ALLOWED: Record<CredentialType, { required: SecretField[]; optional: SecretField[] }> = {
  PASSWORD: { required: ["password"], optional: [] },
  SSH_KEY: { required: ["privateKey"], optional: ["passphrase"] },
  SNMP_COMMUNITY: { required: ["community"], optional: [] },
  SNMP_V3: { required: [], optional: ["authPassword", "privPassword"] },
  API_TOKEN: { required: ["token"], optional: [] },
};

export const SNMP_SECURITY_LEVELS = ["noAuthNoPriv", "authNoPriv", "authPriv"] as const;
export const SNMP_AUTH_PROTOCOLS = ["MD5", "SHA", "SHA224", "SHA256", "SHA384", "SHA512"] as const;
export const SNMP_PRIV_PROTOCOLS = ["DES", "AES", "AES192", "AES256"] as const;
const SECRET_MAX = 16_384;
const USERNAME = /^[A-Za-z0-9._@\\-]{1,64}$/;

export interface CredentialInputShape extends SecretsInput {
  name?: string | null;
  type?: CredentialType | null;
  username?: string | null;
  description?: string | null;
  securityLevel?: string | null;
  authProtocol?: string | null;
  privProtocol?: string | null;
}

export interface SnmpV3Settings {
  securityLevel?: string;
  authProtocol?: string;
  privProtocol?: string;
}

export interface SshKeyInfo {
  algorithm: string;
  fingerprint: string;
}

const ALGORITHMS: Record<string, string> = {
  "ssh-ed25519": "ed25519",
  "ssh-rsa": "rsa",
  "ecdsa-sha2-nistp256": "ecdsa-p256",
  "ecdsa-sha2-nistp384": "ecdsa-p384",
  "ecdsa-sha2-nistp521": "ecdsa-p521",
};

/** `SHA256:…` of a public key blob, as ssh-keygen -l prints it. */
export const blobFingerprint = (blob: Buffer) => `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;

/** Parses a private key (OpenSSH or PEM; ed25519, RSA or ECDSA), opening it with the passphrase. */
export function inspectPrivateKey(privateKey: string, passphrase?: string, field = "input.privateKey"): SshKeyInfo {
  let parsed: ReturnType<typeof utils.parseKey>;
  try {
    parsed = utils.parseKey(privateKey, passphrase);
  } catch {
    throw badInput(field, "is not a readable private key");
  }
  if (parsed instanceof Error) {
    const encrypted = /passphrase|encrypted|decrypt/i.test(parsed.message);
    if (encrypted) throw badInput("input.passphrase", passphrase ? "does not open the private key" : "is required: the private key is encrypted");
    throw badInput(field, "is not a readable private key (OpenSSH or PEM; ed25519, RSA or ECDSA)");
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key?.isPrivateKey()) throw badInput(field, "must be a private key");
  const algorithm = ALGORITHMS[key.type];
  if (!algorithm) throw badInput(field, `key type ${key.type} is not supported (ed25519, RSA or ECDSA)`);
  return { algorithm, fingerprint: blobFingerprint(key.getPublicSSH()) };
}

export function normalizeCredentialName(value: string | null | undefined, field = "input.name"): string {
  const name = (value ?? "").trim();
  if (!name) throw badInput(field, "is required");
  if (name.length > 100) throw badInput(field, "must be at most 100 characters");
  return name;
}

export function normalizeUsername(value: string | null | undefined, field = "input.username"): string | null {
  if (value == null) return null;
  const username = value.trim();
  if (!username) return null;
  if (!USERNAME.test(username)) throw badInput(field, "must be 1-64 characters of letters, digits, '.', '_', '@', '\\' and '-'");
  return username;
}

function pick<T extends string>(value: string | null | undefined, allowed: readonly T[], field: string): T | undefined {
  if (value == null) return undefined;
  if (!allowed.includes(value as T)) throw badInput(field, `must be one of ${allowed.join(", ")}`);
  return value as T;
}

/** The secret fields sent (non-empty), checked against the type. */
export function secretsOf(type: CredentialType, input: SecretsInput): Secrets {
  const allowed = ALLOWED[type];
  const secrets: Secrets = {};
  for (const field of SECRET_FIELDS) {
    const value = input[field];
    if (value == null) continue;
    if (![...allowed.required, ...allowed.optional].includes(field)) throw badInput(`input.${field}`, `is not used by ${type} credentials`);
    if (!value.length) throw badInput(`input.${field}`, "must not be empty");
    if (value.length > SECRET_MAX) throw badInput(`input.${field}`, `must be at most ${SECRET_MAX} characters`);
    if (value.includes("\u0000")) throw badInput(`input.${field}`, "must not contain NUL characters");
    secrets[field] = value;
  }
  return secrets;
}

export interface ValidCredential {
  name: string;
  type: CredentialType;
  username: string | null;
  description: string | null;
  settings: SnmpV3Settings;
  secrets: Secrets;
  sshKey: SshKeyInfo | null;
}

function snmpSettings(input: CredentialInputShape): SnmpV3Settings {
  const securityLevel = pick(input.securityLevel, SNMP_SECURITY_LEVELS, "input.securityLevel") ?? "authPriv";
  const authProtocol = pick(input.authProtocol, SNMP_AUTH_PROTOCOLS, "input.authProtocol");
  const privProtocol = pick(input.privProtocol, SNMP_PRIV_PROTOCOLS, "input.privProtocol");
  return {
    securityLevel,
    ...(securityLevel !== "noAuthNoPriv" ? { authProtocol: authProtocol ?? "SHA256" } : {}),
    ...(securityLevel === "authPriv" ? { privProtocol: privProtocol ?? "AES" } : {}),
  };
}

/** Checks the whole credential (create, or the merged state after an update). */
export function validateCredential(input: CredentialInputShape, existingSecretFields: readonly string[] = []): ValidCredential {
  const type = input.type;
  if (!type || !Object.values(CredentialType).includes(type)) throw badInput("input.type", "is required");
  const name = normalizeCredentialName(input.name);
  const username = normalizeUsername(input.username);
  const description = input.description?.trim() || null;
  if (description && description.length > 1000) throw badInput("input.description", "must be at most 1000 characters");
  const secrets = secretsOf(type, input);
  const has = (field: SecretField) => secrets[field] !== undefined || existingSecretFields.includes(field);
  for (const field of ALLOWED[type].required) if (!has(field)) throw badInput(`input.${field}`, `is required for ${type} credentials`);
  if ((type === "PASSWORD" || type === "SNMP_V3") && !username) throw badInput("input.username", `is required for ${type} credentials`);
  let settings: SnmpV3Settings = {};
  if (type === "SNMP_V3") {
    settings = snmpSettings(input);
    if (settings.securityLevel !== "noAuthNoPriv" && !has("authPassword")) throw badInput("input.authPassword", `is required for ${settings.securityLevel}`);
    if (settings.securityLevel === "authPriv" && !has("privPassword")) throw badInput("input.privPassword", "is required for authPriv");
    for (const field of ["authPassword", "privPassword"] as const) {
      if (secrets[field] !== undefined && secrets[field]!.length < 8) throw badInput(`input.${field}`, "must be at least 8 characters (SNMPv3)");
    }
  }
  const sshKey = type === "SSH_KEY" && secrets.privateKey !== undefined ? inspectPrivateKey(secrets.privateKey, secrets.passphrase) : null;
  return { name, type, username, description, settings, secrets, sshKey };
}
