import { useApolloClient } from "@apollo/client/react";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { LoginMutation, LogoutMutation, RefreshMutation } from "./operations";
import { refreshDelay, sessionStore, type Session, type SessionUser } from "./session";

type Status = "loading" | "signedOut" | "signedIn";

interface AuthContextValue {
  status: Status;
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

/** One refresh at a time per page: the refresh token is single-use, a second concurrent use would be reuse. */
let refreshing: Promise<Session | null> | null = null;

export function AuthProvider({ children }: { children: ReactNode }) {
  const client = useApolloClient();
  const [session, setSession] = useState<Session | null>(sessionStore.get());
  const [status, setStatus] = useState<Status>(sessionStore.get() ? "signedIn" : "loading");

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

  // On load: a refresh cookie from an earlier visit signs the user in silently.
  useEffect(() => {
    if (!sessionStore.get()) void refresh();
  }, [refresh]);

  // Silent refresh before the access token expires.
  useEffect(() => {
    if (!session) return;
    const timer = setTimeout(() => void refresh(), refreshDelay(session));
    return () => clearTimeout(timer);
  }, [session, refresh]);

  const signIn = useCallback(
    async (username: string, password: string, staySignedIn: boolean) => {
      const { data } = await client.mutate({
        mutation: LoginMutation,
        variables: { username, password },
        context: { sessionMode: staySignedIn ? "persistent" : "session" },
      });
      if (!data) throw new Error("Sign-in returned no data");
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
      user: session?.user ?? null,
      signIn,
      signOut,
      can: (permission) => session?.user.permissions.includes(permission) ?? false,
    }),
    [status, session, signIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth outside AuthProvider");
  return value;
}
