import { registerEnumType } from "type-graphql";

/** Stored and carried in tokens as the lower-case values. */
export enum Role {
  ADMIN = "admin",
  OPERATOR = "operator",
  VIEWER = "viewer",
}

registerEnumType(Role, { name: "Role", description: "What a user may do; each role grants a fixed set of permissions." });

/** Canonical order, so stored role lists compare and display the same way. */
export const ROLE_ORDER: readonly Role[] = [Role.ADMIN, Role.OPERATOR, Role.VIEWER];

export function isRole(value: string): value is Role {
  return (ROLE_ORDER as readonly string[]).includes(value);
}
