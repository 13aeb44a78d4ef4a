import { floorCheckedProof, FLOOR_CHECKED_HEADER, gatewayProof, GATEWAY_PROOF_HEADER, REQUEST_ID_HEADER, type RequestContext } from "@opsconductor/kit/gateway";

/**
 * What every request the gateway sends a subgraph on a caller's behalf carries (GraphQL fetches and
 * streamed downloads alike): the request id, the gateway proof, the caller's token (or one issued during
 * the request), the attestation that the caller's own token passed the revocation check while this
 * request's context was built, and the one client address and user agent the gateway determined (never
 * the client's own x-forwarded-for).
 */
export function forwardedHeaders(context: RequestContext, serviceToken: string): Record<string, string> {
  const headers: Record<string, string> = {
    [REQUEST_ID_HEADER]: context.requestId,
    [GATEWAY_PROOF_HEADER]: gatewayProof(serviceToken, context.requestId),
  };
  const token = context.token ?? context.issuedToken;
  if (token) headers.authorization = `Bearer ${token}`;
  if (context.token && context.floorChecked) headers[FLOOR_CHECKED_HEADER] = floorCheckedProof(serviceToken, context.requestId, context.token);
  if (context.actor.ip) headers["x-forwarded-for"] = context.actor.ip;
  if (context.actor.userAgent) headers["user-agent"] = context.actor.userAgent;
  return headers;
}
