import "reflect-metadata";
import { randomBytes, randomUUID } from "node:crypto";
import { Client } from "pg";
import {
  createCredentialContract,
  createEnvelope,
  createLogger,
  internalFailure,
  removeCredentialContract,
  route,
  gatewayProofHeaders,
  SERVICE_TOKEN_HEADER,
  type RunningOf,
} from "@opsconductor/kit/subgraph";
import {
  createTestSigner,
  errorCodes,
  fakeInternalService,
  graphql,
  outboxEvents,
  revokeTokens,
  startTestSubgraph,
  testDatabaseUrl,
  type GraphQLResponse,
} from "@opsconductor/kit/testing";
import { ADMIN_USER, ensureAdminUser } from "../src/seed";
import usersSubgraph from "../src/subgraph";
import { permissionsFor } from "../src/user/permissions";

const DATABASE_URL = testDatabaseUrl("users");
const SERVICE_TOKEN = randomBytes(24).toString("hex");
const WEAK_PASSWORD_MESSAGE = "password must be at least 12 characters long";
/** Usernames the stand-in auth service claims to have credentials for already. */
const AUTH_TAKEN_PREFIX = "authtaken";
/** Usernames for which the stand-in auth service fails unexpectedly. */
const AUTH_BROKEN_PREFIX = "authbroken";
/**
 * Usernames for which the stand-in auth service stores the credential, then kills the users
 * service's open transaction (as a crash or lost connection would) before answering 201.
 */
const AUTH_KILLS_TX_PREFIX = "authkillstx";

/** Terminates the users database's connections that sit in an open transaction. */
async function killOpenTransactions(): Promise<number> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const { rowCount } = await client.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()",
    );
    return rowCount ?? 0;
  } finally {
    await client.end();
  }
}

/** Stands in for the auth service's credential contracts (built from the same contracts) and records every call. */
async function startFakeAuth() {
  const killed: number[] = [];
  const fake = await fakeInternalService({
    serviceToken: SERVICE_TOKEN,
    routes: [
      route(createCredentialContract, async ({ body }) => {
        if (body.password.length < 12) throw internalFailure(400, WEAK_PASSWORD_MESSAGE, "password");
        if (body.username.startsWith(AUTH_BROKEN_PREFIX)) throw new Error("database unavailable");
        if (body.username.startsWith(AUTH_TAKEN_PREFIX)) throw internalFailure(409, "credentials already exist for this username", "username");
        if (body.username.startsWith(AUTH_KILLS_TX_PREFIX)) killed.push(await killOpenTransactions());
        return { ok: true as const };
      }),
      route(removeCredentialContract, async () => undefined),
    ],
  });
  return { ...fake, killed };
}

const USER_FIELDS = "id username email displayName roles permissions isActive lastLoginAt createdAt updatedAt";
const CREATE = `mutation($input: CreateUserInput!) { createUser(input: $input) { ${USER_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { ${USER_FIELDS} } }`;
const DEACTIVATE = `mutation($id: ID!) { deactivateUser(id: $id) { id isActive } }`;
const ACTIVATE = `mutation($id: ID!) { activateUser(id: $id) { id isActive } }`;
const DELETE = `mutation($id: ID!) { deleteUser(id: $id) }`;
const USER = `query($id: ID!) { user(id: $id) { ${USER_FIELDS} } }`;
const USERS = `query($filter: UserFilter, $pagination: PaginationInput, $sort: UserSort) {
  users(filter: $filter, pagination: $pagination, sort: $sort) { total items { id username isActive roles lastLoginAt } }
}`;

interface GqlUser {
  id: string;
  username: string;
  email: string;
  displayName: string;
  roles: string[];
  permissions: string[];
  isActive: boolean;
  lastLoginAt: string | null;
}

