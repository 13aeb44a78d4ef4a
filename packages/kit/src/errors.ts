import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import type { Logger } from "./logger";

export const ErrorCode = {
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  BAD_USER_INPUT: "BAD_USER_INPUT",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes a client may see verbatim; anything else is masked. Apollo's own parse/validation codes pass too. */
const PUBLIC_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((code) => code !== ErrorCode.INTERNAL_SERVER_ERROR),
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

function appError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

export const unauthenticated = (message = "Authentication required") => appError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = "You do not have permission to do this") => appError(ErrorCode.FORBIDDEN, message);
export const notFound = (entity: string, id?: string) =>
  appError(ErrorCode.NOT_FOUND, id ? `${entity} ${id} not found` : `${entity} not found`, { entity });
export const conflict = (field: string, message: string) => appError(ErrorCode.CONFLICT, message, { field });
export const badInput = (field: string, message: string) =>
  appError(ErrorCode.BAD_USER_INPUT, `${field}: ${message}`, { field });
export const tooManyRequests = (message: string) => appError(ErrorCode.TOO_MANY_REQUESTS, message);

/**
 * The same error with an HTTP status. Only for errors raised before execution (a bad token while
 * building the context): a status on a resolver error would turn a whole federated response into
 * an HTTP failure at the gateway.
 */
export function withHttpStatus(error: unknown, status: number): unknown {
  if (!(error instanceof GraphQLError)) return error;
  return new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status } } });
}

export function isPublicError(error: unknown): error is GraphQLError {
  const code = (error as GraphQLError | undefined)?.extensions?.code;
  return typeof code === "string" && PUBLIC_CODES.has(code);
}

/**
 * Apollo `formatError`: expected errors keep their code and message; anything else becomes
 * "Internal error" with the request id, and is logged in full.
 */
export function createErrorFormatter(logger: Logger, requestIdOf: () => string | undefined) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const code = formatted.extensions?.code;
    if (typeof code === "string" && PUBLIC_CODES.has(code)) {
      const { http: _http, stacktrace: _stack, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
      return { ...formatted, extensions };
    }
    const requestId = requestIdOf();
    logger.error("unexpected error", { error: original, path: formatted.path, requestId });
    return {
      message: "Internal error",
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, requestId },
    };
  };
}
