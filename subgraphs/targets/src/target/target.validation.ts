import { badInput } from "@opsconductor/kit/subgraph";
import * as rules from "@opsconductor/kit/rules";
import { OsType } from "../generated/prisma/enums";

/**
 * The rules for a target's fields: the shared ones of @opsconductor/kit/rules (the web console's forms
 * check the same before sending), each throwing BAD_USER_INPUT naming the field here.
 */

export { DEFAULT_ENVIRONMENT, DEFAULT_PORT, DESCRIPTION_MAX, HOSTNAME_MAX, NAME_MAX, TAGS_MAX } from "@opsconductor/kit/rules";

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

/** Runs a shared rule; its violation becomes BAD_USER_INPUT on `field`. */
function onField<T>(field: string, rule: () => T): T {
  try {
    return rule();
  } catch (error) {
    if (error instanceof rules.RuleViolation) throw badInput(field, error.message);
    throw error;
  }
}

export const normalizeName = (value: string, field = "input.name"): string => onField(field, () => rules.normalizeName(value));
export const normalizeAddress = (value: string, field = "input.address"): string => onField(field, () => rules.normalizeAddress(value));
export const normalizePort = (value: number, field = "input.port"): number => onField(field, () => rules.normalizePort(value));
export const normalizeEnvironment = (value: string, field = "input.environment"): string => onField(field, () => rules.normalizeEnvironment(value));
export const normalizeTags = (values: readonly string[], field = "input.tags"): string[] => onField(field, () => rules.normalizeTags(values));
export const normalizeDescription = (value: string | null | undefined, field = "input.description"): string | null =>
  onField(field, () => rules.normalizeDescription(value));
const normalizeOsType = (value: string, field = "input.osType"): OsType => onField(field, () => rules.normalizeOsType(value) as OsType);

/** Validates a whole create input and fills in the defaults. */
export function validateCreate(input: TargetInputShape): TargetValues {
  if (input.name == null) throw badInput("input.name", "is required");
  if (input.address == null) throw badInput("input.address", "is required");
  return {
    name: normalizeName(input.name),
    address: normalizeAddress(input.address),
    port: normalizePort(input.port ?? rules.DEFAULT_PORT),
    osType: normalizeOsType(input.osType ?? OsType.LINUX),
    environment: normalizeEnvironment(input.environment ?? rules.DEFAULT_ENVIRONMENT),
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
  return rules.ipFamily(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}
