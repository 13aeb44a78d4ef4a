import { createHmac, generateKeyPairSync, type KeyObject } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { GraphQLError } from "graphql";
import jwt from "jsonwebtoken";
import type { AuthCheckerFn } from "type-graphql";
import {
  bearerToken,
  permissionAuthChecker,
  remoteJwks,
  requirePermission,
  verifyAccessToken,
  type AuthContext,
  type AuthUser,
  type VerifyOptions,
} from "./auth";

const ISSUER = "opsconductor-auth";
const AUDIENCE = "opsconductor";
const KID = "key-1";
const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const options: VerifyOptions = {
  keys: async (kid) => (kid === KID ? publicKey : undefined),
  issuer: ISSUER,
  audience: AUDIENCE,
};
const claims = { username: "alice", roles: ["operator"], permissions: ["targets:read"] };

function sign(overrides: { key?: KeyObject; kid?: string; issuer?: string; audience?: string; expiresIn?: number | null; payload?: object } = {}) {
  return jwt.sign(overrides.payload ?? claims, overrides.key ?? privateKey, {
    algorithm: "ES256",
    keyid: overrides.kid ?? KID,
    subject: "user-1",
    issuer: overrides.issuer ?? ISSUER,
    audience: overrides.audience ?? AUDIENCE,
    ...(overrides.expiresIn === null ? {} : { expiresIn: overrides.expiresIn ?? 300 }),
  });
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
function payloadPart() {
  const now = Math.floor(Date.now() / 1000);
  return b64({ ...claims, sub: "user-1", iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 300 });
}

async function rejection(promise: Promise<unknown>): Promise<GraphQLError> {
  try {
    await promise;
  } catch (error) {
    return error as GraphQLError;
  }
  throw new Error("expected a rejection");
}

async function expectUnauthenticated(token: string, message = "Invalid access token", verify = options) {
  const error = await rejection(verifyAccessToken(token, verify));
  expect(error.extensions.code).toBe("UNAUTHENTICATED");
  expect(error.message).toBe(message);
}

describe("verifyAccessToken", () => {
  it("accepts a valid ES256 token and returns the user with roles and permissions", async () => {
    await expect(verifyAccessToken(sign(), options)).resolves.toEqual({
      id: "user-1",
      username: "alice",
      roles: ["operator"],
      permissions: ["targets:read"],
    });
  });

  it("rejects an expired token with 'Access token expired'", async () => {
    await expectUnauthenticated(sign({ expiresIn: -10 }), "Access token expired");
  });

  it("rejects a token without an expiry (access tokens must be short-lived)", async () => {
    await expectUnauthenticated(sign({ expiresIn: null }));
  });

  it("rejects a token whose signature was tampered with", async () => {
    const [header, , signature] = sign().split(".");
    const forgedPayload = b64({ ...claims, permissions: ["*"], sub: "user-1", iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 });
    await expectUnauthenticated(`${header}.${forgedPayload}.${signature}`);
    const flipped = `${signature!.slice(0, -2)}${signature!.endsWith("AA") ? "BB" : "AA"}`;
    await expectUnauthenticated(`${header}.${payloadPart()}.${flipped}`);
  });

  it("rejects an unsigned `alg: none` token", async () => {
    const token = `${b64({ alg: "none", typ: "JWT", kid: KID })}.${payloadPart()}.`;
    await expectUnauthenticated(token);
  });

  it("rejects an HS256 token signed with the public key bytes (algorithm confusion)", async () => {
    const header = b64({ alg: "HS256", typ: "JWT", kid: KID });
    const body = payloadPart();
    for (const secret of [publicKey.export({ type: "spki", format: "pem" }), publicKey.export({ type: "spki", format: "der" })]) {
      const signature = createHmac("sha256", secret).update(`${header}.${body}`).digest("base64url");
      await expectUnauthenticated(`${header}.${body}.${signature}`);
    }
  });

  it("rejects a token signed by another key under a known kid", async () => {
    const other = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    await expectUnauthenticated(sign({ key: other }));
  });

  it("rejects a wrong issuer", async () => {
    await expectUnauthenticated(sign({ issuer: "someone-else" }));
  });

  it("rejects a wrong audience", async () => {
    await expectUnauthenticated(sign({ audience: "another-app" }));
  });

  it("rejects an unknown kid", async () => {
    await expectUnauthenticated(sign({ kid: "key-unknown" }));
  });

  it("rejects a token without a kid", async () => {
    const token = jwt.sign(claims, privateKey, { algorithm: "ES256", subject: "user-1", issuer: ISSUER, audience: AUDIENCE, expiresIn: 300 });
    await expectUnauthenticated(token);
  });

  it("rejects a token missing the username claim", async () => {
    await expectUnauthenticated(sign({ payload: { roles: [], permissions: [] } }));
  });

  it("rejects garbage", async () => {
    await expectUnauthenticated("not-a-jwt");
  });

  it("answers 'Cannot verify access token right now' when the key store fails", async () => {
    const failing: VerifyOptions = { ...options, keys: async () => Promise.reject(new Error("JWKS down")) };
    await expectUnauthenticated(sign(), "Cannot verify access token right now", failing);
  });

  it("defaults missing roles/permissions to empty lists", async () => {
    const user = await verifyAccessToken(sign({ payload: { username: "bob" } }), options);
    expect(user).toMatchObject({ username: "bob", roles: [], permissions: [] });
  });
});

describe("bearerToken", () => {
  it("extracts the token after 'Bearer ' (case-insensitive)", () => {
    expect(bearerToken("Bearer abc.def.ghi")).toBe("abc.def.ghi");
    expect(bearerToken("bearer   abc")).toBe("abc");
  });

  it("returns undefined when no header is sent", () => {
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it("rejects a header without the Bearer prefix as UNAUTHENTICATED", () => {
    for (const header of ["abc.def.ghi", "Basic dXNlcjpwYXNz", "Bearer"]) {
      expect(() => bearerToken(header)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: "UNAUTHENTICATED" }) }));
    }
  });
});

