import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import type { AuthChecker } from "type-graphql";
import { forbidden, unauthenticated } from "./errors";
import type { Permission } from "./permissions";

/** The one signing algorithm accepted anywhere; tokens naming another (or `none`) are rejected. */
export const JWT_ALGORITHM = "ES256" as const;

export interface AuthUser {
  id: string;
  username: string;
  roles: string[];
  permissions: string[];
}

export interface AccessTokenClaims {
  sub: string;
  username: string;
  roles: string[];
  permissions: string[];
  /** The session (refresh-token family) the token was issued to; absent on tokens from before sessions had ids. */
  sid?: string;
}

export type KeyResolver = (kid: string) => Promise<KeyObject | undefined>;

/**
 * Fetches the auth service's JWKS and caches it. An unknown `kid` triggers at most one refetch per
 * `minRefetchMs`, so forged kids cannot turn every request into a JWKS download.
 */
export function remoteJwks(url: string, minRefetchMs = 5_000): KeyResolver & { refresh(): Promise<void> } {
  let keys = new Map<string, KeyObject>();
  let lastFetch = 0;
  let inflight: Promise<void> | undefined;
  const refresh = async () => {
    inflight ??= (async () => {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
        if (!response.ok) throw new Error(`JWKS ${url} answered ${response.status}`);
        const body = (await response.json()) as { keys: Array<JsonWebKey & { kid?: string; alg?: string }> };
        const next = new Map<string, KeyObject>();
        for (const jwk of body.keys ?? []) {
          if (!jwk.kid || jwk.alg !== JWT_ALGORITHM) continue;
          next.set(jwk.kid, createPublicKey({ key: jwk, format: "jwk" }));
        }
        keys = next;
      } finally {
        // Failed attempts count too, or an unreachable JWKS would be hit on every request.
        lastFetch = Date.now();
        inflight = undefined;
      }
    })();
    return inflight;
  };
  const resolver = async (kid: string) => {
    if (!keys.has(kid) && Date.now() - lastFetch >= minRefetchMs) await refresh();
    return keys.get(kid);
  };
  return Object.assign(resolver, { refresh });
}

export interface VerifyOptions {
  keys: KeyResolver;
  issuer: string;
  audience: string;
  /**
   * Epoch seconds (may be fractional) before which the user's tokens are refused (see TokenRevocations);
   * checked after the signature. Also given the token's session id (`sid` claim, when it has one), so
   * one hook enforces both the user's floor and a revoked session (answer +Infinity for that).
   */
  notBefore?: (userId: string, sessionId: string | undefined) => Promise<number | undefined> | number | undefined;
}

/** Verifies an access token with pinned algorithm, issuer and audience. Throws UNAUTHENTICATED. */
type VerifiedClaims = jwt.JwtPayload & Partial<AccessTokenClaims> & { sub: string; username: string; exp: number };

/**
 * Signatures already checked, per verifier (its key resolver), until the token expires: every request
 * through the gateway carries the same token to two or three processes, and ES256 verification was the
 * largest auth cost per hop. Bounded; the revocation check (notBefore) still runs on every request.
 */
const verifiedTokens = new WeakMap<KeyResolver, Map<string, VerifiedClaims>>();
const VERIFIED_CACHE_SIZE = 10_000;

function cachedClaims(token: string, options: VerifyOptions): VerifiedClaims | undefined {
  const claims = verifiedTokens.get(options.keys)?.get(`${options.issuer}|${options.audience}|${token}`);
  return claims && claims.exp * 1000 > Date.now() ? claims : undefined;
}

