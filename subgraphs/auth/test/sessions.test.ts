import jwt from "jsonwebtoken";
import { remoteJwks, sha256, verifyAccessToken } from "@opsconductor/kit/subgraph";
import { errorCodes } from "@opsconductor/kit/testing";
import {
  createUser,
  firstError,
  login,
  loginOk,
  outboxEvents,
  refresh,
  refreshOk,
  startHarness,
  type Harness,
} from "./support";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

const LOGOUT = /* GraphQL */ `
  mutation Logout($refreshToken: String, $allSessions: Boolean) {
    logout(refreshToken: $refreshToken, allSessions: $allSessions)
  }
`;
const CHANGE_PASSWORD = /* GraphQL */ `
  mutation Change($currentPassword: String!, $newPassword: String!) {
    changePassword(currentPassword: $currentPassword, newPassword: $newPassword)
  }
`;

/** What the gateway does with a bearer token: the kit's verifier with the revocation hook. */
const gatewayVerify = (accessToken: string) =>
  verifyAccessToken(accessToken, {
    keys: remoteJwks(`${h.base}/.well-known/jwks.json`),
    issuer: "opsconductor-auth",
    audience: "opsconductor",
    notBefore: (userId, sessionId) => h.auth.services.revocations.notBefore(userId, sessionId),
  });
const REVOKED = { message: "Access token has been revoked", extensions: { code: "UNAUTHENTICATED" } };

const familyOf = async (token: string) =>
  (await h.auth.prisma.refreshToken.findUniqueOrThrow({ where: { tokenHash: sha256(token) }, include: { family: true } })).family;