describe("requirePermission", () => {
  const user: AuthUser = { id: "u1", username: "alice", roles: ["operator"], permissions: ["targets:read", "jobs:execute"] };

  it("is UNAUTHENTICATED without a user", () => {
    expect(() => requirePermission({}, "targets:read")).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: "UNAUTHENTICATED" }) }));
  });

  it("is FORBIDDEN for a user lacking a permission, naming what is missing", () => {
    let error: GraphQLError | undefined;
    try {
      requirePermission({ user }, "targets:read", "targets:write");
    } catch (caught) {
      error = caught as GraphQLError;
    }
    expect(error?.extensions.code).toBe("FORBIDDEN");
    expect(error?.message).toBe("Missing permission: targets:write");
  });

  it("returns the user when every permission is held", () => {
    expect(requirePermission({ user }, "targets:read", "jobs:execute")).toBe(user);
  });

  it("backs the type-graphql @Authorized checker", () => {
    const checker = permissionAuthChecker as AuthCheckerFn<AuthContext>;
    const call = (ctx: AuthContext, perms: string[]) => checker({ context: ctx, root: {}, args: {}, info: {} as never }, perms);
    expect(call({ user }, ["jobs:execute"])).toBe(true);
    expect(() => call({ user }, ["users:write"])).toThrow("Missing permission: users:write");
    expect(() => call({}, [])).toThrow("Authentication required");
  });
});

