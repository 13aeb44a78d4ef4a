import type { ErrorRequestHandler, RequestHandler, Response } from "express";
import { REQUEST_ID_HEADER } from "./context";
import type { Logger } from "./logger";

/** What a client is told for each status: a fixed text, never the error's own message, stack or paths. */
const PUBLIC_HTTP_ERRORS: Record<number, { code: string; message: string }> = {
  400: { code: "BAD_REQUEST", message: "Bad request" },
  401: { code: "UNAUTHENTICATED", message: "Authentication required" },
  403: { code: "FORBIDDEN", message: "Forbidden" },
  404: { code: "NOT_FOUND", message: "Not found" },
  405: { code: "METHOD_NOT_ALLOWED", message: "Method not allowed" },
  413: { code: "PAYLOAD_TOO_LARGE", message: "Request body too large" },
  415: { code: "UNSUPPORTED_MEDIA_TYPE", message: "Unsupported content type, charset or encoding" },
  500: { code: "INTERNAL_SERVER_ERROR", message: "Internal error" },
};

/** The status an error asks for (body-parser and http-errors set `status`); anything else is 500. */
function statusOf(error: unknown): number {
  const { status, statusCode } = (error ?? {}) as { status?: unknown; statusCode?: unknown };
  const candidate = typeof status === "number" ? status : statusCode;
  return typeof candidate === "number" && candidate >= 400 && candidate < 600 ? candidate : 500;
}

/** A JSON error shaped like a GraphQL response, so GraphQL clients show it too. */
export function sendJsonError(res: Response, status: number, message?: string): void {
  const known = PUBLIC_HTTP_ERRORS[status] ?? PUBLIC_HTTP_ERRORS[status >= 500 ? 500 : 400];
  const requestId = res.getHeader(REQUEST_ID_HEADER);
  res.status(status).json({
    errors: [{ message: message ?? known.message, extensions: { code: known.code, ...(requestId ? { requestId: String(requestId) } : {}) } }],
  });
}

/** Last route: anything no route answered is a JSON 404. */
export const jsonNotFound: RequestHandler = (_req, res) => sendJsonError(res, 404);

/**
 * Last error handler: every HTTP error becomes JSON with the request id (Express's own page is HTML
 * with the stack and file paths). Server errors are logged in full; client errors are not noise.
 */
export function jsonErrorHandler(logger?: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    // Too late for a body: let Express close the connection.
    if (res.headersSent) return next(error);
    const status = statusOf(error);
    if (status >= 500) {
      logger?.error("unexpected HTTP error", { error, requestId: res.getHeader(REQUEST_ID_HEADER), method: req.method });
    }
    const type = (error as { type?: unknown } | undefined)?.type;
    sendJsonError(res, status, type === "entity.parse.failed" ? "Malformed JSON body" : undefined);
  };
}

/**
 * Before the JSON parser on POST /graphql: a body that is not JSON is 415 and a missing one 400
 * (without this, Apollo's Express integration answers a plain-text 500 when nothing was parsed).
 */
export const requireJsonBody: RequestHandler = (req, res, next) => {
  if (req.method !== "POST") return next();
  const type = req.is("application/json");
  if (type === null) return sendJsonError(res, 400, "Missing request body");
  if (type === false) return sendJsonError(res, 415);
  next();
};
