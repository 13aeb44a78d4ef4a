/**
 * Every permission in the platform, in one catalog: tokens carry them, `requirePermission` and
 * `@Authorized` accept only these (a typo such as "jobs:run" does not compile), and the users
 * service maps roles onto them. A new service adds its permissions here.
 */
export const PERMISSIONS = [
  "users:read",
  "users:write",
  "targets:read",
  "targets:write",
  "credentials:read",
  "jobs:read",
  "jobs:write",
  "jobs:execute",
  "discovery:read",
  "discovery:write",
  "audit:read",
  "analytics:read",
  "notifications:read",
  "notifications:write",
  "system:read",
  "system:write",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const KNOWN = new Set<string>(PERMISSIONS);
export const isPermission = (value: string): value is Permission => KNOWN.has(value);
