import { useApolloClient } from "@apollo/client/react";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { LoginMutation, LogoutMutation, RefreshMutation } from "./operations";
import { refreshDelay, sessionStore, type Session, type SessionUser } from "./session";

type Status = "loading" | "signedOut" | "signedIn";

interface AuthContextValue {
  status: Status;
  /** The session ends within WARNING_MS (signed in without "stay signed in"): the shell offers to extend it. */
  expiring: boolean;
  /** Extends a session that is about to end (one refresh). */
  extend(): Promise<void>;
  user: SessionUser | null;
  /** Throws the server's error (invalid credentials, too many attempts) for the form to show. */
  signIn(username: string, password: string, staySignedIn: boolean): Promise<void>;
  signOut(everywhere?: boolean): Promise<void>;
  can(permission: string): boolean;
}

const AuthContext = createContext<AuthContextValue | null>(null);

type Issued = { accessToken: string; expiresAt: unknown; user: SessionUser };
const toSession = (issued: Issued): Session => ({
  accessToken: issued.accessToken,
  expiresAt: new Date(String(issued.expiresAt)).getTime(),
  user: issued.user,
});

/** Without "stay signed in", the session ends with its access token; the user is warned this long before. */
export const WARNING_MS = 2 * 60_000;
/** The "stay signed in" choice (a preference, not a token) survives reloads here. */
const STAY_KEY = "opsc-stay-signed-in";
const staySignedIn = () => window.localStorage.getItem(STAY_KEY) === "1";

/** One refresh at a time per page: the refresh token is single-use, a second concurrent use would be reuse. */
let refreshing: Promise<Session | null> | null = null;

export function AuthProvider({ children }: { children: ReactNode }) {
  const client = useApolloClient();
  const [session, setSession] = useState<Session | null>(sessionStore.get());
  const [status, setStatus] = useState<Status>(sessionStore.get() ? "signedIn" : "loading");
  const [expiring, setExpiring] = useState(false);

  useEffect(() => sessionStore.subscribe(setSession), []);

  const refresh = useCallback((): Promise<Session | null> => {
    refreshing ??= client
      .mutate({ mutation: RefreshMutation, variables: { refreshToken: "" } })
      .then(({ data }) => (data ? toSession(data.refreshToken) : null))
      .catch(() => null)
      .then((next) => {
        sessionStore.set(next);
        setStatus(next ? "signedIn" : "signedOut");
        return next;
      })
      .finally(() => {
        refreshing = null;
      });
    return refreshing;
  }, [client]);

  // A request refused for an expired token is retried after one refresh (apollo.ts) only with "stay signed
  // in": otherwise the session ends with its access token, as the warning said.
  useEffect(() => {
    sessionStore.setRenewer(async () => staySignedIn() && sessionStore.get() !== null && (await refresh()) !== null);
    return () => sessionStore.setRenewer(() => Promise.resolve(false));
  }, [refresh]);

  // On load: a refresh cookie from an earlier visit signs the user in silently.
  useEffect(() => {
    if (!sessionStore.get()) void refresh();
  }, [refresh]);

  // "Stay signed in": silent refresh before the access token expires. Otherwise: a warning WARNING_MS
  // before it expires (the shell offers to extend), then signed out.
  useEffect(() => {
    setExpiring(false);
    if (!session) return;
    if (staySignedIn()) {
      const timer = setTimeout(() => void refresh(), refreshDelay(session));
      return () => clearTimeout(timer);
    }
    const left = session.expiresAt - Date.now();
    const warn = setTimeout(() => setExpiring(true), Math.max(0, left - WARNING_MS));
    const end = setTimeout(() => {
      sessionStore.set(null);
      setStatus("signedOut");
      void client.clearStore();
    }, Math.max(0, left));
    return () => {
      clearTimeout(warn);
      clearTimeout(end);
    };
  }, [session, refresh, client]);

  const extend = useCallback(async () => {
    setExpiring(false);
    await refresh();
  }, [refresh]);

  const signIn = useCallback(
    async (username: string, password: string, stay: boolean) => {
      const { data } = await client.mutate({
        mutation: LoginMutation,
        variables: { username, password },
        context: { sessionMode: stay ? "persistent" : "session" },
      });
      if (!data) throw new Error("Sign-in returned no data");
      window.localStorage.setItem(STAY_KEY, stay ? "1" : "0");
      await client.clearStore();
      sessionStore.set(toSession(data.login));
      setStatus("signedIn");
    },
    [client],
  );

  const signOut = useCallback(
    async (everywhere = false) => {
      try {
        await client.mutate({ mutation: LogoutMutation, variables: { allSessions: everywhere, refreshToken: "" } });
      } finally {
        sessionStore.set(null);
        setStatus("signedOut");
        await client.clearStore();
      }
    },
    [client],
  );

  const value = useMemo<AuthContextValue>(
    () => ({
      status,
      expiring,
      extend,
      user: session?.user ?? null,
      signIn,
      signOut,
      can: (permission) => session?.user.permissions.includes(permission) ?? false,
    }),
    [status, expiring, extend, session, signIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth outside AuthProvider");
  return value;
}
