import { badInput, z } from "@opsconductor/kit/subgraph";
import { ROLE_ORDER, type Role } from "./role";

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
const emailSchema = z.email();

export function normalizeUsername(value: string, field: string): string {
  const username = value.trim().toLowerCase();
  if (username.length < 3 || username.length > 32) throw badInput(field, "must be 3 to 32 characters long");
  if (!USERNAME_PATTERN.test(username)) {
    throw badInput(field, "must start with a letter or digit and contain only letters, digits, '.', '_' or '-'");
  }
  return username;
}

/** Lower-cased so that uniqueness ignores case, as operators expect of email addresses. */
export function normalizeEmail(value: string, field: string): string {
  const email = value.trim().toLowerCase();
  if (email.length > 254 || !emailSchema.safeParse(email).success) throw badInput(field, "must be a valid email address");
  return email;
}

export function normalizeDisplayName(value: string, field: string): string {
  const displayName = value.trim();
  if (displayName.length < 1 || displayName.length > 100) throw badInput(field, "must be 1 to 100 characters long");
  return displayName;
}

/** De-duplicated, in canonical order. */
export function normalizeRoles(values: readonly Role[], field: string): Role[] {
  if (values.length === 0) throw badInput(field, "must contain at least one role");
  return ROLE_ORDER.filter((role) => values.includes(role));
}

export function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((role) => b.includes(role));
}

