import { CombinedGraphQLErrors } from "@apollo/client/errors";

export interface ServerError {
  message: string;
  code?: string;
  /** `extensions.field` of a BAD_USER_INPUT error: the input field it is about. */
  field?: string;
  retryAfterSeconds?: number;
}

/** The first GraphQL error of a failed operation, or a network failure in words. */
export function serverError(error: unknown): ServerError {
  if (CombinedGraphQLErrors.is(error)) {
    const first = error.errors[0];
    const extensions = (first?.extensions ?? {}) as { code?: unknown; field?: unknown; retryAfterSeconds?: unknown };
    return {
      message: first?.message ?? "The request failed",
      code: typeof extensions.code === "string" ? extensions.code : undefined,
      field: typeof extensions.field === "string" ? extensions.field : undefined,
      retryAfterSeconds: typeof extensions.retryAfterSeconds === "number" ? extensions.retryAfterSeconds : undefined,
    };
  }
  return { message: "The server cannot be reached; try again in a moment", code: "NETWORK" };
}

/** `input.username` → `username`: the form field a server error names. */
export const fieldName = (field: string | undefined) => field?.split(".").pop();
