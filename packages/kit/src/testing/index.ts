import express from "express";
import { readFileSync } from "node:fs";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import jwt from "jsonwebtoken";
import { Client } from "pg";
import { JWT_ALGORITHM, type AuthUser, type KeyResolver } from "../auth";
import { serveSubgraph, type PrismaLike, type RunningSubgraph, type SubgraphDefinition, type SubgraphEnv } from "../define";
import { parseEnv } from "../env";
import { internalRoutes, type InternalRoute } from "../internal-routes";
import { createLogger, type Logger } from "../logger";
import { gatewayProofHeaders } from "../proof";
import { createRedis, TokenRevocations } from "../revocation";
import { clearRedisPrefix } from "./redis";

/** Test helpers: a GraphQL client for the gateway, logins, and throwaway databases. */

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  status: number;
}

export interface GraphQLOptions {
  /** The caller's access token (`Authorization: Bearer`). */
  token?: string;
  /** Sends gateway proof made with this service token (a subgraph's /graphql requires it). */
  serviceToken?: string;
  headers?: Record<string, string>;
}

/**
 * True for a request that died on a pooled keep-alive socket the server had closed as idle (undici's
 * "other side closed"): the server never read it. It happens when the test process is too busy (Jest
 * loading the next file on a loaded machine) for its own idle timer to retire the socket before the
 * server's fires; such a request is safe to send once more on a new connection.
 */
export function isStaleSocket(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return error instanceof TypeError && cause?.code === "UND_ERR_SOCKET" && /other side closed/.test(cause.message ?? "");
}

/**
 * fetch, sent again when it died on a stale keep-alive socket (see isStaleSocket): up to three more
 * times, as the pool may hold several such sockets (one per request that ran concurrently before).
 */
export async function fetchFresh(url: string, init: RequestInit): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (attempt >= 3 || !isStaleSocket(error)) throw error;
    }
  }
}

export async function graphql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: GraphQLOptions = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetchFresh(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.serviceToken ? gatewayProofHeaders(options.serviceToken) : {}),
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

export interface TestSubgraphOptions {
  /** Environment on top of the test defaults (database from TEST_DATABASE_URL_<NAME>, port 0, silent logs, relay off). */
  env?: Record<string, string>;
  /** Token keys (a createTestSigner's); the service's own keys, if it has any, are tried first. */
  keys?: KeyResolver;
  /** Consume events from the broker (default false: tests call handlers directly, so they never take a running stack's events). */
  consumeEvents?: boolean;
  logger?: Logger;
}

/** The database an in-process test of a service uses: TEST_DATABASE_URL_<NAME>, which `npm test` creates and migrates. */
export const testDatabaseUrl = (service: string) =>
  process.env[`TEST_DATABASE_URL_${service.toUpperCase()}`] ?? `postgresql://postgres@127.0.0.1:5432/${process.env.OPSC_TEST_NAMESPACE ?? "opsc"}_test_${service}`;

/** A GraphQL client for a subgraph called directly, as the gateway calls it (with gateway proof). */
export type SubgraphClient = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, options?: Omit<GraphQLOptions, "serviceToken">) => Promise<GraphQLResponse<T>>;

/** `graphql()` bound to a running subgraph's URL and service token. */
export const subgraphClient =
  (subgraph: { url: string; env: { SERVICE_TOKEN: string } }): SubgraphClient =>
  (query, variables = {}, options = {}) =>
    graphql(subgraph.url, query, variables, { ...options, serviceToken: subgraph.env.SERVICE_TOKEN });

/**
 * Starts a subgraph in this process from its definition, exactly as `main()` would, on a free port
 * against its test database. Stop it with `stop()`; call it through `subgraphClient(running)`.
 */
export async function startTestSubgraph<E extends SubgraphEnv, P extends PrismaLike, S extends object>(
  definition: SubgraphDefinition<E, P, S>,
  options: TestSubgraphOptions = {},
): Promise<RunningSubgraph<E, P, S>> {
  const generatedPrefix = `opsc-test-${definition.name}-${randomBytes(4).toString("hex")}:`;
  const env = parseEnv(
    definition.env,
    {
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      HOST: "127.0.0.1",
      PORT: "0",
      DATABASE_URL: testDatabaseUrl(definition.name),
      SERVICE_TOKEN: randomBytes(24).toString("hex"),
      // Unused while `keys` is given; a closed port if something calls it anyway.
      AUTH_URL: "http://127.0.0.1:9",
      OUTBOX_RELAY_ENABLED: "false",
      EVENTS_EXCHANGE: `opsconductor.test.${definition.name}`,
      // Its own prefix per start: Redis state (throttles, revocations, queues) never carries between runs.
      REDIS_KEY_PREFIX: generatedPrefix,
      ...options.env,
    },
    false,
  ) as E;
  const running = await serveSubgraph(definition, env, {
    keys: options.keys,
    logger: options.logger,
    consumeEvents: options.consumeEvents ?? false,
    handleSignals: false,
  });
  // A prefix made for this start is this start's alone: what it left there (queues, schedulers) goes with it.
  if (env.REDIS_KEY_PREFIX !== generatedPrefix) return running;
  const stop = running.stop;
  running.stop = async () => {
    await stop();
    await clearRedisPrefix(env.REDIS_URL, generatedPrefix);
  };
  return running;
}

