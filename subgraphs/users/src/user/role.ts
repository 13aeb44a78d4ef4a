import { graphqlEnum, type EnumOf,  } from "@opsconductor/kit/subgraph";

/** Stored and carried in tokens as the lower-case values. */
export const Role = graphqlEnum("Role", { ADMIN: "admin", OPERATOR: "operator", VIEWER: "viewer" }, { description: "What a user may do; each role grants a fixed set of permissions." });
export type Role = EnumOf<typeof Role>;

/** Canonical order, so stored role lists compare and display the same way. */
export const ROLE_ORDER: readonly Role[] = [Role.ADMIN, Role.OPERATOR, Role.VIEWER];

export function isRole(value: string): value is Role {
  return (ROLE_ORDER as readonly string[]).includes(value);
}
