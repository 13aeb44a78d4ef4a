import { createHmac, randomUUID } from "node:crypto";
import { REQUEST_ID_HEADER } from "./context";
import { safeEqual } from "./crypto";

/**
 * Proof that a subgraph request came through the gateway (or from a sibling holding the service
 * token): `x-opsc-gateway: <unix-seconds>.<HMAC-SHA256(SERVICE_TOKEN, "<unix-seconds>.<x-request-id>")>`.
 *
 * Why an HMAC and not the service token itself in a header: the token never travels with user
 * traffic (a subgraph's access log, a trace or a proxy in between sees only a proof), and a proof is
 * good for one request id and about a minute, so one that leaks cannot open the door for long. It
 * costs one HMAC per subgraph fetch (microseconds). The body is not signed: the gateway is trusted
 * with the whole request, the proof only shows who sent it.
 */
export const GATEWAY_PROOF_HEADER = "x-opsc-gateway";

/** How old (or how far in the future, for clock skew between hosts) a proof may be. */
export const GATEWAY_PROOF_MAX_AGE_SECONDS = 60;

const sign = (serviceToken: string, seconds: number, requestId: string) =>
  createHmac("sha256", serviceToken).update(`${seconds}.${requestId}`).digest("base64url");

/** The header value proving a request with this request id comes from a holder of the service token. */
export function gatewayProof(serviceToken: string, requestId: string, nowMs = Date.now()): string {
  const seconds = Math.floor(nowMs / 1000);
  return `${seconds}.${sign(serviceToken, seconds, requestId)}`;
}

/** True when `proof` was made with the service token for this request id within the allowed age. */
export function verifyGatewayProof(
  proof: string | undefined,
  serviceToken: string,
  requestId: string | undefined,
  nowMs = Date.now(),
  maxAgeSeconds = GATEWAY_PROOF_MAX_AGE_SECONDS,
): boolean {
  if (!proof || !requestId) return false;
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(proof);
  if (!match) return false;
  const seconds = Number(match[1]);
  if (Math.abs(nowMs / 1000 - seconds) > maxAgeSeconds) return false;
  return safeEqual(match[2], sign(serviceToken, seconds, requestId));
}

/** Headers a sibling service (or a test) sends to call a subgraph's /graphql directly. */
export function gatewayProofHeaders(serviceToken: string, requestId: string = randomUUID()): Record<string, string> {
  return { [REQUEST_ID_HEADER]: requestId, [GATEWAY_PROOF_HEADER]: gatewayProof(serviceToken, requestId) };
}

/**
 * Attestation that the sender checked this request's bearer token against the revocation floor
 * (TokenRevocations) while handling this very request: `HMAC-SHA256(SERVICE_TOKEN, "floor.<request
 * id>.<token>")`. The gateway checks the floor for every request before planning it, so a subgraph
 * receiving this with a valid gateway proof need not ask Redis again for the same token in the same
 * request: one Redis round trip per request instead of one per hop. Without it (a sibling's call, a
 * live event executed as the subscriber, a token issued during the request) the subgraph checks itself.
 * The window it leaves is the one a check always leaves: a revocation landing during the operation.
 */
export const FLOOR_CHECKED_HEADER = "x-opsc-floor-checked";

const signFloor = (serviceToken: string, requestId: string, token: string) =>
  createHmac("sha256", serviceToken).update(`floor.${requestId}.${token}`).digest("base64url");

/** The FLOOR_CHECKED_HEADER value for a token whose floor was checked during this request. */
export function floorCheckedProof(serviceToken: string, requestId: string, token: string): string {
  return signFloor(serviceToken, requestId, token);
}

/** True when `proof` attests, with the service token, that `token`'s floor was checked for this request id. */
export function verifyFloorChecked(proof: string | undefined, serviceToken: string, requestId: string | undefined, token: string): boolean {
  if (!proof || !requestId || !/^[A-Za-z0-9_-]{43}$/.test(proof)) return false;
  return safeEqual(proof, signFloor(serviceToken, requestId, token));
}

/**
 * Response header in which a subgraph hands the gateway an access token it issued during the request
 * (login, refresh). The gateway uses it for the rest of that operation, so `login { user { username } }`
 * resolves the user as the new session: entity resolution requires an authenticated caller.
 */
export const ISSUED_TOKEN_HEADER = "x-opsc-issued-token";
