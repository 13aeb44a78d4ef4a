/**
 * The rules for a target's fields, shared by the targets service (which turns a violation into
 * BAD_USER_INPUT naming the field) and the web console's forms (which show it on the field before
 * sending). Pure functions with no Node or browser API beyond URL: this file must stay importable by both.
 */

export const NAME_MAX = 100;
export const DESCRIPTION_MAX = 1000;
export const HOSTNAME_MAX = 253;
export const TAGS_MAX = 20;
export const DEFAULT_PORT = 22;
export const DEFAULT_ENVIRONMENT = "production";
export const OS_TYPES = ["LINUX", "WINDOWS", "NETWORK", "OTHER"] as const;
export type OsTypeValue = (typeof OS_TYPES)[number];

const ENVIRONMENT = /^[a-z0-9][a-z0-9-]{0,31}$/;
const TAG = /^[a-z0-9][a-z0-9:._-]{0,39}$/;
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

// node:net isIP's own expressions (lib/internal/net.js), so the browser judges addresses exactly as the server.
const V4_SEG = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";
const V4_STR = `(?:${V4_SEG}\\.){3}${V4_SEG}`;
const IPV4 = new RegExp(`^${V4_STR}$`);
const V6_SEG = "(?:[0-9a-fA-F]{1,4})";
const IPV6 = new RegExp(
  "^(?:" +
    `(?:${V6_SEG}:){7}(?:${V6_SEG}|:)|` +
    `(?:${V6_SEG}:){6}(?:${V4_STR}|:${V6_SEG}|:)|` +
    `(?:${V6_SEG}:){5}(?::${V4_STR}|(?::${V6_SEG}){1,2}|:)|` +
    `(?:${V6_SEG}:){4}(?:(?::${V6_SEG}){0,1}:${V4_STR}|(?::${V6_SEG}){1,3}|:)|` +
    `(?:${V6_SEG}:){3}(?:(?::${V6_SEG}){0,2}:${V4_STR}|(?::${V6_SEG}){1,4}|:)|` +
    `(?:${V6_SEG}:){2}(?:(?::${V6_SEG}){0,3}:${V4_STR}|(?::${V6_SEG}){1,5}|:)|` +
    `(?:${V6_SEG}:){1}(?:(?::${V6_SEG}){0,4}:${V4_STR}|(?::${V6_SEG}){1,6}|:)|` +
    `(?::(?:(?::${V6_SEG}){0,5}:${V4_STR}|(?::${V6_SEG}){1,7}|:))` +
    ")(?:%[0-9a-zA-Z-.:]{1,})?$",
);

/** 4, 6 or 0, as node:net isIP answers. */
export function ipFamily(value: string): 0 | 4 | 6 {
  if (IPV4.test(value)) return 4;
  if (IPV6.test(value)) return 6;
  return 0;
}

/** A value breaking a rule; the caller knows which field it is (the service names it in BAD_USER_INPUT). */
export class RuleViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RuleViolation";
  }
}

export function normalizeName(value: string): string {
  const name = value.trim();
  if (!name) throw new RuleViolation("is required");
  if (name.length > NAME_MAX) throw new RuleViolation(`must be at most ${NAME_MAX} characters`);
  return name;
}

/**
 * An IPv4/IPv6 address or an RFC 1123 hostname. Hostnames and IPv6 are lower-cased (IPv6 also
 * compressed) so the same host cannot be registered twice under two spellings.
 */
export function normalizeAddress(value: string): string {
  const address = value.trim().toLowerCase();
  if (!address) throw new RuleViolation("is required");
  const family = ipFamily(address);
  if (family === 4) return address;
  if (family === 6) return canonicalIpv6(address);
  const invalid = () => new RuleViolation(`"${value.trim()}" is not a valid IPv4/IPv6 address or hostname`);
  if (address.includes(":")) throw invalid();
  // A fully qualified name may end with the root dot; it names the same host.
  const host = address.endsWith(".") ? address.slice(0, -1) : address;
  if (host.length > HOSTNAME_MAX) throw new RuleViolation(`a hostname must be at most ${HOSTNAME_MAX} characters`);
  const labels = host.split(".");
  if (!labels.every((label) => HOST_LABEL.test(label))) throw invalid();
  // "10.0.0.300" passes the label rules but is a mistyped IPv4 address, not a hostname (no TLD is numeric).
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) throw invalid();
  return host;
}

function canonicalIpv6(address: string): string {
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    // Zone ids (fe80::1%eth0) are valid addresses but not in URLs; keep them as typed.
    return address;
  }
}

export function normalizePort(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new RuleViolation("must be between 1 and 65535");
  return value;
}

export function normalizeEnvironment(value: string): string {
  const environment = value.trim().toLowerCase();
  if (!ENVIRONMENT.test(environment)) {
    throw new RuleViolation("must be 1-32 characters of a-z, 0-9 and '-', starting with a letter or digit (for example \"production\")");
  }
  return environment;
}

/** Trims, lower-cases and de-duplicates (first occurrence wins), then checks every tag and the count. */
export function normalizeTags(values: readonly string[]): string[] {
  const tags = [...new Set(values.map((tag) => tag.trim().toLowerCase()))];
  for (const tag of tags) {
    if (!TAG.test(tag)) {
      throw new RuleViolation(`tag "${tag}" must be 1-40 characters of a-z, 0-9, ':', '.', '_' and '-', starting with a letter or digit`);
    }
  }
  if (tags.length > TAGS_MAX) throw new RuleViolation(`at most ${TAGS_MAX} tags are allowed (got ${tags.length})`);
  return tags;
}

/** Empty or blank descriptions are stored as null. */
export function normalizeDescription(value: string | null | undefined): string | null {
  const description = value?.trim() ?? "";
  if (description.length > DESCRIPTION_MAX) throw new RuleViolation(`must be at most ${DESCRIPTION_MAX} characters`);
  return description || null;
}

export function normalizeOsType(value: string): OsTypeValue {
  if (!(OS_TYPES as readonly string[]).includes(value)) throw new RuleViolation(`must be one of ${OS_TYPES.join(", ")}`);
  return value as OsTypeValue;
}

/** The fields of a target form, as typed. */
export interface TargetFormValues {
  name: string;
  address: string;
  port: number | string;
  osType: string;
  environment: string;
  tags: readonly string[];
  description: string;
}

/** Every field's first problem (empty when the form may be sent): the same rules the service applies. */
export function targetFormProblems(values: TargetFormValues): Partial<Record<keyof TargetFormValues, string>> {
  const problems: Partial<Record<keyof TargetFormValues, string>> = {};
  const check = (field: keyof TargetFormValues, rule: () => unknown) => {
    try {
      rule();
    } catch (error) {
      if (!(error instanceof RuleViolation)) throw error;
      problems[field] = error.message;
    }
  };
  check("name", () => normalizeName(values.name));
  check("address", () => normalizeAddress(values.address));
  check("port", () => normalizePort(typeof values.port === "number" ? values.port : values.port.trim() === "" ? NaN : Number(values.port)));
  check("osType", () => normalizeOsType(values.osType));
  check("environment", () => normalizeEnvironment(values.environment));
  check("tags", () => normalizeTags(values.tags));
  check("description", () => normalizeDescription(values.description));
  return problems;
}
