import { PERMISSIONS, type Permission } from "@opsconductor/kit/subgraph";
import { isRole, Role } from "./role";

export { PERMISSIONS, type Permission };

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  [Role.ADMIN]: PERMISSIONS,
  [Role.OPERATOR]: [
    "users:read",
    "targets:read",
    "targets:write",
    // Operators create credentials (targets:write) and pick them for connection methods, so they list them
    // (metadata only: no API returns a secret).
    "credentials:read",
    "jobs:read",
    "jobs:write",
    "jobs:execute",
    "discovery:read",
    "discovery:write",
    "audit:read",
    "analytics:read",
    "notifications:read",
    "system:read",
  ],
  [Role.VIEWER]: ["users:read", "targets:read", "jobs:read", "discovery:read", "analytics:read", "system:read"],
};

/** Union of the roles' permissions, in the order of PERMISSIONS; unknown role names grant nothing. */
export function permissionsFor(roles: readonly string[]): Permission[] {
  const granted = new Set<Permission>();
  for (const role of roles) {
    if (isRole(role)) for (const permission of ROLE_PERMISSIONS[role]) granted.add(permission);
  }
  return PERMISSIONS.filter((permission) => granted.has(permission));
}
