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
  { path: "/users", label: "Users", permission: "users:write" },
];

/** Breadcrumbs for a path: the overview, then the screen it belongs to. */
export function breadcrumbs(pathname: string): Screen[] {
  const screen = SCREENS.find((candidate) => candidate.path !== "/" && (pathname === candidate.path || pathname.startsWith(`${candidate.path}/`)));
  return screen ? [SCREENS[0], screen] : [SCREENS[0]];
}

/** The permission a screen needs (the route guard and the navigation use the same one). */
export function permissionOf(path: string): string | undefined {
  return SCREENS.find((screen) => screen.path === path)?.permission;
}
