import { GraphQLError, type GraphQLFormattedError } from "graphql";
import {
  badInput,
  conflict,
  createErrorFormatter,
  forbidden,
  isPublicError,
  notFound,
  tooManyRequests,
  unauthenticated,
  withHttpStatus,
} from "./errors";
import { createLogger } from "./logger";

function setup(requestId: string | undefined = "req-42") {
  const lines: string[] = [];
  const logger = createLogger("kit-test", "debug", (line) => lines.push(line));
  const format = createErrorFormatter(logger, () => requestId);
  const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { format, logged };
}

/** What Apollo hands formatError: the formatted error plus the original. */
function formatted(error: GraphQLError): GraphQLFormattedError {
  return { ...error.toJSON(), path: ["field"] };
}

describe("error helpers", () => {
  it("badInput and conflict carry a stable code and the offending field", () => {
    expect(badInput("input.port", "must be 1-65535").extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.port" });
    expect(badInput("input.port", "must be 1-65535").message).toBe("input.port: must be 1-65535");
    expect(conflict("input.name", "name taken").extensions).toMatchObject({ code: "CONFLICT", field: "input.name" });
  });

  it("give each expected failure its code", () => {
    expect(unauthenticated().extensions.code).toBe("UNAUTHENTICATED");
    // No HTTP status on resolver errors: at the gateway a 401 from a subgraph replaces the message.
    expect(unauthenticated().extensions.http).toBeUndefined();
    expect((withHttpStatus(unauthenticated("bad token"), 401) as GraphQLError).extensions).toEqual({ code: "UNAUTHENTICATED", http: { status: 401 } });
    expect((withHttpStatus(unauthenticated("bad token"), 401) as GraphQLError).message).toBe("bad token");
    expect(forbidden().extensions.code).toBe("FORBIDDEN");
    expect(notFound("Target", "t1")).toMatchObject({ message: "Target t1 not found", extensions: { code: "NOT_FOUND", entity: "Target" } });
    expect(tooManyRequests("slow down").extensions.code).toBe("TOO_MANY_REQUESTS");
  });

  it("isPublicError accepts only known public codes", () => {
    expect(isPublicError(forbidden())).toBe(true);
    expect(isPublicError(new GraphQLError("x", { extensions: { code: "INTERNAL_SERVER_ERROR" } }))).toBe(false);
    expect(isPublicError(new Error("x"))).toBe(false);
    expect(isPublicError(undefined)).toBe(false);
  });
});

describe("createErrorFormatter", () => {
  it("keeps public codes with their message and field, and strips http/stacktrace", () => {
    const { format, logged } = setup();
    const error = badInput("input.address", "is not an IP or hostname");
    const out = format({ ...formatted(error), extensions: { ...error.extensions, stacktrace: ["at x"] } }, error);
    expect(out.message).toBe("input.address: is not an IP or hostname");
    expect(out.extensions).toEqual({ code: "BAD_USER_INPUT", field: "input.address" });
    expect(out.path).toEqual(["field"]);
    expect(logged()).toHaveLength(0);
  });

  it("strips the http status hint from UNAUTHENTICATED", () => {
    const { format } = setup();
    const error = unauthenticated();
    expect(format(formatted(error), error).extensions).toEqual({ code: "UNAUTHENTICATED" });
  });

  it("passes Apollo's own validation errors through", () => {
    const { format } = setup();
    const error = new GraphQLError('Cannot query field "nope"', { extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
    expect(format(formatted(error), error).message).toBe('Cannot query field "nope"');
  });

  it("masks an unknown error as 'Internal error' with the request id, and logs it in full", () => {
    const { format, logged } = setup("req-42");
    const original = new Error("connect ECONNREFUSED 10.0.0.5:5432 password=hunter2");
    const wrapped = new GraphQLError(original.message, { originalError: original, path: ["field"] });
    const out = format({ message: original.message, path: ["field"], extensions: { code: "INTERNAL_SERVER_ERROR", stacktrace: ["s"] } }, wrapped);
    expect(out).toEqual({
      message: "Internal error",
      path: ["field"],
      locations: undefined,
      extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "req-42" },
    });
    expect(JSON.stringify(out)).not.toContain("ECONNREFUSED");
    const [line] = logged();
    expect(line).toMatchObject({ level: "error", msg: "unexpected error", requestId: "req-42", path: ["field"] });
    expect((line!.error as { message: string }).message).toContain("ECONNREFUSED");
  });

  it("masks a GraphQLError whose code is not public", () => {
    const { format } = setup();
    const error = new GraphQLError("secret detail", { extensions: { code: "PRISMA_P1001" } });
    expect(format(formatted(error), error)).toMatchObject({ message: "Internal error", extensions: { code: "INTERNAL_SERVER_ERROR" } });
  });
});
