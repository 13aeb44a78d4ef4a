import { randomUUID } from "node:crypto";
import jwt from "jsonwebtoken";
import { JWT_ALGORITHM, type AuthUser } from "@opsconductor/kit/subgraph";
import type { ActiveSigningKey } from "./signing-key.service";

export interface AccessTokenOptions {
  issuer: string;
  audience: string;
  ttlSeconds: number;
  /** The session (refresh-token family) the token belongs to, as the `sid` claim: revoking the session refuses it. */
  sessionId?: string;
  now?: Date;
}

/** Signs an ES256 access token carrying the user's roles, permissions and session; returns it with its expiry. */
export function signAccessToken(
  key: ActiveSigningKey,
  user: AuthUser,
  options: AccessTokenOptions,
): { token: string; expiresAt: Date } {
  // iat keeps milliseconds (JWT NumericDate may be fractional): a revocation floor then separates
  // tokens issued just before a deactivation or password change from those issued just after.
  const iat = (options.now ?? new Date()).getTime() / 1000;
  const exp = Math.floor(iat) + options.ttlSeconds;
  const token = jwt.sign(
    {
      username: user.username,
      roles: user.roles,
      permissions: user.permissions,
      ...(options.sessionId ? { sid: options.sessionId } : {}),
      iat,
      exp,
    },
    key.privateKey,
    {
      algorithm: JWT_ALGORITHM,
      keyid: key.kid,
      subject: user.id,
      issuer: options.issuer,
      audience: options.audience,
      jwtid: randomUUID(),
    },
  );
  return { token, expiresAt: new Date(exp * 1000) };
}