describe("users subgraph", () => {
  const signer = createTestSigner();
  const suffix = randomBytes(4).toString("hex");
  const logLines: string[] = [];
  let fakeAuth: Awaited<ReturnType<typeof startFakeAuth>>;
  let subgraph: RunningOf<typeof usersSubgraph>;
  let url: string;

  const tokenFor = (id: string, roles: string[], username = `caller-${suffix}`) =>
    signer.sign({ id, username, roles, permissions: permissionsFor(roles) });
  // Callers that do not exist as users, so "yourself" rules never trigger by accident.
  const adminToken = tokenFor(randomUUID(), ["admin"]);
  const viewerToken = tokenFor(randomUUID(), ["viewer"]);

  /** As the admin caller by default; `null` sends no token. */
  const gql = <T>(query: string, variables: Record<string, unknown> = {}, token: string | null = adminToken) =>
    graphql<T>(url, query, variables, { token: token ?? undefined, serviceToken: SERVICE_TOKEN }) as Promise<GraphQLResponse<T>>;
  const fieldOf = (response: GraphQLResponse<unknown>) => response.errors?.[0]?.extensions?.field;

  let counter = 0;
  const newInput = (overrides: Record<string, unknown> = {}) => {
    counter += 1;
    const username = `u${counter}-${suffix}`;
    return {
      username,
      email: `${username}@example.test`,
      displayName: `Person ${counter} ${suffix}`,
      roles: ["VIEWER"],
      password: `correct-horse-${randomBytes(6).toString("hex")}`,
      ...overrides,
    };
  };
  const createUser = async (overrides: Record<string, unknown> = {}) => {
    const result = await gql<{ createUser: GqlUser }>(CREATE, { input: newInput(overrides) });
    if (!result.data?.createUser) throw new Error(`createUser failed: ${JSON.stringify(result.errors)}`);
    return result.data.createUser;
  };
  const outboxRows = (subjectId: string) => outboxEvents(subgraph.prisma, { subjectId });
  const outboxTotal = async () => (await outboxEvents(subgraph.prisma)).length;
  const userTotal = () => subgraph.prisma.user.count();

  beforeAll(async () => {
    fakeAuth = await startFakeAuth();
    subgraph = await startTestSubgraph(usersSubgraph, {
      env: {
        LOG_LEVEL: "debug",
        SERVICE_TOKEN,
        AUTH_URL: fakeAuth.url,
        // No broker: a test instance must not compete with a running users service for the shared
        // `<exchange>.users` queue. Events are fed to the consumer directly through process().
        RABBITMQ_URL: "amqp://guest:guest@127.0.0.1:1",
      },
      consumeEvents: true,
      keys: signer.keys,
      logger: createLogger("users", "debug", (line) => logLines.push(line)),
    });
    url = subgraph.url;
  });

  afterAll(async () => {
    await subgraph?.stop();
    await fakeAuth?.close();
  });

  describe("createUser", () => {
    it("stores the user, writes one users.user.created event without the password, and sends the password only to auth", async () => {
      const input = newInput({ username: `New.User-${suffix}`, email: `New.User-${suffix}@Example.test`, roles: ["OPERATOR", "VIEWER"] });
      const callsBefore = fakeAuth.calls.length;
      const result = await gql<{ createUser: GqlUser }>(CREATE, { input });
      expect(result.errors).toBeUndefined();
      const user = result.data!.createUser;
      expect(user).toMatchObject({
        username: `new.user-${suffix}`,
        email: `new.user-${suffix}@example.test`,
        displayName: input.displayName,
        roles: ["OPERATOR", "VIEWER"],
        permissions: permissionsFor(["operator"]),
        isActive: true,
        lastLoginAt: null,
      });

      const row = await subgraph.prisma.user.findUnique({ where: { id: user.id } });
      expect(row).toMatchObject({ username: user.username, roles: ["operator", "viewer"], isActive: true });

      const events = await outboxRows(user.id);
      expect(events.map((event) => event.type)).toEqual(["users.user.created"]);
      const payload = events[0] as unknown as Record<string, unknown>;
      expect(payload).toMatchObject({
        type: "users.user.created",
        subject: { type: "User", id: user.id },
        actor: { username: `caller-${suffix}` },
        data: { id: user.id, username: user.username, email: user.email, roles: ["operator", "viewer"], isActive: true },
      });
      expect(JSON.stringify(payload)).not.toContain(input.password);
      expect(JSON.stringify(payload).toLowerCase()).not.toContain("password");

      const calls = fakeAuth.calls.slice(callsBefore);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ method: "POST", path: "/internal/credentials" });
      expect(calls[0].headers[SERVICE_TOKEN_HEADER]).toBe(SERVICE_TOKEN);
      expect(calls[0].body).toEqual({ userId: user.id, username: user.username, password: input.password });
      expect(logLines.join("\n")).not.toContain(input.password);
    });

    it("rejects a password the auth service refuses as BAD_USER_INPUT on input.password and stores nothing", async () => {
      const input = newInput({ password: "short" });
      const [users, events] = [await userTotal(), await outboxTotal()];
      const result = await gql(CREATE, { input });
      expect(errorCodes(result)).toEqual(["BAD_USER_INPUT"]);
      expect(fieldOf(result)).toBe("input.password");
      expect(result.errors?.[0].message).toContain(WEAK_PASSWORD_MESSAGE);
      expect(fakeAuth.calls.at(-1)?.body).toMatchObject({ username: input.username });
      expect(await subgraph.prisma.user.findUnique({ where: { username: input.username } })).toBeNull();
      expect([await userTotal(), await outboxTotal()]).toEqual([users, events]);
      expect(logLines.join("\n")).not.toContain(`"short"`);
    });

    it("maps auth's 409 to CONFLICT on username and stores nothing", async () => {
      const input = newInput({ username: `${AUTH_TAKEN_PREFIX}-${suffix}` });
      const [users, events] = [await userTotal(), await outboxTotal()];
      const result = await gql(CREATE, { input });
      expect(errorCodes(result)).toEqual(["CONFLICT"]);
      expect(fieldOf(result)).toBe("username");
      expect([await userTotal(), await outboxTotal()]).toEqual([users, events]);
    });

    it("masks an unexpected auth failure as an internal error, stores nothing and logs no password", async () => {
      const input = newInput({ username: `${AUTH_BROKEN_PREFIX}-${suffix}` });
      const [users, events] = [await userTotal(), await outboxTotal()];
      const result = await gql(CREATE, { input });
      expect(errorCodes(result)).toEqual(["INTERNAL_SERVER_ERROR"]);
      expect(result.errors?.[0].message).toBe("Internal error");
      expect([await userTotal(), await outboxTotal()]).toEqual([users, events]);
      expect(logLines.some((line) => line.includes("/internal/credentials answered 500"))).toBe(true);
      expect(logLines.join("\n")).not.toContain(input.password);
    });

    it("takes the credential back from auth when the user it was stored for does not commit", async () => {
      const input = newInput({ username: `${AUTH_KILLS_TX_PREFIX}-${suffix}` });
      const [users, events] = [await userTotal(), await outboxTotal()];
      const result = await gql(CREATE, { input });
      expect(fakeAuth.killed.at(-1)).toBeGreaterThan(0);
      expect(errorCodes(result)).toEqual(["INTERNAL_SERVER_ERROR"]);
      expect([await userTotal(), await outboxTotal()]).toEqual([users, events]);
      const stored = fakeAuth.calls.find((call) => call.method === "POST" && (call.body as { username?: string })?.username === input.username);
      const userId = (stored?.body as { userId: string }).userId;
      const takenBack = fakeAuth.calls.filter((call) => call.method === "DELETE");
      expect(takenBack.map((call) => call.path)).toContain(`/internal/credentials/${userId}`);
      expect(takenBack.at(-1)?.headers[SERVICE_TOKEN_HEADER]).toBe(SERVICE_TOKEN);
      // The service recovers: its pool replaces the killed connection.
      await createUser();
    });

    it("rejects a duplicate username or email (any case) with CONFLICT naming the field, without calling auth", async () => {
      const existing = await createUser();
      const callsBefore = fakeAuth.calls.length;
      const [users, events] = [await userTotal(), await outboxTotal()];

      const sameUsername = await gql(CREATE, { input: newInput({ username: existing.username.toUpperCase() }) });
      expect(errorCodes(sameUsername)).toEqual(["CONFLICT"]);
      expect(fieldOf(sameUsername)).toBe("username");

      const sameEmail = await gql(CREATE, { input: newInput({ email: existing.email.toUpperCase() }) });
      expect(errorCodes(sameEmail)).toEqual(["CONFLICT"]);
      expect(fieldOf(sameEmail)).toBe("email");

      expect(fakeAuth.calls.length).toBe(callsBefore);
      expect([await userTotal(), await outboxTotal()]).toEqual([users, events]);
    });

    it.each([
      ["input.email", { email: "not-an-email" }],
      ["input.username", { username: "-bad name" }],
      ["input.username", { username: "ab" }],
      ["input.displayName", { displayName: "   " }],
      ["input.roles", { roles: [] }],
    ])("rejects invalid input with BAD_USER_INPUT naming %s, without writing or calling auth", async (field, overrides) => {
      const callsBefore = fakeAuth.calls.length;
      const [users, events] = [await userTotal(), await outboxTotal()];
      const result = await gql(CREATE, { input: newInput(overrides) });
      expect(errorCodes(result)).toEqual(["BAD_USER_INPUT"]);
      expect(fieldOf(result)).toBe(field);
      expect(fakeAuth.calls.length).toBe(callsBefore);
      expect([await userTotal(), await outboxTotal()]).toEqual([users, events]);
    });

    it("refuses a viewer with FORBIDDEN and an anonymous caller with UNAUTHENTICATED", async () => {
      const users = await userTotal();
      expect(errorCodes(await gql(CREATE, { input: newInput() }, viewerToken))).toEqual(["FORBIDDEN"]);
      expect(errorCodes(await gql(CREATE, { input: newInput() }, null))).toEqual(["UNAUTHENTICATED"]);
      expect(errorCodes(await gql(USERS, {}, null))).toEqual(["UNAUTHENTICATED"]);
      expect(await userTotal()).toBe(users);
    });
  });

  describe("queries", () => {
    it("lists users with search, role and active filters, sorting, pagination and the total", async () => {
      const marker = `List${suffix}`;
      const a = await createUser({ username: `la-${suffix}`, displayName: `${marker} Alpha`, roles: ["ADMIN"] });
      const b = await createUser({ username: `lb-${suffix}`, email: `${marker}.b@example.test`, roles: ["OPERATOR"] });
      const c = await createUser({ username: `lc-${suffix}`, displayName: `${marker} Gamma`, roles: ["VIEWER"] });
      await gql(DEACTIVATE, { id: c.id });
      const usernames = (response: GraphQLResponse<{ users: { items: GqlUser[] } }>) =>
        response.data?.users.items.map((user) => user.username);

      const all = await gql<{ users: { total: number; items: GqlUser[] } }>(USERS, { filter: { search: marker.toUpperCase() } }, viewerToken);
      expect(all.data?.users.total).toBe(3);
      expect(usernames(all)).toEqual([a.username, b.username, c.username]);

      const desc = await gql<{ users: { items: GqlUser[] } }>(USERS, { filter: { search: marker }, sort: { field: "USERNAME", direction: "DESC" } });
      expect(usernames(desc)).toEqual([c.username, b.username, a.username]);

      const page2 = await gql<{ users: { total: number; items: GqlUser[] } }>(USERS, {
        filter: { search: marker },
        pagination: { offset: 2, limit: 2 },
      });
      expect(page2.data?.users.total).toBe(3);
      expect(usernames(page2)).toEqual([c.username]);

      const operators = await gql<{ users: { total: number; items: GqlUser[] } }>(USERS, { filter: { search: marker, role: "OPERATOR" } });
      expect(usernames(operators)).toEqual([b.username]);
      const inactive = await gql<{ users: { total: number; items: GqlUser[] } }>(USERS, { filter: { search: marker, isActive: false } });
      expect(inactive.data?.users.total).toBe(1);
      expect(usernames(inactive)).toEqual([c.username]);

      const newest = await gql<{ users: { items: GqlUser[] } }>(USERS, { filter: { search: marker }, sort: { field: "CREATED_AT", direction: "DESC" } });
      expect(usernames(newest)).toEqual([c.username, b.username, a.username]);

      for (const [user, occurredAt] of [
        [a, "2030-01-01T10:00:00.000Z"],
        [c, "2030-01-02T10:00:00.000Z"],
      ] as const) {
        await subgraph.consumer!.process(loginEvent(user, occurredAt));
      }
      const byLogin = await gql<{ users: { items: GqlUser[] } }>(USERS, { filter: { search: marker }, sort: { field: "LAST_LOGIN_AT", direction: "DESC" } });
      expect(usernames(byLogin)).toEqual([c.username, a.username, b.username]);
      const byLoginAsc = await gql<{ users: { items: GqlUser[] } }>(USERS, { filter: { search: marker }, sort: { field: "LAST_LOGIN_AT", direction: "ASC" } });
      expect(usernames(byLoginAsc)).toEqual([a.username, c.username, b.username]);
    });

    it("searches for '%', '_' and '\\' literally: only names containing that character match", async () => {
      const marker = `lit${suffix}`;
      const underscore = await createUser({ username: `${marker}.a_b`, displayName: `${marker} 100% sure` });
      const plain = await createUser({ username: `${marker}.axb`, displayName: `${marker} 100 sure` });
      const slash = await createUser({ username: `${marker}.slash`, displayName: `${marker} back\\slash` });
      const found = async (search: string) =>
        (await gql<{ users: { items: GqlUser[] } }>(USERS, { filter: { search } })).data?.users.items.map((user) => user.username).sort();

      expect(await found(`${marker}.a_b`)).toEqual([underscore.username]);
      expect(await found(`${marker}._`)).toEqual([]);
      expect(await found(`${marker} 100%`)).toEqual([underscore.username]);
      expect(await found(`${marker}%sure`)).toEqual([]);
      expect(await found(`${marker} back\\slash`)).toEqual([slash.username]);
      expect(await found(marker)).toEqual([plain.username, slash.username, underscore.username].sort());
    });

    it("rejects a page larger than the maximum with BAD_USER_INPUT on pagination.limit", async () => {
      const result = await gql(USERS, { pagination: { limit: 101 } });
      expect(errorCodes(result)).toEqual(["BAD_USER_INPUT"]);
      expect(fieldOf(result)).toBe("pagination.limit");
    });

    it("returns one user by id, and null for an unknown or malformed id", async () => {
      const created = await createUser();
      const found = await gql<{ user: GqlUser | null }>(USER, { id: created.id }, viewerToken);
      expect(found.data?.user).toMatchObject({ id: created.id, username: created.username });
      expect((await gql<{ user: GqlUser | null }>(USER, { id: randomUUID() })).data).toEqual({ user: null });
      expect((await gql<{ user: GqlUser | null }>(USER, { id: "not-a-uuid" })).data).toEqual({ user: null });
    });
  });

  describe("updates and lifecycle", () => {
    it("updates email, display name and roles, recording which fields changed", async () => {
      const user = await createUser({ roles: ["VIEWER"] });
      const result = await gql<{ updateUser: GqlUser }>(UPDATE, {
        id: user.id,
        input: { email: `Changed-${suffix}@Example.test`, displayName: user.displayName, roles: ["OPERATOR"] },
      });
      expect(result.errors).toBeUndefined();
      expect(result.data?.updateUser).toMatchObject({
        username: user.username,
        email: `changed-${suffix}@example.test`,
        roles: ["OPERATOR"],
        permissions: permissionsFor(["operator"]),
      });
      const events = await outboxRows(user.id);
      expect(events.map((event) => event.type)).toEqual(["users.user.created", "users.user.updated"]);
      expect((events[1].data as { changed: string[] }).changed).toEqual(["email", "roles"]);

      const noChange = await gql<{ updateUser: GqlUser }>(UPDATE, { id: user.id, input: { roles: ["OPERATOR"] } });
      expect(noChange.data?.updateUser.roles).toEqual(["OPERATOR"]);
      expect(await outboxRows(user.id)).toHaveLength(2);
    });

    it("does not accept a username or password change, and rejects a bad or taken email", async () => {
      const user = await createUser();
      const other = await createUser();
      expect(errorCodes(await gql(UPDATE, { id: user.id, input: { username: "renamed" } }))).toEqual(["BAD_USER_INPUT"]);
      expect(errorCodes(await gql(UPDATE, { id: user.id, input: { password: "new-password-123" } }))).toEqual(["BAD_USER_INPUT"]);
      const bad = await gql(UPDATE, { id: user.id, input: { email: "nope" } });
      expect(fieldOf(bad)).toBe("input.email");
      const taken = await gql(UPDATE, { id: user.id, input: { email: other.email } });
      expect(errorCodes(taken)).toEqual(["CONFLICT"]);
      expect(fieldOf(taken)).toBe("email");
      expect(errorCodes(await gql(UPDATE, { id: randomUUID(), input: { displayName: "X" } }))).toEqual(["NOT_FOUND"]);
      expect(await outboxRows(user.id)).toHaveLength(1);
    });

    it("deactivates, activates and deletes a user, each with its event", async () => {
      const user = await createUser();
      expect((await gql<{ deactivateUser: GqlUser }>(DEACTIVATE, { id: user.id })).data?.deactivateUser.isActive).toBe(false);
      expect((await gql<{ activateUser: GqlUser }>(ACTIVATE, { id: user.id })).data?.activateUser.isActive).toBe(true);
      expect((await gql<{ deleteUser: boolean }>(DELETE, { id: user.id })).data?.deleteUser).toBe(true);
      expect(await subgraph.prisma.user.findUnique({ where: { id: user.id } })).toBeNull();
      const events = await outboxRows(user.id);
      expect(events.map((event) => event.type)).toEqual([
        "users.user.created",
        "users.user.deactivated",
        "users.user.activated",
        "users.user.deleted",
      ]);
      expect(events[3].data).toEqual({ id: user.id, username: user.username });
      expect(errorCodes(await gql(DELETE, { id: user.id }))).toEqual(["NOT_FOUND"]);
    });

    it("does not let a user deactivate or delete themselves", async () => {
      const self = await createUser({ roles: ["ADMIN"] });
      const selfToken = tokenFor(self.id, ["admin"], self.username);
      const deactivate = await gql(DEACTIVATE, { id: self.id }, selfToken);
      expect(errorCodes(deactivate)).toEqual(["BAD_USER_INPUT"]);
      expect(fieldOf(deactivate)).toBe("id");
      expect(errorCodes(await gql(DELETE, { id: self.id }, selfToken))).toEqual(["BAD_USER_INPUT"]);
      expect(await subgraph.prisma.user.findUnique({ where: { id: self.id } })).toMatchObject({ isActive: true });
      expect(await outboxRows(self.id)).toHaveLength(1);
    });

    it("protects the last active admin from deactivation, deletion and losing the admin role", async () => {
      // Start from a state with no active admin, then make exactly one.
      await subgraph.prisma.user.updateMany({ where: { roles: { has: "admin" }, isActive: true }, data: { isActive: false } });
      const first = await createUser({ roles: ["ADMIN"] });
      const events = await outboxTotal();

      const deactivate = await gql(DEACTIVATE, { id: first.id });
      expect(errorCodes(deactivate)).toEqual(["CONFLICT"]);
      expect(deactivate.errors?.[0].message).toMatch(/last active admin/i);
      expect(errorCodes(await gql(DELETE, { id: first.id }))).toEqual(["CONFLICT"]);
      const demote = await gql(UPDATE, { id: first.id, input: { roles: ["OPERATOR"] } });
      expect(errorCodes(demote)).toEqual(["CONFLICT"]);
      expect(fieldOf(demote)).toBe("input.roles");
      expect(await subgraph.prisma.user.findUnique({ where: { id: first.id } })).toMatchObject({ isActive: true, roles: ["admin"] });
      expect(await outboxTotal()).toBe(events);

      // With a second active admin the first may go; then the second is the last one.
      const second = await createUser({ roles: ["ADMIN", "OPERATOR"] });
      expect((await gql<{ deactivateUser: GqlUser }>(DEACTIVATE, { id: first.id })).data?.deactivateUser.isActive).toBe(false);
      expect(errorCodes(await gql(DELETE, { id: second.id }))).toEqual(["CONFLICT"]);
      // An inactive admin is not protected.
      expect((await gql<{ updateUser: GqlUser }>(UPDATE, { id: first.id, input: { roles: ["VIEWER"] } })).data?.updateUser.roles).toEqual(["VIEWER"]);
      expect((await gql<{ deleteUser: boolean }>(DELETE, { id: first.id })).data?.deleteUser).toBe(true);
    });

    it("never lets two concurrent requests remove the last two active admins together", async () => {
      await subgraph.prisma.user.updateMany({ where: { roles: { has: "admin" }, isActive: true }, data: { isActive: false } });
      const one = await createUser({ roles: ["ADMIN"] });
      const two = await createUser({ roles: ["ADMIN"] });
      const results = await Promise.all([gql(DEACTIVATE, { id: one.id }), gql(DELETE, { id: two.id })]);
      expect(results.map(errorCodes).flat()).toEqual(["CONFLICT"]);
      expect(await subgraph.prisma.user.count({ where: { roles: { has: "admin" }, isActive: true } })).toBe(1);
    });
  });

  describe("internal endpoint GET /internal/users/:id", () => {
    const internalUrl = (id: string) => new URL(`/internal/users/${id}`, url).toString();

    it("answers the auth service's lookup only with the service token", async () => {
      const user = await createUser({ roles: ["OPERATOR"] });
      expect((await fetch(internalUrl(user.id))).status).toBe(401);
      expect((await fetch(internalUrl(user.id), { headers: { [SERVICE_TOKEN_HEADER]: "x".repeat(48) } })).status).toBe(401);

      const response = await fetch(internalUrl(user.id), { headers: { [SERVICE_TOKEN_HEADER]: SERVICE_TOKEN } });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        id: user.id,
        username: user.username,
        roles: ["operator"],
        permissions: permissionsFor(["operator"]),
        isActive: true,
      });
    });

    it("answers 404 for an unknown or malformed id", async () => {
      for (const id of [randomUUID(), "nope"]) {
        const response = await fetch(internalUrl(id), { headers: { [SERVICE_TOKEN_HEADER]: SERVICE_TOKEN } });
        expect(response.status).toBe(404);
        expect(await response.json()).toEqual({ error: { message: "user not found" } });
      }
    });
  });

  describe("auth.login.succeeded", () => {
    it("sets lastLoginAt to the event time once; a redelivery or an older login changes nothing", async () => {
      const user = await createUser();
      const event = loginEvent(user, "2031-05-06T07:08:09.123Z");
      expect(await subgraph.consumer!.process(event)).toBe(true);
      const after = await subgraph.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
      expect(after.lastLoginAt?.toISOString()).toBe("2031-05-06T07:08:09.123Z");

      expect(await subgraph.consumer!.process(event)).toBe(false);
      expect(await subgraph.consumer!.process(loginEvent(user, "2031-01-01T00:00:00.000Z"))).toBe(true);
      const again = await subgraph.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
      expect(again).toEqual(after);

      const viaGraphql = await gql<{ user: GqlUser }>(USER, { id: user.id });
      expect(viaGraphql.data?.user.lastLoginAt).toBe("2031-05-06T07:08:09.123Z");
    });
  });

  describe("federation", () => {
    it("resolves User references in one batch, with null for an unknown id", async () => {
      const one = await createUser();
      const two = await createUser();
      const query = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { id username permissions } } }`;
      const unknown = randomUUID();
      const result = await gql<{ _entities: Array<GqlUser | null> }>(
        query,
        {
          representations: [
            { __typename: "User", id: one.id },
            { __typename: "User", id: unknown },
            { __typename: "User", id: two.id },
          ],
        },
        viewerToken,
      );
      expect(result.errors).toBeUndefined();
      expect(result.data?._entities).toEqual([
        { id: one.id, username: one.username, permissions: permissionsFor(["viewer"]) },
        null,
        { id: two.id, username: two.username, permissions: permissionsFor(["viewer"]) },
      ]);
    });

    const ENTITY = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { id username email } } }`;

    it("refuses _entities without a token (UNAUTHENTICATED) and without users:read (FORBIDDEN), resolving nothing", async () => {
      const user = await createUser();
      const representations = [{ __typename: "User", id: user.id }];
      const anonymous = await gql<{ _entities: unknown[] }>(ENTITY, { representations }, null);
      expect(errorCodes(anonymous)).toEqual(["UNAUTHENTICATED"]);
      expect(JSON.stringify(anonymous.data ?? null)).not.toContain(user.username);
      const targetsOnly = signer.sign({ id: randomUUID(), username: "targets-only", roles: [], permissions: ["targets:read", "targets:write"] });
      const forbidden = await gql<{ _entities: unknown[] }>(ENTITY, { representations }, targetsOnly);
      expect(errorCodes(forbidden)).toEqual(["FORBIDDEN"]);
      expect(JSON.stringify(forbidden.data ?? null)).not.toContain(user.username);
    });

    it("answers /graphql only with gateway proof: no proof, a proof for another request id or made with another token → 401", async () => {
      const user = await createUser();
      const body = JSON.stringify({ query: ENTITY, variables: { representations: [{ __typename: "User", id: user.id }] } });
      const post = (headers: Record<string, string>) =>
        fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${viewerToken}`, ...headers }, body });
      const proof = gatewayProofHeaders(SERVICE_TOKEN, "users-door-1");
      for (const headers of [{}, { ...proof, "x-request-id": "users-door-2" }, gatewayProofHeaders("another-service-token-0123456789abcdef")]) {
        const response = await post(headers);
        const text = await response.text();
        expect(response.status).toBe(401);
        expect(text).not.toContain(user.username);
        expect(JSON.parse(text)).toMatchObject({ errors: [{ extensions: { code: "UNAUTHENTICATED" } }] });
      }
      expect((await post(proof)).status).toBe(200);
    });

    it("refuses a token recalled in Redis (the not-before floor), as the gateway does", async () => {
      const callerId = randomUUID();
      const token = tokenFor(callerId, ["admin"]);
      expect((await gql(USERS, {}, token)).errors).toBeUndefined();
      await revokeTokens(subgraph.env, { userId: callerId });
      const refused = await gql(USERS, {}, token);
      expect(errorCodes(refused)).toEqual(["UNAUTHENTICATED"]);
      expect(refused.errors?.[0]?.message).toBe("Access token has been revoked");
      // Someone else's token still works.
      expect((await gql(USERS, {}, adminToken)).errors).toBeUndefined();
    });

    it("declares User as an entity keyed by id, with the agreed arguments", () => {
      expect(subgraph.sdl).toContain("users(filter: UserFilter, pagination: PaginationInput, sort: UserSort): UserPage!");
      expect(subgraph.sdl).toContain("updateUser(id: ID!, input: UpdateUserInput!): User!");
      expect(subgraph.sdl).toMatch(/type User @key\(fields: "id"\)/);
      expect(subgraph.sdl).toMatch(/lastLoginAt: DateTimeISO\n/);
    });
  });

  describe("seed", () => {
    it("creates the built-in admin once and leaves an existing one unchanged", async () => {
      const first = await ensureAdminUser(subgraph.prisma);
      expect(["created", "exists"]).toContain(first);
      await subgraph.prisma.user.update({ where: { id: ADMIN_USER.id }, data: { displayName: `Renamed ${suffix}` } });
      const before = await subgraph.prisma.user.findUniqueOrThrow({ where: { id: ADMIN_USER.id } });
      const events = await outboxTotal();
      expect(await ensureAdminUser(subgraph.prisma)).toBe("exists");
      expect(await subgraph.prisma.user.findUniqueOrThrow({ where: { id: ADMIN_USER.id } })).toEqual(before);
      expect(before).toMatchObject({ username: "admin", email: "admin@opsconductor.local", roles: ["admin"] });
      expect(await outboxTotal()).toBe(events);
    });
  });
});

function loginEvent(user: { id: string; username: string }, occurredAt: string) {
  const event = createEnvelope("auth.login.succeeded", {
    actor: { userId: user.id, username: user.username, ip: "127.0.0.1", userAgent: "jest" },
    subject: { type: "User", id: user.id },
    data: { userId: user.id, username: user.username },
  });
  return { ...event, occurredAt };
}