/**
 * A stand-in for a sibling service's `/internal` contracts, built from the same contracts as the
 * real service (requests and replies are validated the same way), so it cannot drift from it.
 */
export async function fakeInternalService(options: { serviceToken: string; routes: InternalRoute[] }) {
  const app = express();
  const calls: Array<{ method: string; path: string; headers: Record<string, unknown>; body: unknown }> = [];
  app.use((req, _res, next) => {
    // Recorded before the contract parses the body, so a test can see what was sent.
    let raw = "";
    // A caller that gives up mid-body (a timeout, a stopping service) resets the socket; without a
    // listener that "read ECONNRESET" would surface as an uncaught error in whichever test runs then.
    req.on("error", () => undefined);
    req.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
    req.on("end", () => {
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
      calls.push({ method: req.method, path: req.originalUrl, headers: req.headers, body });
    });
    next();
  });
  internalRoutes(app, { serviceToken: options.serviceToken, logger: createLogger("fake", "silent"), routes: options.routes });
  const server = http.createServer(app);
  server.on("clientError", (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, calls, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface OutboxEvent {
  id: string;
  type: string;
  subject: { type: string; id: string };
  actor: Record<string, unknown>;
  data: Record<string, unknown>;
}

/** Events in a service's outbox (kit's table), oldest first, optionally of one type and/or about one subject. */
export async function outboxEvents(
  db: { $queryRawUnsafe<T>(sql: string, ...values: unknown[]): Promise<T> },
  filter: { type?: string; subjectId?: string; contains?: string } = {},
): Promise<OutboxEvent[]> {
  const rows = await db.$queryRawUnsafe<Array<{ payload: OutboxEvent }>>(
    `SELECT payload FROM outbox_events
      WHERE ($1::text IS NULL OR type = $1) AND ($2::text IS NULL OR payload->'subject'->>'id' = $2)
        AND ($3::text IS NULL OR strpos(payload::text, $3) > 0)
      ORDER BY seq`,
    filter.type ?? null,
    filter.subjectId ?? null,
    filter.contains ?? null,
  );
  return rows.map((row) => row.payload);
}

/** The stack the end-to-end suite started (its global set-up writes E2E_STACK_FILE): the gateway URL and admin password. */
export function e2eStack(): { gatewayUrl: string; adminPassword: string } {
  const file = process.env.E2E_STACK_FILE;
  if (!file) throw new Error("E2E_STACK_FILE is not set: run end-to-end tests through `npm test`");
  return JSON.parse(readFileSync(file, "utf8")) as { gatewayUrl: string; adminPassword: string };
}

export * from "./inputs";
export * from "./broker";
/**
 * Recalls tokens in the Redis a service reads (its REDIS_URL and REDIS_KEY_PREFIX), as auth does:
 * every token of `userId` issued before now, or, with `sessionId`, every token of that session.
 */
export async function revokeTokens(env: { REDIS_URL: string; REDIS_KEY_PREFIX: string }, target: { userId: string } | { sessionId: string }): Promise<void> {
  const redis = createRedis(env.REDIS_URL, createLogger("test", "silent"));
  try {
    const revocations = new TokenRevocations(redis, env.REDIS_KEY_PREFIX);
    // A millisecond ahead: a token signed in this same millisecond is recalled too.
    const at = new Date(Date.now() + 1);
    if ("userId" in target) await revocations.revokeIssuedBefore(target.userId, at);
    else await revocations.revokeSession(target.sessionId, at);
  } finally {
    redis.disconnect();
  }
}
export * from "./sshd";
export * from "./snmpd";
export * from "./redis";

/**
 * Creates a test target whose own port only has to be unique among active targets (address + port):
 * tries random ports and tries again when the create fails with CONFLICT, so tests sharing one
 * database never collide by chance. `create` must throw on failure (its message naming the code).
 */
export async function withFreshPort<T>(create: (port: number) => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const port = 1024 + Math.floor(Math.random() * 64_000);
    try {
      return await create(port);
    } catch (error) {
      if (attempt >= attempts || !String((error as Error).message).includes("CONFLICT")) throw error;
    }
  }
}
export * from "./rabbitmq";
