import jwt from "jsonwebtoken";
import { randomUUID } from "node:crypto";
import { remoteJwks, verifyAccessToken } from "@opsconductor/kit/subgraph";
import { errorCodes, revokeTokens } from "@opsconductor/kit/testing";
import { gatewayProofHeaders } from "@opsconductor/kit/subgraph";
import { createUser, firstError, login, loginOk, outboxEvents, startHarness, unique, type Harness } from "./support";

const MAX_ATTEMPTS = 3;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ LOGIN_MAX_ATTEMPTS: String(MAX_ATTEMPTS), ACCESS_TOKEN_TTL_SECONDS: "600" });
});
afterAll(() => h.stop());

const GENERIC = { message: "Invalid username or password", code: "UNAUTHENTICATED" };

describe("login", () => {
  it("issues an access token that verifies against the served JWKS and carries the profile's roles and permissions", async () => {
    const user = await createUser(h, { roles: ["admin"], permissions: ["users:write", "targets:read"] });
    const tokens = await loginOk(h, user);

    expect(tokens.user).toEqual({ id: user.id });
    expect(tokens.refreshToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);

    const verified = await verifyAccessToken(tokens.accessToken, {
      keys: remoteJwks(`${h.base}/.well-known/jwks.json`),
      issuer: "opsconductor-auth",
      audience: "opsconductor",
    });
    expect(verified).toEqual({ id: user.id, username: user.username, roles: ["admin"], permissions: ["users:write", "targets:read"] });

    const decoded = jwt.decode(tokens.accessToken, { complete: true }) as jwt.Jwt & { payload: jwt.JwtPayload };
    expect(decoded.header.alg).toBe("ES256");
    expect(decoded.payload.jti).toEqual(expect.any(String));
    // iat carries milliseconds; exp is the whole second of issue plus the lifetime.
    expect(decoded.payload.exp! - Math.floor(decoded.payload.iat!)).toBe(600);
    expect(new Date(tokens.expiresAt).getTime()).toBe(decoded.payload.exp! * 1000);

    const jwks = (await (await fetch(`${h.base}/.well-known/jwks.json`)).json()) as { keys: Array<Record<string, unknown>> };
    const key = jwks.keys.find((candidate) => candidate.kid === decoded.header.kid);
    expect(key).toEqual({ kty: "EC", crv: "P-256", x: expect.any(String), y: expect.any(String), kid: decoded.header.kid, alg: "ES256", use: "sig" });
    for (const served of jwks.keys) expect(served).not.toHaveProperty("d");
  });

  it("records auth.login.succeeded and asks the users service for the profile", async () => {
    const user = await createUser(h);
    const before = h.users.requests;
    await loginOk(h, user);
    expect(h.users.requests).toBe(before + 1);
    const [event] = await outboxEvents(h, "auth.login.succeeded", user.id);
    expect(event?.data).toEqual({ userId: user.id, username: user.username });
    expect(event?.actor).toMatchObject({ userId: user.id, username: user.username });
  });

  it("matches usernames as the users service stores them: trimmed and case-insensitive", async () => {
    const user = await createUser(h);
    const tokens = await loginOk(h, { username: `  ${user.username.toUpperCase()} `, password: user.password });
    expect(tokens.user).toEqual({ id: user.id });
  });

  it("answers `me` with the caller's id, and UNAUTHENTICATED without an access token", async () => {
    const user = await createUser(h);
    const tokens = await loginOk(h, user);
    const me = await h.graphql<{ me: { id: string } }>("{ me { id } }", {}, { token: tokens.accessToken });
    expect(me.data?.me).toEqual({ id: user.id });
    expect(errorCodes(await h.graphql("{ me { id } }"))).toEqual(["UNAUTHENTICATED"]);
  });

  it("refuses a recalled token itself: the user's not-before floor and the session's marker", async () => {
    const user = await createUser(h);
    const byFloor = await loginOk(h, user);
    const bySession = await loginOk(h, user);
    const me = (token: string) => h.graphql("{ me { id } }", {}, { token });
    expect((await me(byFloor.accessToken)).errors).toBeUndefined();
    const sid = (JSON.parse(Buffer.from(bySession.accessToken.split(".")[1]!, "base64url").toString()) as { sid: string }).sid;
    await revokeTokens(h.auth.env, { sessionId: sid });
    expect(errorCodes(await me(bySession.accessToken))).toEqual(["UNAUTHENTICATED"]);
    expect((await me(byFloor.accessToken)).errors).toBeUndefined();
    await revokeTokens(h.auth.env, { userId: user.id });
    const refused = await me(byFloor.accessToken);
    expect(errorCodes(refused)).toEqual(["UNAUTHENTICATED"]);
    expect(refused.errors?.[0]?.message).toBe("Access token has been revoked");
  });

  it("hands the new session's access token to the gateway in a response header (and only on login/refresh)", async () => {
    const user = await createUser(h);
    const post = (query: string, variables: Record<string, unknown>, token?: string) =>
      fetch(h.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...gatewayProofHeaders(h.auth.env.SERVICE_TOKEN), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
    const response = await post("mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }", { u: user.username, p: user.password });
    const body = (await response.json()) as { data: { login: { accessToken: string } } };
    expect(response.headers.get("x-opsc-issued-token")).toBe(body.data.login.accessToken);
    expect((await post("{ me { id } }", {}, body.data.login.accessToken)).headers.get("x-opsc-issued-token")).toBeNull();
  });

  it("gives a wrong password and an unknown username the identical error", async () => {
    const user = await createUser(h);
    const wrong = await login(h, user.username, "not-the-password");
    const unknown = await login(h, unique("nobody"), "not-the-password");

    expect(wrong.data).toBeNull();
    expect({ message: firstError(wrong)?.message, code: firstError(wrong)?.extensions?.code }).toEqual(GENERIC);
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.errors).toEqual(wrong.errors);
    expect(unknown.data).toEqual(wrong.data);

    const [failed] = await outboxEvents(h, "auth.login.failed", user.id);
    expect(failed?.data).toEqual({ username: user.username, reason: "invalid_credentials" });
  });

  it(`backs off after ${MAX_ATTEMPTS} failures: even the right password is refused until the wait is over, then accepted`, async () => {
    const user = await createUser(h);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      expect(firstError(await login(h, user.username, `wrong-${attempt}`))?.message).toBe(GENERIC.message);
    }
    const waiting = await login(h, user.username, user.password);
    expect(firstError(waiting)).toMatchObject({
      message: "Too many attempts, try again in 1 s",
      extensions: { code: "TOO_MANY_REQUESTS", retryAfterSeconds: 1 },
    });
    // Refused before the credential is even read: only the counted failures are events.
    const reasons = (await outboxEvents(h, "auth.login.failed", user.id)).map((event) => event.data.reason);
    expect(reasons).toEqual(Array(MAX_ATTEMPTS).fill("invalid_credentials"));

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await loginOk(h, user);
  });

  it("counts only consecutive failures: a successful login resets the count", async () => {
    const user = await createUser(h);
    for (let attempt = 0; attempt < MAX_ATTEMPTS - 1; attempt += 1) await login(h, user.username, "wrong-password");
    await loginOk(h, user);
    for (let attempt = 0; attempt < MAX_ATTEMPTS - 1; attempt += 1) await login(h, user.username, "wrong-password");
    await loginOk(h, user);
  });

  it("refuses an inactive user and a user the users service does not know, with the same generic error", async () => {
    const inactive = await createUser(h, { isActive: false });
    const response = await login(h, inactive.username, inactive.password);
    expect({ message: firstError(response)?.message, code: firstError(response)?.extensions?.code }).toEqual(GENERIC);
    expect((await outboxEvents(h, "auth.login.failed", inactive.id)).map((event) => event.data.reason)).toEqual(["inactive"]);

    const orphan = await createUser(h);
    h.users.profiles.delete(orphan.id);
    const missing = await login(h, orphan.username, orphan.password);
    expect(missing.errors).toEqual(response.errors);
  });

  it("refuses a 100,000-character password, NUL bytes and lone surrogates with BAD_USER_INPUT naming the field", async () => {
    const user = await createUser(h);
    const cases: Array<[string, string, string, RegExp]> = [
      [user.username, "x".repeat(100_000), "password", /at most 1024 characters/],
      [user.username, "x".repeat(1_025), "password", /at most 1024 characters/],
      [`${user.username}\u0000`, user.password, "username", /NUL/],
      [user.username, `${user.password}\u0000`, "password", /NUL/],
      [`${user.username}\uD800`, user.password, "username", /lone surrogate/],
      [user.username, `\uDC00${user.password}`, "password", /lone surrogate/],
      ["u".repeat(257), user.password, "username", /at most 256 characters/],
    ];
    for (const [username, password, field, message] of cases) {
      const response = await login(h, username, password);
      expect(firstError(response)?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
      expect(firstError(response)?.message).toMatch(message);
    }
    // None of them counted as a failed attempt.
    await loginOk(h, user);
    expect(await outboxEvents(h, "auth.login.failed", user.id)).toEqual([]);
  });

  it("masks a malformed users-service answer as an internal error, without echoing the password", async () => {
    const user = await createUser(h, { id: randomUUID() });
    h.users.profiles.set(user.id, { ...h.users.profiles.get(user.id)!, roles: "admin" as unknown as string[] });
    const response = await login(h, user.username, user.password);
    expect(errorCodes(response)).toEqual(["INTERNAL_SERVER_ERROR"]);
    expect(JSON.stringify(response)).not.toContain(user.password);
  });
});
