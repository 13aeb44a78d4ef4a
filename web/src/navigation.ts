/** The console's screens and the permission each needs; the shell hides what a user may not use. */
export interface Screen {
  path: string;
  label: string;
  permission?: string;
}

export const SCREENS: Screen[] = [
  { path: "/", label: "Overview" },
  { path: "/users", label: "Users", permission: "users:read" },
];

/** Breadcrumbs for a path: the overview, then the screen it belongs to. */
export function breadcrumbs(pathname: string): Screen[] {
  const screen = SCREENS.find((candidate) => candidate.path !== "/" && (pathname === candidate.path || pathname.startsWith(`${candidate.path}/`)));
  return screen ? [SCREENS[0], screen] : [SCREENS[0]];
}
