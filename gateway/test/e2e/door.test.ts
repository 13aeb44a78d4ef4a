import { Client } from "pg";
import { errorCodes, graphql, revokeTokens, type GraphQLResponse } from "@opsconductor/kit/testing";
import { createUserAndLogin, gql, login, loginAsAdmin, signWithAuthKey, stack, startExtraGateway, unique } from "./stack";

/** The gateway is the only door: subgraphs answer only with its proof, check permissions and recalls themselves, and record the real client address. */

const SUBGRAPHS = ["auth", "users", "targets"] as const;
const SPOOFED = "203.0.113.9";
const subgraphUrl = (service: string) => `http://127.0.0.1:${stack().envs[service].PORT}/graphql`;
const serviceToken = () => stack().secrets.SERVICE_TOKEN;
const CREATE_TARGET = `mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }`;
const LOGIN = `mutation($username: String!, $password: String!) { login(username: $username, password: $password) { accessToken user { id username roles } } }`;

/** The actor of the single outbox event of `type` about `subjectId` in a service's own database. */
async function actorOf(service: string, type: string, subjectId: string): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: stack().envs[service].DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query(
      "SELECT payload->'actor' AS actor FROM outbox_events WHERE type = $1 AND payload->'subject'->>'id' = $2 ORDER BY seq",
      [type, subjectId],
    );
    return rows.map((row: { actor: Record<string, unknown> }) => row.actor);
  } finally {
    await client.end();
  }
}

/** Login events carry the user as subject; the newest one of this user. */
async function lastLoginActor(userId: string) {
  return (await actorOf("auth", "auth.login.succeeded", userId)).at(-1);
}

