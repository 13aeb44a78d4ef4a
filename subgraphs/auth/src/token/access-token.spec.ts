import { generateKeyPairSync } from "node:crypto";
import jwt from "jsonwebtoken";
import { verifyAccessToken } from "@opsconductor/kit/subgraph";
import { signAccessToken } from "./access-token";
import { jwkThumbprint } from "./signing-key.service";

const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const kid = jwkThumbprint(publicKey.export({ format: "jwk" }) as { kty: string; crv: string; x: string; y: string });
const key = { kid, privateKey };
const user = { id: "6f1d3c2a-8b4e-4f6a-9c1d-2e3f4a5b6c7d", username: "ada", roles: ["admin"], permissions: ["users:write"] };
const options = { issuer: "opsconductor-auth", audience: "opsconductor", ttlSeconds: 900 };
const verifyWith = (token: string, overrides: Partial<{ issuer: string; audience: string }> = {}) =>
  verifyAccessToken(token, { keys: async (requested) => (requested === kid ? publicKey : undefined), ...options, ...overrides });

describe("signAccessToken", () => {
  it("signs an ES256 token with kid, subject, roles, permissions, issuer, audience and jti that the kit verifies", async () => {
    const now = new Date();
    const { token, expiresAt } = signAccessToken(key, user, { ...options, now });
    expect(await verifyWith(token)).toEqual(user);
    const decoded = jwt.decode(token, { complete: true }) as jwt.Jwt & { payload: jwt.JwtPayload };
    expect(decoded.header).toMatchObject({ alg: "ES256", kid });
    expect(decoded.payload).toMatchObject({ sub: user.id, iss: "opsconductor-auth", aud: "opsconductor", jti: expect.any(String) });
    expect(decoded.payload.exp).toBe(Math.floor(now.getTime() / 1000) + 900);
    expect(expiresAt.getTime()).toBe(decoded.payload.exp! * 1000);
  });

  it("carries the session id as `sid` when given one, and no sid otherwise", () => {
    expect(jwt.decode(signAccessToken(key, user, { ...options, sessionId: "family-1" }).token)).toMatchObject({ sid: "family-1" });
    expect(jwt.decode(signAccessToken(key, user, options).token)).not.toHaveProperty("sid");
  });

  it("gives every token its own jti", () => {
    const a = jwt.decode(signAccessToken(key, user, options).token) as jwt.JwtPayload;
    const b = jwt.decode(signAccessToken(key, user, options).token) as jwt.JwtPayload;
    expect(a.jti).not.toBe(b.jti);
  });

  it("produces tokens that fail verification for another audience or issuer, and once expired", async () => {
    const { token } = signAccessToken(key, user, options);
    await expect(verifyWith(token, { audience: "someone-else" })).rejects.toMatchObject({ extensions: { code: "UNAUTHENTICATED" } });
    await expect(verifyWith(token, { issuer: "someone-else" })).rejects.toMatchObject({ extensions: { code: "UNAUTHENTICATED" } });
    const old = signAccessToken(key, user, { ...options, ttlSeconds: 60, now: new Date(Date.now() - 120_000) });
    await expect(verifyWith(old.token)).rejects.toThrow("Access token expired");
  });
});

describe("jwkThumbprint", () => {
  it("depends only on the key's public members, not on their order or on extra members", () => {
    const jwk = { kty: "EC", crv: "P-256", x: "abc", y: "def" };
    expect(jwkThumbprint(jwk)).toBe(jwkThumbprint({ y: "def", x: "abc", crv: "P-256", kty: "EC", ...{ alg: "ES256" } }));
    expect(jwkThumbprint(jwk)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(jwkThumbprint({ ...jwk, x: "abd" })).not.toBe(jwkThumbprint(jwk));
  });
});