describe("remoteJwks", () => {
  const second = generateKeyPairSync("ec", { namedCurve: "P-256" });
  let served: object[] = [];
  let requests = 0;
  let status = 200;
  let server: http.Server;
  let url: string;

  const jwk = (key: KeyObject, kid: string, alg = "ES256") => ({ ...key.export({ format: "jwk" }), kid, alg, use: "sig" });

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      requests += 1;
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: served }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    served = [jwk(publicKey, KID)];
    requests = 0;
    status = 200;
  });

  it("fetches the JWKS once and verifies tokens with it", async () => {
    const keys = remoteJwks(url, 60_000);
    const verify = { ...options, keys };
    await expect(verifyAccessToken(sign(), verify)).resolves.toMatchObject({ username: "alice" });
    await expect(verifyAccessToken(sign(), verify)).resolves.toMatchObject({ username: "alice" });
    expect(requests).toBe(1);
  });

  it("ignores keys that are not ES256", async () => {
    served = [jwk(publicKey, KID, "RS256")];
    const keys = remoteJwks(url, 60_000);
    await expect(keys(KID)).resolves.toBeUndefined();
  });

  it("refetches on an unknown kid at most once per minRefetchMs, then picks up a rotated key", async () => {
    const keys = remoteJwks(url, 300);
    await expect(keys(KID)).resolves.toBeDefined();
    expect(requests).toBe(1);

    // A burst of forged kids right after a fetch causes no further downloads.
    const forged = await Promise.all(Array.from({ length: 20 }, (_, i) => keys(`forged-${i}`)));
    expect(forged.every((key) => key === undefined)).toBe(true);
    expect(requests).toBe(1);

    // The auth service rotates: the new kid is found once the rate limit allows a refetch.
    served = [jwk(publicKey, KID), jwk(second.publicKey, "key-2")];
    await expect(keys("key-2")).resolves.toBeUndefined();
    expect(requests).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 350));
    const [a, b] = await Promise.all([keys("key-2"), keys("key-2")]);
    expect(a).toBeDefined();
    expect(b).toBe(a);
    expect(requests).toBe(2);
    await expect(verifyAccessToken(sign({ key: second.privateKey, kid: "key-2" }), { ...options, keys })).resolves.toMatchObject({ id: "user-1" });
    expect(requests).toBe(2);
  });

  it("is rate-limited even while the JWKS endpoint is failing", async () => {
    status = 503;
    const keys = remoteJwks(url, 60_000);
    await expect(keys("a")).rejects.toThrow(/answered 503/);
    expect(requests).toBe(1);
    await Promise.all(Array.from({ length: 10 }, (_, i) => keys(`k-${i}`).catch(() => undefined)));
    expect(requests).toBe(1);
  });

  it("refresh() reloads keys on demand", async () => {
    const keys = remoteJwks(url, 60_000);
    await keys(KID);
    served = [];
    await keys.refresh();
    await expect(keys(KID)).resolves.toBeUndefined();
    expect(requests).toBe(2);
  });
});