describe("subgraphs answer only the gateway (and siblings holding the service token)", () => {
  let admin: Awaited<ReturnType<typeof loginAsAdmin>>;
  beforeAll(async () => {
    admin = await loginAsAdmin();
  });

  it.each(SUBGRAPHS)("%s: a direct call without proof is a masked 401, even with a valid admin token and a spoofed x-forwarded-for", async (service) => {
    for (const query of ["{ _service { sdl } }", "{ __schema { queryType { name } } }", `{ _entities(representations: [{ __typename: "User", id: "${admin.user.id}" }]) { __typename } }`]) {
      const response = await fetch(subgraphUrl(service), {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${admin.accessToken}`, "x-forwarded-for": SPOOFED, "apollo-federation-include-trace": "ftv1" },
        body: JSON.stringify({ query }),
      });
      const text = await response.text();
      expect(response.status).toBe(401);
      expect(JSON.parse(text)).toEqual({ errors: [{ message: "Authentication required", extensions: { code: "UNAUTHENTICATED", requestId: response.headers.get("x-request-id") } }] });
    }
  });

  it("users: _entities with proof but no token → UNAUTHENTICATED; with a token lacking users:read → FORBIDDEN (no profile either way)", async () => {
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { username email } } }`;
    const r = [{ __typename: "User", id: admin.user.id }];
    const anonymous = await graphql(subgraphUrl("users"), query, { r }, { serviceToken: serviceToken() });
    expect(errorCodes(anonymous)).toEqual(["UNAUTHENTICATED"]);
    expect(JSON.stringify(anonymous.data ?? null)).not.toContain("admin");
    // Every role holds users:read, so the token without it is signed with auth's own key (a genuine token).
    const targetsOnly = await signWithAuthKey(
      { sub: admin.user.id, username: "admin", roles: [], permissions: ["targets:read", "targets:write"] },
      { issuer: "opsconductor-auth", audience: "opsconductor", expiresIn: 300 },
    );
    const forbidden = await graphql(subgraphUrl("users"), query, { r }, { token: targetsOnly, serviceToken: serviceToken() });
    expect(errorCodes(forbidden)).toEqual(["FORBIDDEN"]);
    expect(JSON.stringify(forbidden.data ?? null)).not.toContain("admin");
    const viewer = await createUserAndLogin(admin.accessToken, ["VIEWER"]);
    const allowed = await graphql<{ _entities: Array<{ username: string }> }>(subgraphUrl("users"), query, { r }, { token: viewer.accessToken, serviceToken: serviceToken() });
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data?._entities[0]?.username).toBe("admin");
  });

  it("a viewer's targets { items { createdBy { username } } } still resolves through the gateway", async () => {
    await gql(CREATE_TARGET, { input: { name: unique("door"), address: "10.90.0.1" } }, admin.accessToken);
    const viewer = await createUserAndLogin(admin.accessToken, ["VIEWER"]);
    const result = await gql<{ targets: { items: Array<{ createdBy: { username: string } | null }> } }>(
      `{ targets(pagination: { limit: 5 }) { items { createdBy { username } } } }`,
      {},
      viewer.accessToken,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.targets.items.some((item) => item.createdBy?.username === "admin")).toBe(true);
  });

  it("login and refresh through the gateway still resolve the user (the new session is used for the users fetch)", async () => {
    const result = await gql<{ login: { accessToken: string; user: { id: string; username: string; roles: string[] } } }>(LOGIN, {
      username: "admin",
      password: stack().adminPassword,
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.login.user).toEqual({ id: admin.user.id, username: "admin", roles: ["ADMIN"] });
    const refreshed = await gql<{ refreshToken: { user: { username: string } } }>(`mutation($t: String!) { refreshToken(token: $t) { user { username } } }`, {
      t: (await login(stack().gatewayUrl, "admin", stack().adminPassword)).refreshToken,
    });
    expect(refreshed.errors).toBeUndefined();
    expect(refreshed.data?.refreshToken.user.username).toBe("admin");
  });

  it.each(SUBGRAPHS)("%s refuses a recalled token itself, even when called with gateway proof", async (service) => {
    const user = await createUserAndLogin(admin.accessToken, ["OPERATOR"]);
    const probe: Record<(typeof SUBGRAPHS)[number], string> = { auth: "{ me { id } }", users: "{ users { total } }", targets: "{ targets { total } }" };
    const direct = () => graphql(subgraphUrl(service), probe[service], {}, { token: user.accessToken, serviceToken: serviceToken() });
    expect((await direct()).errors).toBeUndefined();
    await revokeTokens(stack().envs[service] as { REDIS_URL: string; REDIS_KEY_PREFIX: string }, { userId: user.id });
    const refused = await direct();
    expect(errorCodes(refused)).toEqual(["UNAUTHENTICATED"]);
    expect(refused.errors?.[0]?.message).toBe("Access token has been revoked");
  });
});

describe("client IP: x-forwarded-for is believed only from configured proxies", () => {
  const createTarget = (url: string, token: string, headers: Record<string, string>): Promise<GraphQLResponse<{ createTarget: { id: string } }>> =>
    graphql(url, CREATE_TARGET, { input: { name: unique("ip"), address: `ip-${unique("h").toLowerCase()}.example.test` } }, { token, headers });

  it("a spoofed x-forwarded-for on createTarget is not recorded: the event's actor.ip is the socket address", async () => {
    const admin = await loginAsAdmin();
    for (const spoof of [SPOOFED, `${SPOOFED}, 198.51.100.7`, "not-an-address"]) {
      const created = await createTarget(stack().gatewayUrl, admin.accessToken, { "x-forwarded-for": spoof });
      expect(created.errors).toBeUndefined();
      const actors = await actorOf("targets", "targets.target.created", created.data!.createTarget.id);
      expect(actors).toHaveLength(1);
      expect(actors[0]).toMatchObject({ username: "admin", ip: "127.0.0.1" });
    }
  });

  it("a spoofed x-forwarded-for on login is not recorded either (and login throttling sees the real address)", async () => {
    const result = await graphql<{ login: { user: { id: string } } }>(
      stack().gatewayUrl,
      LOGIN,
      { username: "admin", password: stack().adminPassword },
      { headers: { "x-forwarded-for": SPOOFED } },
    );
    expect(result.errors).toBeUndefined();
    expect(await lastLoginActor(result.data!.login.user.id)).toMatchObject({ username: "admin", ip: "127.0.0.1" });
  });

  it("a gateway told to trust its proxy hop (TRUSTED_PROXIES) records the client address that hop forwards", async () => {
    const port = Number(stack().envs.gateway.PORT) + 91;
    const proxied = await startExtraGateway(port, { TRUSTED_PROXIES: "127.0.0.0/8" });
    try {
      const session = await login(proxied.url, "admin", stack().adminPassword);
      const created = await createTarget(proxied.url, session.accessToken, { "x-forwarded-for": `198.51.100.7, ${SPOOFED}` });
      expect(created.errors).toBeUndefined();
      // Right to left, the first address that is not a trusted hop: the client as the proxy saw it.
      expect((await actorOf("targets", "targets.target.created", created.data!.createTarget.id))[0]).toMatchObject({ ip: SPOOFED });
    } finally {
      await proxied.stop();
    }
  });
});
