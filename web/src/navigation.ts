/** The console's screens and the permission each needs; the shell hides what a user may not use. */
export interface Screen {
  path: string;
  label: string;
  permission?: string;
}

export const SCREENS: Screen[] = [
  { path: "/", label: "Overview" },
  // User management is the admins' screen (issue 11: "Users (admin)"): it needs users:write, although the
  // API lets every role read the user list (users:read).
  { path: "/targets", label: "Targets", permission: "targets:read" },
  // Export needs targets:read; the import part of the screen is shown only with targets:write.
  { path: "/targets/transfer", label: "Import / export", permission: "targets:read" },
  { path: "/credentials", label: "Credentials", permission: "credentials:read" },
  { path: "/users", label: "Users", permission: "users:write" },
];

const within = (pathname: string, path: string) => pathname === path || pathname.startsWith(`${path}/`);

/** Breadcrumbs for a path: the overview, then every screen the path lies in (Targets › Import / export). */
export function breadcrumbs(pathname: string): Screen[] {
  return [SCREENS[0], ...SCREENS.filter((screen) => screen.path !== "/" && within(pathname, screen.path))];
}

/** The screen a path belongs to (the deepest one): its navigation item is the active one. */
export function screenOf(pathname: string): Screen {
  return breadcrumbs(pathname).at(-1)!;
}

/** The permission a screen needs (the route guard and the navigation use the same one). */
export function permissionOf(path: string): string | undefined {
  return SCREENS.find((screen) => screen.path === path)?.permission;
}