function rememberClaims(token: string, options: VerifyOptions, claims: VerifiedClaims) {
  let cache = verifiedTokens.get(options.keys);
  if (!cache) verifiedTokens.set(options.keys, (cache = new Map()));
  if (cache.size >= VERIFIED_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(`${options.issuer}|${options.audience}|${token}`, claims);
}

export async function verifyAccessToken(token: string, options: VerifyOptions): Promise<AuthUser> {
  const claims = cachedClaims(token, options) ?? (await verifySignature(token, options));
  return checkedUser(claims, options);
}

async function verifySignature(token: string, options: VerifyOptions): Promise<VerifiedClaims> {
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded || typeof decoded.payload === "string") throw unauthenticated("Invalid access token");
  const { alg, kid } = decoded.header;
  if (alg !== JWT_ALGORITHM || !kid) throw unauthenticated("Invalid access token");
  let key: KeyObject | undefined;
  try {
    key = await options.keys(kid);
  } catch {
    throw unauthenticated("Cannot verify access token right now");
  }
  if (!key) throw unauthenticated("Invalid access token");
  let claims: VerifiedClaims;
  try {
    const verified = jwt.verify(token, key, {
      algorithms: [JWT_ALGORITHM],
      issuer: options.issuer,
      audience: options.audience,
    }) as jwt.JwtPayload & Partial<AccessTokenClaims>;
    // jsonwebtoken accepts tokens without `exp`; an access token must never be valid forever.
    if (typeof verified.sub !== "string" || typeof verified.username !== "string" || typeof verified.exp !== "number") {
      throw new Error("claims");
    }
    claims = verified as typeof claims;
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) throw unauthenticated("Access token expired");
    throw unauthenticated("Invalid access token");
  }
  rememberClaims(token, options, claims);
  return claims;
}

async function checkedUser(claims: VerifiedClaims, options: VerifyOptions): Promise<AuthUser> {
  if (options.notBefore) {
    let floor: number | undefined;
    try {
      floor = await options.notBefore(claims.sub, typeof claims.sid === "string" && claims.sid ? claims.sid : undefined);
    } catch {
      throw unauthenticated("Cannot verify access token right now");
    }
    if (floor !== undefined && !(typeof claims.iat === "number" && claims.iat >= floor)) {
      throw unauthenticated("Access token has been revoked");
    }
  }
  return {
    id: claims.sub,
    username: claims.username,
    roles: Array.isArray(claims.roles) ? claims.roles : [],
    permissions: Array.isArray(claims.permissions) ? claims.permissions : [],
  };
}

/** Extracts the bearer token from an Authorization header; undefined when absent. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match) throw unauthenticated("Authorization header must be 'Bearer <token>'");
  return match[1];
}

export interface AuthContext {
  user?: AuthUser;
}

export function requireUser(ctx: AuthContext): AuthUser {
  if (!ctx.user) throw unauthenticated();
  return ctx.user;
}

/** The caller, when they hold every listed permission (from the catalog in permissions.ts); else UNAUTHENTICATED/FORBIDDEN. */
export function requirePermission(ctx: AuthContext, ...permissions: Permission[]): AuthUser {
  const user = requireUser(ctx);
  const missing = permissions.filter((permission) => !user.permissions.includes(permission));
  if (missing.length) throw withRequiredPermissions(forbidden(`Missing permission: ${missing.join(", ")}`), missing);
  return user;
}

const REQUIRED = Symbol("requiredPermissions");
/** Marks a FORBIDDEN error with the permissions that were missing (not sent to the client; read by the denial audit). */
export function withRequiredPermissions<E extends Error>(error: E, permissions: string[]): E {
  Object.defineProperty(error, REQUIRED, { value: permissions, enumerable: false });
  return error;
}
/** The missing permissions a FORBIDDEN error (or one it wraps) was raised for. */
export function requiredPermissionsOf(error: unknown): string[] {
  for (let current = error as { originalError?: unknown } | undefined, depth = 0; current && depth < 5; current = current.originalError as typeof current, depth += 1) {
    const found = (current as Record<symbol, unknown>)[REQUIRED];
    if (Array.isArray(found)) return found as string[];
  }
  return [];
}

/** type-graphql guard: `@Authorized("targets:write")` requires a user holding every listed permission. */
export const permissionAuthChecker: AuthChecker<AuthContext> = ({ context }, permissions) => {
  requirePermission(context, ...(permissions as Permission[]));
  return true;
};
