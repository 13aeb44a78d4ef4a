import type { Request } from "express";
import { randomUUID } from "node:crypto";
import { bearerToken, verifyAccessToken, type AuthContext, type AuthUser, type VerifyOptions } from "./auth";
import { withHttpStatus } from "./errors";

export interface Actor {
  userId: string | null;
  username: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface RequestContext extends AuthContext {
  requestId: string;
  /** The caller's raw bearer token, forwarded on calls the service makes on the user's behalf. */
  token?: string;
  actor: Actor;
}

export const REQUEST_ID_HEADER = "x-request-id";

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;
export function requestIdFrom(req: Pick<Request, "header">): string {
  const incoming = req.header(REQUEST_ID_HEADER);
  return incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export function clientIp(req: Pick<Request, "header" | "ip">): string | null {
  const forwarded = req.header("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || req.ip || null;
}

/** Builds the auth part of a request context: verifies the bearer token when one is sent. */
export async function authenticate(req: Request, requestId: string, verify: VerifyOptions): Promise<RequestContext> {
  let token: string | undefined;
  let user: AuthUser | undefined;
  try {
    token = bearerToken(req.header("authorization"));
    user = token ? await verifyAccessToken(token, verify) : undefined;
  } catch (error) {
    throw withHttpStatus(error, 401);
  }
  return {
    requestId,
    token,
    user,
    actor: {
      userId: user?.id ?? null,
      username: user?.username ?? null,
      ip: clientIp(req),
      userAgent: req.header("user-agent") ?? null,
    },
  };
}
