import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from "@apollo/client";
import { CombinedGraphQLErrors, ServerError } from "@apollo/client/errors";
import { ErrorLink } from "@apollo/client/link/error";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { getMainDefinition } from "@apollo/client/utilities";
import { OperationTypeNode } from "graphql";
import { createClient } from "graphql-ws";
import { from, switchMap, throwError } from "rxjs";
import { SESSION_HEADER, sessionStore } from "./session";

/**
 * The cache per type: entities are normalised by id; paged lists (`users`, `targets`, `runs`) are kept per
 * filter and sort (keyArgs), each page replacing the last (server paging: the table shows one page at a time).
 */
export function createCache() {
  const pageOf = (keyArgs: string[]) => ({ keyArgs, merge: (_existing: unknown, incoming: unknown) => incoming });
  return new InMemoryCache({
    typePolicies: {
      User: { keyFields: ["id"] },
      Target: { keyFields: ["id"] },
      Credential: { keyFields: ["id"] },
      Run: { keyFields: ["id"] },
      Job: { keyFields: ["id"] },
      UserPage: { keyFields: false },
      Query: {
        fields: {
          users: pageOf(["filter", "sort", "pagination"]),
          targets: pageOf(["filter", "sort", "pagination"]),
          runs: pageOf(["filter", "sort", "pagination"]),
          user: { read: (existing, { args, toReference }) => existing ?? toReference({ __typename: "User", id: args?.id as string }) },
        },
      },
    },
  });
}

/** Sign-in and refresh need no access token; an expired one sent along would get the refresh refused. */
const TOKENLESS_OPERATIONS = new Set(["Login", "Refresh"]);

/** Adds the access token (from memory) and the console's session header to every HTTP request. */
const authLink = new ApolloLink((operation, forward) => {
  const session = TOKENLESS_OPERATIONS.has(operation.operationName ?? "") ? null : sessionStore.get();
  const context = operation.getContext() as { headers?: Record<string, string>; sessionMode?: string };
  operation.setContext({
    headers: {
      ...context.headers,
      [SESSION_HEADER]: context.sessionMode ?? "cookie",
      ...(session ? { authorization: `Bearer ${session.accessToken}` } : {}),
    },
  });
  return forward(operation);
});

/** The gateway refused the access token (expired, or recalled): HTTP 401 or an UNAUTHENTICATED error. */
export function isUnauthenticated(error: unknown): boolean {
  if (ServerError.is(error)) return error.statusCode === 401;
  return CombinedGraphQLErrors.is(error) && error.errors.some((entry) => entry.extensions?.code === "UNAUTHENTICATED");
}

/** Operations that are the session itself: never retried after a refresh. */
const SESSION_OPERATIONS = new Set(["Login", "Refresh", "Logout"]);

/**
 * An operation refused because the access token expired before the silent refresh ran (a sleeping laptop, a
 * throttled background tab) is sent once more after one refresh — when the session may be renewed
 * (`sessionStore.renew`, set by the AuthProvider for "stay signed in"); otherwise the error stands.
 */
const renewLink = new ErrorLink(({ error, operation, forward }) => {
  const context = operation.getContext() as { renewed?: boolean };
  if (context.renewed || SESSION_OPERATIONS.has(operation.operationName ?? "") || !isUnauthenticated(error)) return;
  return from(sessionStore.renew()).pipe(
    switchMap((renewed) => {
      if (!renewed) return throwError(() => error);
      operation.setContext({ renewed: true });
      return forward(operation);
    }),
  );
});

export function createApolloClient(origin = window.location.origin) {
  const http = new HttpLink({ uri: `${origin}/graphql`, credentials: "same-origin" });
  const ws = new GraphQLWsLink(
    createClient({
      url: `${origin.replace(/^http/, "ws")}/graphql`,
      lazy: true,
      retryAttempts: 5,
      // Read at every (re)connection, so a reconnect after a refresh brings the new token.
      connectionParams: () => {
        const session = sessionStore.get();
        return session ? { authorization: `Bearer ${session.accessToken}` } : {};
      },
    }),
  );
  const link = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === "OperationDefinition" && definition.operation === OperationTypeNode.SUBSCRIPTION;
    },
    ws,
    ApolloLink.from([renewLink, authLink, http]),
  );
  return new ApolloClient({ link, cache: createCache() });
}
