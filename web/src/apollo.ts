import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { getMainDefinition } from "@apollo/client/utilities";
import { OperationTypeNode } from "graphql";
import { createClient } from "graphql-ws";
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

/** Adds the access token (from memory) and the console's session header to every HTTP request. */
const authLink = new ApolloLink((operation, forward) => {
  const session = sessionStore.get();
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
    ApolloLink.from([authLink, http]),
  );
  return new ApolloClient({ link, cache: createCache() });
}
