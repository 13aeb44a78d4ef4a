import type { Request } from "express";
import { randomUUID } from "node:crypto";
import { isIP } from "node:net";
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
  /**
   * An access token this request issued (login, refresh): the subgraph server returns it to the
   * gateway (ISSUED_TOKEN_HEADER), which acts as that session for the rest of the operation.
   */
  issuedToken?: string;
  /**
   * The bearer token was checked against its revocation floor while building this context (by this
   * process, or by the gateway, which attested it: see FLOOR_CHECKED_HEADER).
   */
  floorChecked?: boolean;
}

export const REQUEST_ID_HEADER = "x-request-id";

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;
export function requestIdFrom(req: Pick<Request, "header">): string {
  const incoming = req.header(REQUEST_ID_HEADER);
  return incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * The caller's address. `req.ip` follows Express's `trust proxy` setting (the gateway trusts only its
 * configured proxy hops; subgraphs trust none, so it is the socket address). `x-forwarded-for` is
 * read only when `trustForwarded` says the sender is the gateway (valid gateway proof), which sets it
 * to exactly one address: the client it saw.
 */
export function clientIp(req: Pick<Request, "header" | "ip">, trustForwarded = false): string | null {
  if (trustForwarded) {
    const forwarded = req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded && isIP(forwarded)) return forwarded;
  }
  return req.ip || null;
}

export interface AuthenticateOptions {
  /** The request carries valid gateway proof: its `x-forwarded-for` names the client. */
  trustForwarded?: boolean;
  /**
   * Whether the sender proves it checked this token's revocation floor during this request (the
   * gateway's FLOOR_CHECKED_HEADER, verified by the caller); then the check is not repeated here.
   */
  floorCheckedBySender?: (token: string) => boolean;
}

/** Builds the auth part of a request context: verifies the bearer token when one is sent. */
export async function authenticate(req: Request, requestId: string, verify: VerifyOptions, options: AuthenticateOptions = {}): Promise<RequestContext> {
  let token: string | undefined;
  let user: AuthUser | undefined;
  let senderChecked = false;
  try {
    token = bearerToken(req.header("authorization"));
    senderChecked = token !== undefined && options.floorCheckedBySender?.(token) === true;
    user = token ? await verifyAccessToken(token, senderChecked ? { ...verify, notBefore: undefined } : verify) : undefined;
  } catch (error) {
    throw withHttpStatus(error, 401);
  }
  return {
    requestId,
    token,
    user,
    floorChecked: user !== undefined && (senderChecked || verify.notBefore !== undefined),
    actor: {
      userId: user?.id ?? null,
      username: user?.username ?? null,
      ip: clientIp(req, options.trustForwarded),
      userAgent: req.header("user-agent") ?? null,
    },
  };
}
