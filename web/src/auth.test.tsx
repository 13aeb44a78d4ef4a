import { ApolloClient, ApolloLink, InMemoryCache } from "@apollo/client";
import { ApolloProvider } from "@apollo/client/react";
import { act, render, screen } from "@testing-library/react";
import { of } from "rxjs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AuthProvider, useAuth, WARNING_MS } from "./auth";
import { sessionStore } from "./session";

const TTL_MS = 15 * 60_000;
const user = { __typename: "User", id: "u1", username: "alice", displayName: "Alice", roles: ["VIEWER"], permissions: ["targets:read"] };

/** A client whose link answers login and refresh with a fresh token each time, and counts the operations. */
function fakeClient() {
  const operations: string[] = [];
  let issued = 0;
  const link = new ApolloLink((operation) => {
    if (operation.operationName) operations.push(operation.operationName);
    const payload = { __typename: "AuthPayload", accessToken: `token-${++issued}`, refreshToken: "", expiresAt: new Date(Date.now() + TTL_MS).toISOString(), user };
    if (operation.operationName === "Login") return of({ data: { login: payload } });
    if (operation.operationName === "Refresh") return of(issued === 1 ? { data: null, errors: [{ message: "Invalid or expired refresh token", extensions: { code: "UNAUTHENTICATED" } }] } : { data: { refreshToken: payload } });
    return of({ data: { logout: true } });
  });
  return { client: new ApolloClient({ link, cache: new InMemoryCache() }), operations };
}

function Probe() {
  const { status, expiring, signIn, extend } = useAuth();
  return (
    <div>
      <p>status: {status}</p>
      {expiring && <p>expiring</p>}
      <button onClick={() => void signIn("alice", "pw", false)}>sign in</button>
      <button onClick={() => void signIn("alice", "pw", true)}>sign in and stay</button>
      <button onClick={() => void extend()}>extend</button>
    </div>
  );
}

beforeEach(() => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  sessionStore.set(null);
  window.localStorage.clear();
});
afterEach(() => vi.useRealTimers());

describe("AuthProvider without stay signed in", () => {
  it("warns two minutes before the session ends, extends it on request, and signs out at the end otherwise", async () => {
    const { client, operations } = fakeClient();
    render(
      <ApolloProvider client={client}>
        <AuthProvider>
          <Probe />
        </AuthProvider>
      </ApolloProvider>,
    );
    // No cookie yet: the silent refresh on load is refused.
    await screen.findByText("status: signedOut");
    await act(async () => screen.getByText("sign in").click());
    await screen.findByText("status: signedIn");
    expect(sessionStore.get()?.accessToken).toBe("token-2");

    await act(async () => vi.advanceTimersByTime(TTL_MS - WARNING_MS - 1_000));
    expect(screen.queryByText("expiring")).toBeNull();
    await act(async () => vi.advanceTimersByTime(2_000));
    expect(screen.getByText("expiring")).toBeTruthy();

    await act(async () => screen.getByText("extend").click());
    await vi.waitFor(() => expect(sessionStore.get()?.accessToken).toBe("token-3"));
    expect(screen.queryByText("expiring")).toBeNull();
    expect(operations).toEqual(["Refresh", "Login", "Refresh"]);

    // Not extended again: at the access token's expiry the user is signed out, without another refresh.
    await act(async () => vi.advanceTimersByTime(TTL_MS + 1_000));
    await screen.findByText("status: signedOut");
    expect(sessionStore.get()).toBeNull();
    expect(operations).toEqual(["Refresh", "Login", "Refresh"]);
  });
});

describe("AuthProvider with stay signed in", () => {
  it("refreshes silently before the access token expires, without a warning", async () => {
    const { client, operations } = fakeClient();
    render(
      <ApolloProvider client={client}>
        <AuthProvider>
          <Probe />
        </AuthProvider>
      </ApolloProvider>,
    );
    await screen.findByText("status: signedOut");
    await act(async () => screen.getByText("sign in and stay").click());
    await screen.findByText("status: signedIn");
    expect(window.localStorage.getItem("opsc-stay-signed-in")).toBe("1");
    for (let minute = 1; minute <= 20; minute++) await act(async () => vi.advanceTimersByTime(60_000));
    // 20 minutes with a 15-minute token: refreshed once (a minute before expiry), still signed in, never warned.
    expect(operations).toEqual(["Refresh", "Login", "Refresh"]);
    expect(sessionStore.get()?.accessToken).toBe("token-3");
    expect(screen.getByText("status: signedIn")).toBeTruthy();
    expect(screen.queryByText("expiring")).toBeNull();
  });
});
