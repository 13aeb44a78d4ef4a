import jwt from "jsonwebtoken";
import { errorCodes, eventually } from "@opsconductor/kit/testing";
import { createUserAndLogin, gql, login, gatewayUrl, loginAsAdmin, signWithAuthKey, stack, unique } from "./stack";

const CREATE_TARGET = `mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }`;
const REFRESH = `mutation($token: String!) { refreshToken(token: $token) { accessToken refreshToken } }`;
const COUNT = `query($search: String) { targets(filter: { search: $search }) { total } }`;

let admin: Awaited<ReturnType<typeof loginAsAdmin>>;
beforeAll(async () => {
  admin = await loginAsAdmin();
});

describe("authentication at the gateway", () => {
  const name = unique("unauth");
  const attempt = (token?: string) => gql(CREATE_TARGET, { input: { name, address: "10.77.0.1" } }, token);
  const written = async () => (await gql<{ targets: { total: number } }>(COUNT, { search: name }, admin.accessToken)).data?.targets.total;

  it("no token → UNAUTHENTICATED and nothing written", async () => {
    expect(errorCodes(await attempt())).toEqual(["UNAUTHENTICATED"]);
    expect(await written()).toBe(0);
  });

  it("a tampered token → UNAUTHENTICATED", async () => {
    const [header, payload, signature] = admin.accessToken.split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, username: "someone-else" })).toString("base64url");
    expect(errorCodes(await attempt(`${header}.${forged}.${signature}`))).toEqual(["UNAUTHENTICATED"]);
    expect(await written()).toBe(0);
  });

  it("an alg:none token → UNAUTHENTICATED", async () => {
    const claims = JSON.parse(Buffer.from(admin.accessToken.split(".")[1], "base64url").toString());
    const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT", kid: jwt.decode(admin.accessToken, { complete: true })?.header.kid })).toString("base64url");
    const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
    expect(errorCodes(await attempt(`${header}.${body}.`))).toEqual(["UNAUTHENTICATED"]);
    expect(await written()).toBe(0);
  });

  it("an expired token signed with the real key → UNAUTHENTICATED", async () => {
    const claims = JSON.parse(Buffer.from(admin.accessToken.split(".")[1], "base64url").toString());
    const now = Math.floor(Date.now() / 1000);
    const expired = await signWithAuthKey(
      { sub: claims.sub, username: claims.username, roles: claims.roles, permissions: claims.permissions, iat: now - 1000, exp: now - 60 },
      { issuer: claims.iss, audience: claims.aud },
    );
    // Control: the same key and claims with a future expiry are accepted, so only expiry is tested.
    const fresh = await signWithAuthKey(
      { sub: claims.sub, username: claims.username, roles: claims.roles, permissions: claims.permissions },
      { issuer: claims.iss, audience: claims.aud, expiresIn: 60 },
    );
    expect((await gql(COUNT, { search: name }, fresh)).errors).toBeUndefined();
    const result = await attempt(expired);
    expect(errorCodes(result)).toEqual(["UNAUTHENTICATED"]);
    expect(await written()).toBe(0);
  });
});

describe("sessions", () => {
  it("a refresh token used twice revokes its whole family", async () => {
    const session = await login(gatewayUrl, "admin", stack().adminPassword);
    const first = await gql<{ refreshToken: { refreshToken: string } }>(REFRESH, { token: session.refreshToken });
    expect(first.errors).toBeUndefined();
    const rotated = first.data!.refreshToken.refreshToken;
    expect(rotated).not.toBe(session.refreshToken);

    const replay = await gql(REFRESH, { token: session.refreshToken });
    expect(errorCodes(replay)).toEqual(["UNAUTHENTICATED"]);
    // The newest token of the family is revoked too.
    expect(errorCodes(await gql(REFRESH, { token: rotated }))).toEqual(["UNAUTHENTICATED"]);
  });

  it("a deactivated user can neither log in nor refresh", async () => {
    const user = await createUserAndLogin(admin.accessToken, ["OPERATOR"]);
    const deactivated = await gql(`mutation($id: ID!) { deactivateUser(id: $id) { id isActive } }`, { id: user.id }, admin.accessToken);
    expect(deactivated.errors).toBeUndefined();
    const denied = await gql(`mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }`, { u: user.username, p: user.password });
    expect(errorCodes(denied)).toEqual(["UNAUTHENTICATED"]);
    expect(denied.errors?.[0]?.message).toBe("Invalid username or password");
    expect(errorCodes(await gql(REFRESH, { token: user.refreshToken }))).toEqual(["UNAUTHENTICATED"]);
  });

  it("a deactivated user's access token is refused at once, and a reactivated user's new token works", async () => {
    const user = await createUserAndLogin(admin.accessToken, ["OPERATOR"]);
    const READ = `{ targets { total } }`;
    expect((await gql(READ, {}, user.accessToken)).errors).toBeUndefined();
    await gql(`mutation($id: ID!) { deactivateUser(id: $id) { id } }`, { id: user.id }, admin.accessToken);
    // users → RabbitMQ → auth raises the user's token floor in Redis → the gateway refuses older tokens.
    const refused = await eventually(async () => {
      const result = await gql(READ, {}, user.accessToken);
      return errorCodes(result)[0] === "UNAUTHENTICATED" ? result : undefined;
    });
    expect(refused.errors?.[0]?.message).toBe("Access token has been revoked");

    await gql(`mutation($id: ID!) { activateUser(id: $id) { id } }`, { id: user.id }, admin.accessToken);
    const again = await login(gatewayUrl, user.username, user.password);
    expect((await gql(READ, {}, again.accessToken)).errors).toBeUndefined();
  });

  it("changing the password recalls the caller's access tokens", async () => {
    const user = await createUserAndLogin(admin.accessToken, ["VIEWER"]);
    const changed = await gql(
      `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`,
      { c: user.password, n: "a-brand-new-passphrase" },
      user.accessToken,
    );
    expect(changed.errors).toBeUndefined();
    expect(errorCodes(await gql(`{ targets { total } }`, {}, user.accessToken))).toEqual(["UNAUTHENTICATED"]);
    const fresh = await login(gatewayUrl, user.username, "a-brand-new-passphrase");
    expect((await gql(`{ targets { total } }`, {}, fresh.accessToken)).errors).toBeUndefined();
  });

  it("unknown user and wrong password give the identical error", async () => {
    const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }`;
    const user = await createUserAndLogin(admin.accessToken, ["VIEWER"]);
    const unknown = await gql(LOGIN, { u: unique("nobody"), p: "whatever-password" });
    const wrong = await gql(LOGIN, { u: user.username, p: "definitely-wrong-password" });
    expect(unknown.errors).toEqual(wrong.errors);
    expect(errorCodes(wrong)).toEqual(["UNAUTHENTICATED"]);
  });

  it("a login reaches the users service over RabbitMQ and sets lastLoginAt", async () => {
    const user = await createUserAndLogin(admin.accessToken, ["VIEWER"]);
    const USER = `query($id: ID!) { user(id: $id) { lastLoginAt } }`;
    const lastLoginAt = await eventually(async () => {
      const result = await gql<{ user: { lastLoginAt: string | null } }>(USER, { id: user.id }, admin.accessToken);
      return result.data?.user.lastLoginAt;
    });
    expect(Date.parse(lastLoginAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("me resolves the caller through auth and users", async () => {
    const me = await gql<{ me: { username: string; roles: string[] } }>(`{ me { username roles } }`, {}, admin.accessToken);
    expect(me.data?.me).toEqual({ username: "admin", roles: ["ADMIN"] });
  });
});