describe("verifyAccessToken with a revocation floor", () => {
  const issuedAt = (iat: number) =>
    jwt.sign({ ...claims, iat }, privateKey, { algorithm: "ES256", keyid: KID, subject: "user-1", issuer: ISSUER, audience: AUDIENCE, expiresIn: 300 });
  const now = Math.floor(Date.now() / 1000);
  const withFloor = (floor: number | undefined): VerifyOptions => ({ ...options, notBefore: async (userId) => (userId === "user-1" ? floor : undefined) });

  it("refuses a token issued before the user's floor", async () => {
    await expectUnauthenticated(issuedAt(now - 10), "Access token has been revoked", withFloor(now - 5));
  });

  it("accepts a token issued at or after the floor (fractional iat too), and any token when there is no floor", async () => {
    await expect(verifyAccessToken(issuedAt(now - 4.5), withFloor(now - 4.6))).resolves.toMatchObject({ id: "user-1" });
    await expectUnauthenticated(issuedAt(now - 4.7), "Access token has been revoked", withFloor(now - 4.6));
    await expect(verifyAccessToken(issuedAt(now - 5), withFloor(now - 5))).resolves.toMatchObject({ id: "user-1" });
    await expect(verifyAccessToken(issuedAt(now), withFloor(now - 5))).resolves.toMatchObject({ id: "user-1" });
    await expect(verifyAccessToken(issuedAt(now - 10), withFloor(undefined))).resolves.toMatchObject({ id: "user-1" });
  });

  it("fails closed when the floor cannot be read", async () => {
    const broken: VerifyOptions = { ...options, notBefore: async () => Promise.reject(new Error("redis down")) };
    await expectUnauthenticated(sign(), "Cannot verify access token right now", broken);
  });

  it("hands the hook the token's session id, so a revoked session (+Infinity) is refused and others are not", async () => {
    const withSession = (sid?: string) =>
      jwt.sign({ ...claims, iat: now, ...(sid === undefined ? {} : { sid }) }, privateKey, { algorithm: "ES256", keyid: KID, subject: "user-1", issuer: ISSUER, audience: AUDIENCE, expiresIn: 300 });
    const notBefore = jest.fn(async (_userId: string, sessionId: string | undefined) => (sessionId === "session-a" ? Number.POSITIVE_INFINITY : undefined));
    const verify: VerifyOptions = { ...options, notBefore };
    await expectUnauthenticated(withSession("session-a"), "Access token has been revoked", verify);
    expect(notBefore).toHaveBeenLastCalledWith("user-1", "session-a");
    await expect(verifyAccessToken(withSession("session-b"), verify)).resolves.toMatchObject({ id: "user-1" });
    await expect(verifyAccessToken(withSession(), verify)).resolves.toMatchObject({ id: "user-1" });
    expect(notBefore).toHaveBeenLastCalledWith("user-1", undefined);
    // A malformed sid is no session id.
    await expect(verifyAccessToken(jwt.sign({ ...claims, sid: 42 }, privateKey, { algorithm: "ES256", keyid: KID, subject: "user-1", issuer: ISSUER, audience: AUDIENCE, expiresIn: 300 }), verify)).resolves.toMatchObject({ id: "user-1" });
    expect(notBefore).toHaveBeenLastCalledWith("user-1", undefined);
  });

  it("still takes a floor-only hook of one parameter", async () => {
    const floorOnly = async (userId: string) => (userId === "user-1" ? now + 60 : undefined);
    await expectUnauthenticated(issuedAt(now), "Access token has been revoked", { ...options, notBefore: floorOnly });
  });

  it("checks the floor only for tokens whose signature verified", async () => {
    const notBefore = jest.fn(async () => undefined);
    await expectUnauthenticated(sign({ issuer: "someone-else" }), "Invalid access token", { ...options, notBefore });
    expect(notBefore).not.toHaveBeenCalled();
  });
});

describe("verifyAccessToken's cache of checked signatures", () => {
  it("checks a token's signature once per verifier, but its revocation floor every time", async () => {
    const keys = jest.fn(async (kid: string) => (kid === KID ? publicKey : undefined));
    const notBefore = jest.fn(async () => undefined as number | undefined);
    const verify: VerifyOptions = { keys, issuer: ISSUER, audience: AUDIENCE, notBefore };
    const token = sign();
    for (let i = 0; i < 3; i += 1) expect((await verifyAccessToken(token, verify)).id).toBe("user-1");
    expect(keys).toHaveBeenCalledTimes(1);
    expect(notBefore).toHaveBeenCalledTimes(3);
    notBefore.mockResolvedValue(Date.now() / 1000 + 10);
    await expect(verifyAccessToken(token, verify)).rejects.toMatchObject({ message: "Access token has been revoked" });
  });

  it("does not let a cached token outlive its expiry, nor serve another verifier's keys", async () => {
    const token = sign({ expiresIn: 1 });
    const verify: VerifyOptions = { keys: async (kid) => (kid === KID ? publicKey : undefined), issuer: ISSUER, audience: AUDIENCE };
    expect((await verifyAccessToken(token, verify)).id).toBe("user-1");
    const other: VerifyOptions = { keys: async () => undefined, issuer: ISSUER, audience: AUDIENCE };
    await expectUnauthenticated(token, "Invalid access token", other);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await expectUnauthenticated(token, "Access token expired", verify);
  });
});
