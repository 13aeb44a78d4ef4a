import { isIP } from "node:net";
import { badInput } from "@opsconductor/kit/subgraph";
import { OsType } from "../generated/prisma/enums";

/** The rules for a target's fields. Pure functions: they normalize a value or throw BAD_USER_INPUT naming the field. */

export const NAME_MAX = 100;
export const DESCRIPTION_MAX = 1000;
export const HOSTNAME_MAX = 253;
export const TAGS_MAX = 20;
export const DEFAULT_PORT = 22;
export const DEFAULT_ENVIRONMENT = "production";

const ENVIRONMENT = /^[a-z0-9][a-z0-9-]{0,31}$/;
const TAG = /^[a-z0-9][a-z0-9:._-]{0,39}$/;
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The values a target row is written with, already normalized. */
export interface TargetValues {
  name: string;
  address: string;
  port: number;
  osType: OsType;
  environment: string;
  tags: string[];
  description: string | null;
}

export interface TargetInputShape {
  name?: string | null;
  address?: string | null;
  port?: number | null;
  osType?: OsType | null;
  environment?: string | null;
  tags?: string[] | null;
  description?: string | null;
  /** Checked against the registry by the service (it needs the database). */
  deviceTypeId?: string | null;
}

export function normalizeName(value: string, field = "input.name"): string {
  const name = value.trim();
  if (!name) throw badInput(field, "is required");
  if (name.length > NAME_MAX) throw badInput(field, `must be at most ${NAME_MAX} characters`);
  return name;
}

/**
 * An IPv4/IPv6 address (node:net isIP) or an RFC 1123 hostname. Hostnames and IPv6 are lower-cased
 * (IPv6 also compressed) so the same host cannot be registered twice under two spellings.
 */
export function normalizeAddress(value: string, field = "input.address"): string {
  const address = value.trim().toLowerCase();
  if (!address) throw badInput(field, "is required");
  const family = isIP(address);
  if (family === 4) return address;
  if (family === 6) return canonicalIpv6(address);
  const invalid = () => badInput(field, `"${value.trim()}" is not a valid IPv4/IPv6 address or hostname`);
  if (address.includes(":")) throw invalid();
  // A fully qualified name may end with the root dot; it names the same host.
  const host = address.endsWith(".") ? address.slice(0, -1) : address;
  if (host.length > HOSTNAME_MAX) throw badInput(field, `a hostname must be at most ${HOSTNAME_MAX} characters`);
  const labels = host.split(".");
  if (!labels.every((label) => HOST_LABEL.test(label))) throw invalid();
  // "10.0.0.300" passes the label rules but is a mistyped IPv4 address, not a hostname (no TLD is numeric).
  if (/^[0-9]+$/.test(labels[labels.length - 1])) throw invalid();
  return host;
}

function canonicalIpv6(address: string): string {
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    // Zone ids (fe80::1%eth0) are valid for isIP but not in URLs; keep them as typed.
    return address;
  }
}

export function normalizePort(value: number, field = "input.port"): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw badInput(field, "must be between 1 and 65535");
  return value;
}

export function normalizeEnvironment(value: string, field = "input.environment"): string {
  const environment = value.trim().toLowerCase();
  if (!ENVIRONMENT.test(environment)) {
    throw badInput(
      field,
      "must be 1-32 characters of a-z, 0-9 and '-', starting with a letter or digit (for example \"production\")",
    );
  }
  return environment;
}

/** Trims, lower-cases and de-duplicates (first occurrence wins), then checks every tag and the count. */
export function normalizeTags(values: readonly string[], field = "input.tags"): string[] {
  const tags = [...new Set(values.map((tag) => tag.trim().toLowerCase()))];
  for (const tag of tags) {
    if (!TAG.test(tag)) {
      throw badInput(
        field,
        `tag "${tag}" must be 1-40 characters of a-z, 0-9, ':', '.', '_' and '-', starting with a letter or digit`,
      );
    }
  }
  if (tags.length > TAGS_MAX) throw badInput(field, `at most ${TAGS_MAX} tags are allowed (got ${tags.length})`);
  return tags;
}

/** Empty or blank descriptions are stored as null. */
export function normalizeDescription(value: string | null | undefined, field = "input.description"): string | null {
  const description = value?.trim() ?? "";
  if (description.length > DESCRIPTION_MAX) throw badInput(field, `must be at most ${DESCRIPTION_MAX} characters`);
  return description || null;
}

function normalizeOsType(value: string, field = "input.osType"): OsType {
  if (!Object.values(OsType).includes(value as OsType)) {
    throw badInput(field, `must be one of ${Object.values(OsType).join(", ")}`);
  }
  return value as OsType;
}

/** Validates a whole create input and fills in the defaults. */
export function validateCreate(input: TargetInputShape): TargetValues {
  if (input.name == null) throw badInput("input.name", "is required");
  if (input.address == null) throw badInput("input.address", "is required");
  return {
    name: normalizeName(input.name),
    address: normalizeAddress(input.address),
    port: normalizePort(input.port ?? DEFAULT_PORT),
    osType: normalizeOsType(input.osType ?? OsType.LINUX),
    environment: normalizeEnvironment(input.environment ?? DEFAULT_ENVIRONMENT),
    tags: normalizeTags(input.tags ?? []),
    description: normalizeDescription(input.description),
  };
}

/**
 * Validates the fields an update sends. Absent fields stay as they are; null clears the description
 * and is refused for the fields a target cannot be without.
 */
export function validateUpdate(input: TargetInputShape): Partial<TargetValues> {
  const changes: Partial<TargetValues> = {};
  const present = (key: keyof TargetInputShape) => {
    if (input[key] === undefined) return false;
    if (input[key] === null && key !== "description") throw badInput(`input.${key}`, "cannot be null");
    return true;
  };
  if (present("name")) changes.name = normalizeName(input.name!);
  if (present("address")) changes.address = normalizeAddress(input.address!);
  if (present("port")) changes.port = normalizePort(input.port!);
  if (present("osType")) changes.osType = normalizeOsType(input.osType!);
  if (present("environment")) changes.environment = normalizeEnvironment(input.environment!);
  if (present("tags")) changes.tags = normalizeTags(input.tags!);
  if (present("description")) changes.description = normalizeDescription(input.description);
  return changes;
}

/** The fields whose value an update really changes, in a stable order. */
export function changedFields(current: TargetValues, changes: Partial<TargetValues>): Array<keyof TargetValues> {
  return (Object.keys(changes) as Array<keyof TargetValues>).filter((key) => {
    const before = current[key];
    const after = changes[key];
    if (Array.isArray(before) && Array.isArray(after)) {
      return before.length !== after.length || before.some((value, index) => value !== after[index]);
    }
    return before !== after;
  });
}

/** "10.0.0.1:22", "[::1]:22", "web-01.example.com:22". */
export function hostPort(address: string, port: number): string {
  return isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}
