import { generateKeyPairSync } from "node:crypto";
import jwt from "jsonwebtoken";
import { JWT_ALGORITHM, type AuthUser, type KeyResolver } from "../auth";
import { Client } from "pg";

/** Test helpers: a GraphQL client for the gateway, logins, and throwaway databases. */

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  status: number;
}

export async function graphql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, "status">;
  return { ...body, status: response.status };
}

export interface LoginResult {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
  user: { id: string; username: string; roles: string[] };
}

const LOGIN = /* GraphQL */ `
  mutation Login($username: String!, $password: String!) {
    login(username: $username, password: $password) {
      accessToken
      refreshToken
      expiresAt
      user { id username roles }
    }
  }
`;

/** Logs in through the gateway and returns the tokens; throws with the GraphQL errors otherwise. */
export async function login(url: string, username: string, password: string): Promise<LoginResult> {
  const result = await graphql<{ login: LoginResult }>(url, LOGIN, { username, password });
  if (!result.data?.login) throw new Error(`login failed: ${JSON.stringify(result.errors)}`);
  return result.data.login;
}

/** The error codes of a response, in order. */
export const errorCodes = (response: GraphQLResponse<unknown>) => (response.errors ?? []).map((error) => error.extensions?.code);

/** Creates an empty database (dropping any old one of that name) and returns its URL. */
export async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Polls until check() returns a truthy value or the timeout passes. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * A throwaway ES256 signer for in-process subgraph tests: tokens it signs verify with `keys`,
 * exactly as tokens from the auth service verify with its JWKS.
 */
export function createTestSigner(issuer = "opsconductor-auth", audience = "opsconductor") {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const kid = "test-key";
  const keys: KeyResolver = async (requested) => (requested === kid ? publicKey : undefined);
  const sign = (user: Partial<AuthUser> & { id: string }, expiresInSeconds = 300) =>
    jwt.sign(
      { username: user.username ?? "tester", roles: user.roles ?? [], permissions: user.permissions ?? [] },
      privateKey,
      { algorithm: JWT_ALGORITHM, keyid: kid, subject: user.id, issuer, audience, expiresIn: expiresInSeconds },
    );
  return { keys, sign, issuer, audience };
}
