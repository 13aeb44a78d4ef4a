import { randomBytes, randomUUID } from "node:crypto";
import { internalFailure, route, userProfileContract, type Logger, type RunningOf, type UserProfile } from "@opsconductor/kit/subgraph";
import { fakeInternalService, outboxEvents as outboxRows, startTestSubgraph, subgraphClient, testDatabaseUrl, type GraphQLResponse, type SubgraphClient } from "@opsconductor/kit/testing";
import authSubgraph from "../src/subgraph";

type AuthSubgraph = RunningOf<typeof authSubgraph>;

/** Shared fixtures of auth's integration tests: the service in-process plus a stand-in users service. */

export const DATABASE_URL = testDatabaseUrl("auth");
export const SERVICE_TOKEN = "auth-tests-service-token-0123456789";
// Each harness gets its own Redis keys (throttle counters, revocations), so test files, reruns and a
// running dev stack never see each other's; TEST_REDIS_KEY_PREFIX picks the stem.
const REDIS_KEY_PREFIX = process.env.TEST_REDIS_KEY_PREFIX ?? "opsc-test-auth:";
// Fixed, because signing keys stored in the shared test database are encrypted with it.
const SECRETS_KEY = "7f3c1e9a5b2d4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d1e";

export type Profile = UserProfile;

/** Stands in for the users service's profile contract, from an in-memory map (built from the same contract). */
export class FakeUsersService {
  readonly profiles = new Map<string, Profile>();
  requests = 0;
  url = "";
  private fake?: Awaited<ReturnType<typeof fakeInternalService>>;

  async start(): Promise<void> {
    this.fake = await fakeInternalService({
      serviceToken: SERVICE_TOKEN,
      routes: [
        route(userProfileContract, async ({ params }) => {
          this.requests += 1;
          const profile = this.profiles.get(params.id);
          if (!profile) throw internalFailure(404, "user not found");
          return profile;
        }),
      ],
    });
    this.url = this.fake.url;
  }

  stop(): Promise<void> {
    return this.fake?.close() ?? Promise.resolve();
  }
}

export interface Harness {
  auth: AuthSubgraph;
  users: FakeUsersService;
  /** The GraphQL endpoint. */
  url: string;
  /** Calls the endpoint with gateway proof, as the gateway does. */
  graphql: SubgraphClient;
  /** http://host:port of the auth service. */
  base: string;
  stop(): Promise<void>;
}

/** `logger` replaces the silent default (a test that reads the service's log lines passes one). */
export async function startHarness(extraEnv: Record<string, string> = {}, options: { logger?: Logger } = {}): Promise<Harness> {
  const users = new FakeUsersService();
  await users.start();
  let auth: AuthSubgraph;
  try {
    auth = await startTestSubgraph(authSubgraph, {
      env: {
        SERVICE_TOKEN,
        AUTH_SECRETS_KEY: SECRETS_KEY,
        USERS_URL: users.url,
        REDIS_KEY_PREFIX: `${REDIS_KEY_PREFIX}${randomBytes(4).toString("hex")}:`,
        ...(process.env.TEST_EVENTS_EXCHANGE ? { EVENTS_EXCHANGE: process.env.TEST_EVENTS_EXCHANGE } : {}),
        ...extraEnv,
      },
      logger: options.logger,
    });
  } catch (error) {
    await users.stop();
    throw error;
  }
  return {
    auth,
    users,
    url: auth.url,
    graphql: subgraphClient(auth),
    base: `http://127.0.0.1:${auth.port}`,
    async stop() {
      await auth.stop();
      await users.stop();
    },
  };
}

export const unique = (prefix = "user") => `${prefix}_${randomBytes(5).toString("hex")}`;

export interface TestUser extends Profile {
  password: string;
}

/** Stores a credential through the internal endpoint and registers the profile with the fake users service. */
export async function createUser(h: Harness, profile: Partial<Profile> & { password?: string } = {}): Promise<TestUser> {
  const user: TestUser = {
    id: randomUUID(),
    username: unique(),
    roles: ["operator"],
    permissions: ["targets:read", "jobs:execute"],
    isActive: true,
    password: `pw-${randomBytes(8).toString("hex")}`,
    ...profile,
  };
  const response = await postCredential(h, { userId: user.id, username: user.username, password: user.password });
  if (response.status !== 201) throw new Error(`credential not created: ${response.status} ${response.text}`);
  h.users.profiles.set(user.id, { id: user.id, username: user.username, roles: user.roles, permissions: user.permissions, isActive: user.isActive });
  return user;
}

export async function postCredential(h: Harness, body: unknown, token: string | null = SERVICE_TOKEN, raw?: string) {
  const response = await fetch(`${h.base}/internal/credentials`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token === null ? {} : { "x-service-token": token }) },
    body: raw ?? JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
  user: { id: string };
}

const LOGIN = /* GraphQL */ `
  mutation Login($username: String!, $password: String!) {
    login(username: $username, password: $password) { accessToken refreshToken expiresAt user { id } }
  }
`;
const REFRESH = /* GraphQL */ `
  mutation Refresh($token: String!) {
    refreshToken(token: $token) { accessToken refreshToken expiresAt user { id } }
  }
`;

export const login = (h: Harness, username: string, password: string) =>
  h.graphql<{ login: Tokens }>(LOGIN, { username, password });

export const refresh = (h: Harness, token: string) => h.graphql<{ refreshToken: Tokens }>(REFRESH, { token });

/** Logs in and returns the tokens, failing the test with the errors otherwise. */
export async function loginOk(h: Harness, user: { username: string; password: string }): Promise<Tokens> {
  const response = await login(h, user.username, user.password);
  if (!response.data?.login) throw new Error(`login failed: ${JSON.stringify(response.errors)}`);
  return response.data.login;
}

export async function refreshOk(h: Harness, token: string): Promise<Tokens> {
  const response = await refresh(h, token);
  if (!response.data?.refreshToken) throw new Error(`refresh failed: ${JSON.stringify(response.errors)}`);
  return response.data.refreshToken;
}

/** Outbox events of one type about one subject id, oldest first. */
export const outboxEvents = (h: Harness, type: string, subjectId: string) => outboxRows(h.auth.prisma, { type, subjectId });

export const firstError = (response: GraphQLResponse<unknown>) => response.errors?.[0];
