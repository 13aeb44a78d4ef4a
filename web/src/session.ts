// The signed-in session, outside React so the Apollo links can read it: the access token lives only in
// this module's memory (never in localStorage or a readable cookie). The refresh token is an HttpOnly
// cookie the gateway sets and reads (gateway/src/session-cookie.ts); this code never sees it.

/** Sent on every request: the gateway handles the refresh cookie only for requests that carry it. */
export const SESSION_HEADER = "x-opsc-session";

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  roles: readonly string[];
  permissions: readonly string[];
}

export interface Session {
  accessToken: string;
  expiresAt: number;
  user: SessionUser;
}

type Listener = (session: Session | null) => void;

let current: Session | null = null;
const listeners = new Set<Listener>();
let renewer: () => Promise<boolean> = () => Promise.resolve(false);

export const sessionStore = {
  get: (): Session | null => current,
  /** One refresh, if the session may be renewed without asking; resolves to whether it was. */
  renew: (): Promise<boolean> => renewer(),
  setRenewer(next: () => Promise<boolean>) {
    renewer = next;
  },
  set(next: Session | null) {
    current = next;
    for (const listener of listeners) listener(next);
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

/** Refresh this long before the access token expires (a token with less than twice this left: at half its life). */
export const REFRESH_MARGIN_MS = 60_000;

export function refreshDelay(session: Session, now = Date.now()): number {
  const left = session.expiresAt - now;
  return Math.max(0, left > 2 * REFRESH_MARGIN_MS ? left - REFRESH_MARGIN_MS : left / 2);
}