describe("refreshToken", () => {
  it("rotates: the new token continues the same family and the used one is spent", async () => {
    const user = await createUser(h);
    const first = await loginOk(h, user);
    const second = await refreshOk(h, first.refreshToken);

    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.user).toEqual({ id: user.id });
    expect(jwt.decode(second.accessToken)).toMatchObject({ sub: user.id, username: user.username });
    expect((await familyOf(second.refreshToken)).id).toBe((await familyOf(first.refreshToken)).id);

    const third = await refreshOk(h, second.refreshToken);
    expect((await familyOf(third.refreshToken)).id).toBe((await familyOf(first.refreshToken)).id);
  });

  it("puts the users service's current roles into the refreshed access token", async () => {
    const user = await createUser(h, { roles: ["viewer"], permissions: ["targets:read"] });
    const tokens = await loginOk(h, user);
    h.users.profiles.set(user.id, { ...h.users.profiles.get(user.id)!, roles: ["operator"], permissions: ["targets:read", "jobs:run"] });
    const refreshed = await refreshOk(h, tokens.refreshToken);
    expect(jwt.decode(refreshed.accessToken)).toMatchObject({ roles: ["operator"], permissions: ["targets:read", "jobs:run"] });
  });

  it("treats a replayed token as theft: the whole family is revoked, the newest token fails too, auth.refresh.reused is written", async () => {
    const user = await createUser(h);
    const first = await loginOk(h, user);
    const second = await refreshOk(h, first.refreshToken);
    const other = await loginOk(h, user);

    const replay = await refresh(h, first.refreshToken);
    expect(errorCodes(replay)).toEqual(["UNAUTHENTICATED"]);
    expect(errorCodes(await refresh(h, second.refreshToken))).toEqual(["UNAUTHENTICATED"]);

    const family = await familyOf(first.refreshToken);
    expect(family).toMatchObject({ revokedReason: "reuse", revokedAt: expect.any(Date) });
    const [event] = await outboxEvents(h, "auth.refresh.reused", user.id);
    expect(event?.data).toEqual({ userId: user.id, familyId: family.id });

    // The user's other session is a different family and keeps working.
    await refreshOk(h, other.refreshToken);
  });

  it("recalls the access tokens of a replayed family at once, those from login and from refresh, and no other session's", async () => {
    const user = await createUser(h);
    const first = await loginOk(h, user);
    const second = await refreshOk(h, first.refreshToken);
    const other = await loginOk(h, user);
    await gatewayVerify(second.accessToken);
    expect(jwt.decode(first.accessToken)).toMatchObject({ sid: (await familyOf(first.refreshToken)).id });
    expect((jwt.decode(second.accessToken) as jwt.JwtPayload).sid).toBe((jwt.decode(first.accessToken) as jwt.JwtPayload).sid);

    expect(errorCodes(await refresh(h, first.refreshToken))).toEqual(["UNAUTHENTICATED"]);

    await expect(gatewayVerify(first.accessToken)).rejects.toMatchObject(REVOKED);
    await expect(gatewayVerify(second.accessToken)).rejects.toMatchObject(REVOKED);
    expect(await gatewayVerify(other.accessToken)).toMatchObject({ id: user.id });
  });

  it("lets exactly one of several concurrent refreshes with one token succeed", async () => {
    const user = await createUser(h);
    const tokens = await loginOk(h, user);
    const results = await Promise.all(Array.from({ length: 5 }, () => refresh(h, tokens.refreshToken)));
    expect(results.filter((result) => result.data?.refreshToken)).toHaveLength(1);
    for (const result of results.filter((candidate) => !candidate.data?.refreshToken)) {
      expect(errorCodes(result)).toEqual(["UNAUTHENTICATED"]);
    }
    expect(await h.auth.prisma.refreshToken.count({ where: { familyId: (await familyOf(tokens.refreshToken)).id } })).toBe(2);
  });

  it("refuses unknown and expired tokens", async () => {
    expect(errorCodes(await refresh(h, "not-a-token"))).toEqual(["UNAUTHENTICATED"]);
    expect(errorCodes(await refresh(h, ""))).toEqual(["UNAUTHENTICATED"]);

    const user = await createUser(h);
    const tokens = await loginOk(h, user);
    await h.auth.prisma.refreshToken.update({ where: { tokenHash: sha256(tokens.refreshToken) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await refresh(h, tokens.refreshToken);
    expect(errorCodes(expired)).toEqual(["UNAUTHENTICATED"]);
  });

  it("refuses and revokes the family when the user became inactive or was deleted from the users service", async () => {
    const user = await createUser(h);
    const tokens = await loginOk(h, user);
    h.users.profiles.set(user.id, { ...h.users.profiles.get(user.id)!, isActive: false });
    expect(errorCodes(await refresh(h, tokens.refreshToken))).toEqual(["UNAUTHENTICATED"]);
    expect(await familyOf(tokens.refreshToken)).toMatchObject({ revokedReason: "inactive" });

    // Reactivation does not bring the revoked session back.
    h.users.profiles.set(user.id, { ...h.users.profiles.get(user.id)!, isActive: true });
    expect(errorCodes(await refresh(h, tokens.refreshToken))).toEqual(["UNAUTHENTICATED"]);

    const gone = await createUser(h);
    const goneTokens = await loginOk(h, gone);
    h.users.profiles.delete(gone.id);
    expect(errorCodes(await refresh(h, goneTokens.refreshToken))).toEqual(["UNAUTHENTICATED"]);
  });
});

describe("logout", () => {
  it("ends the session of the given refresh token only, and writes auth.logout", async () => {
    const user = await createUser(h);
    const a = await loginOk(h, user);
    const b = await loginOk(h, user);
    const result = await h.graphql(LOGOUT, { refreshToken: a.refreshToken }, { token: a.accessToken });
    expect(result.data).toEqual({ logout: true });
    expect(errorCodes(await refresh(h, a.refreshToken))).toEqual(["UNAUTHENTICATED"]);
    await refreshOk(h, b.refreshToken);
    const [event] = await outboxEvents(h, "auth.logout", user.id);
    expect(event?.data).toEqual({ userId: user.id, allSessions: false });
    // One session's logout does not raise the user's floor.
    expect(await h.auth.services.revocations.notBefore(user.id)).toBeUndefined();
  });

  it("recalls the access token of the session that logged out, while another session's token of the same user still works", async () => {
    const user = await createUser(h);
    const a = await loginOk(h, user);
    const b = await loginOk(h, user);
    await gatewayVerify(a.accessToken);
    expect((await h.graphql(LOGOUT, { refreshToken: a.refreshToken }, { token: a.accessToken })).data).toEqual({ logout: true });

    await expect(gatewayVerify(a.accessToken)).rejects.toMatchObject(REVOKED);
    expect(await gatewayVerify(b.accessToken)).toMatchObject({ id: user.id, username: user.username });
    // Every later token of b (same session, refreshed) keeps working too.
    await gatewayVerify((await refreshOk(h, b.refreshToken)).accessToken);
  });

  it("ends every session of the caller with allSessions", async () => {
    const user = await createUser(h);
    const a = await loginOk(h, user);
    const b = await loginOk(h, user);
    const before = Math.floor(Date.now() / 1000);
    const result = await h.graphql(LOGOUT, { allSessions: true }, { token: a.accessToken });
    expect(result.data).toEqual({ logout: true });
    expect(errorCodes(await refresh(h, a.refreshToken))).toEqual(["UNAUTHENTICATED"]);
    expect(errorCodes(await refresh(h, b.refreshToken))).toEqual(["UNAUTHENTICATED"]);
    // Access tokens issued before now are refused at the gateway from here on.
    expect(await h.auth.services.revocations.notBefore(user.id)).toBeGreaterThanOrEqual(before);
  });

  it("does not touch another user's session", async () => {
    const alice = await createUser(h);
    const bob = await createUser(h);
    const aliceTokens = await loginOk(h, alice);
    const bobTokens = await loginOk(h, bob);
    const result = await h.graphql(LOGOUT, { refreshToken: bobTokens.refreshToken }, { token: aliceTokens.accessToken });
    expect(result.data).toEqual({ logout: false });
    await refreshOk(h, bobTokens.refreshToken);
  });

  it("needs an access token, and a refresh token or allSessions", async () => {
    const user = await createUser(h);
    const tokens = await loginOk(h, user);
    expect(errorCodes(await h.graphql(LOGOUT, { refreshToken: tokens.refreshToken }))).toEqual(["UNAUTHENTICATED"]);
    await refreshOk(h, tokens.refreshToken);

    const neither = await h.graphql(LOGOUT, {}, { token: tokens.accessToken });
    expect(errorCodes(neither)).toEqual(["BAD_USER_INPUT"]);
    expect(firstError(neither)?.extensions?.field).toBe("refreshToken");
  });
});

describe("changePassword", () => {
  it("rejects a wrong current password on field currentPassword and changes nothing", async () => {
    const user = await createUser(h);
    const tokens = await loginOk(h, user);
    const result = await h.graphql(CHANGE_PASSWORD, { currentPassword: "wrong-password", newPassword: "a-brand-new-password" }, { token: tokens.accessToken });
    expect(errorCodes(result)).toEqual(["BAD_USER_INPUT"]);
    expect(firstError(result)?.extensions?.field).toBe("currentPassword");
    await loginOk(h, user);
  });

  it("rejects a new password that breaks the policy on field newPassword, naming the rule", async () => {
    const user = await createUser(h);
    const tokens = await loginOk(h, user);
    const short = await h.graphql(CHANGE_PASSWORD, { currentPassword: user.password, newPassword: "short" }, { token: tokens.accessToken });
    expect(firstError(short)?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "newPassword" });
    expect(firstError(short)?.message).toMatch(/at least 10 characters/);
    const long = await h.graphql(CHANGE_PASSWORD, { currentPassword: user.password, newPassword: "x".repeat(257) }, { token: tokens.accessToken });
    expect(firstError(long)?.message).toMatch(/at most 256 characters/);
    await loginOk(h, user);
  });

  it("refuses NUL bytes, lone surrogates and over-long input with BAD_USER_INPUT naming the field, and changes nothing", async () => {
    const user = await createUser(h);
    const tokens = await loginOk(h, user);
    const cases: Array<[string, string, string, RegExp]> = [
      ["x".repeat(100_000), "a-brand-new-password", "currentPassword", /at most 1024 characters/],
      [`${user.password}\u0000`, "a-brand-new-password", "currentPassword", /NUL/],
      [`${user.password}\uDBFF`, "a-brand-new-password", "currentPassword", /lone surrogate/],
      [user.password, "a-brand-new-\u0000password", "newPassword", /NUL/],
      [user.password, "a-brand-new-\uDC00password", "newPassword", /lone surrogate/],
      [user.password, "y".repeat(100_000), "newPassword", /at most 256 characters/],
    ];
    for (const [currentPassword, newPassword, field, message] of cases) {
      const result = await h.graphql(CHANGE_PASSWORD, { currentPassword, newPassword }, { token: tokens.accessToken });
      expect(firstError(result)?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
      expect(firstError(result)?.message).toMatch(message);
    }
    await loginOk(h, user);
  });

  it("refuses a common password, one with digits or symbols around a common one, and one containing the username", async () => {
    const user = await createUser(h);
    const tokens = await loginOk(h, user);
    for (const newPassword of ["1234567890", "Password2024!", "qwertyuiop", "!!dragon123456", `${user.username.toUpperCase()}-rocks-2024`]) {
      const result = await h.graphql(CHANGE_PASSWORD, { currentPassword: user.password, newPassword }, { token: tokens.accessToken });
      expect(firstError(result)?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "newPassword" });
      expect(firstError(result)?.message).toMatch(/too common|must not contain the username/);
    }
    await loginOk(h, user);
  });

  it("needs an access token", async () => {
    const result = await h.graphql(CHANGE_PASSWORD, { currentPassword: "whatever-1234", newPassword: "whatever-5678" });
    expect(errorCodes(result)).toEqual(["UNAUTHENTICATED"]);
  });

  it("replaces the password, ends every session and writes auth.password.changed", async () => {
    const user = await createUser(h);
    const a = await loginOk(h, user);
    const b = await loginOk(h, user);
    const newPassword = "correct horse battery staple";
    const before = Math.floor(Date.now() / 1000);
    const result = await h.graphql(CHANGE_PASSWORD, { currentPassword: user.password, newPassword }, { token: a.accessToken });
    expect(result.data).toEqual({ changePassword: true });
    expect(await h.auth.services.revocations.notBefore(user.id)).toBeGreaterThanOrEqual(before);

    expect(errorCodes(await refresh(h, a.refreshToken))).toEqual(["UNAUTHENTICATED"]);
    expect(errorCodes(await refresh(h, b.refreshToken))).toEqual(["UNAUTHENTICATED"]);
    expect(errorCodes(await login(h, user.username, user.password))).toEqual(["UNAUTHENTICATED"]);
    await loginOk(h, { username: user.username, password: newPassword });

    const [event] = await outboxEvents(h, "auth.password.changed", user.id);
    expect(event?.data).toEqual({ userId: user.id });
  });
});
