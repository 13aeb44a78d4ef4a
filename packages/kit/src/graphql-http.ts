import { type ApolloServer, type BaseContext, HeaderMap } from "@apollo/server";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { AsyncResource } from "node:async_hooks";
import type { IncomingMessage, ServerResponse } from "node:http";

/** The largest JSON body /graphql reads (body-parser's notation for the Express path, bytes for the lean one). */
export const GRAPHQL_BODY_LIMIT_BYTES = 1024 * 1024;

/** A body error shaped as body-parser's, so jsonErrorHandler answers both paths alike. */
function bodyError(status: number, type: string, message: string): Error {
  return Object.assign(new Error(message), { status, statusCode: status, type, expose: true });
}

/** What the lean path reads: a plain JSON POST with a declared or chunked body and no content encoding. */
export function isPlainJsonPost(req: IncomingMessage): boolean {
  if (req.method !== "POST") return false;
  const type = req.headers["content-type"];
  if (type === undefined || !/^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i.test(type)) return false;
  const encoding = req.headers["content-encoding"];
  if (encoding !== undefined && encoding.toLowerCase() !== "identity") return false;
  return req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined;
}

/**
 * Reads a JSON body as express.json({ limit, strict: true }) does for the requests isPlainJsonPost
 * accepts: 413 past the limit (declared or counted), 400 when the length does not match the declared
 * one, 400 `entity.parse.failed` when the text is not a JSON object or array; `{}` for an empty body.
 * `done` runs in the caller's async context (request id in logs and errors), not the socket's.
 */
export function readJsonBody(req: IncomingMessage, limit: number, callback: (error: Error | null, body?: unknown) => void): void {
  // runInAsyncScope, not AsyncResource.bind: bind defines deprecated accessors on every bound function
  // (two `deprecate` wrappers per request, ~0.75% of the gateway's CPU under load).
  const resource = new AsyncResource("opsc.readJsonBody");
  const done = (error: Error | null, body?: unknown) => resource.runInAsyncScope(callback, undefined, error, body);
  const declared = req.headers["content-length"] === undefined ? undefined : Number(req.headers["content-length"]);
  if (declared !== undefined && declared > limit) {
    req.resume();
    done(bodyError(413, "entity.too.large", "request entity too large"));
    return;
  }
  const chunks: Buffer[] = [];
  let received = 0;
  let finished = false;
  const finish = (error: Error | null, body?: unknown) => {
    if (finished) return;
    finished = true;
    req.off("data", onData);
    req.off("end", onEnd);
    req.off("error", onError);
    if (error) req.resume();
    done(error, body);
  };
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received > limit) finish(bodyError(413, "entity.too.large", "request entity too large"));
    else chunks.push(chunk);
  };
  const onEnd = () => {
    if (declared !== undefined && received !== declared) return finish(bodyError(400, "request.size.invalid", "request size did not match content length"));
    const text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString("utf8");
    if (text.length === 0) return finish(null, {});
    // strict: only an object or an array, as body-parser's json parser.
    const first = /^[\x20\x09\x0a\x0d]*(.)/.exec(text)?.[1];
    if (first !== "{" && first !== "[") return finish(bodyError(400, "entity.parse.failed", "Unexpected token in JSON"));
    try {
      finish(null, JSON.parse(text));
    } catch {
      finish(bodyError(400, "entity.parse.failed", "Malformed JSON"));
    }
  };
  const onError = (error: Error) => finish(bodyError(400, "request.aborted", error.message));
  req.on("data", onData);
  req.on("end", onEnd);
  req.on("error", onError);
}

/**
 * Apollo Server as the last handler of /graphql (what @as-integrations/express5 does, without a URL
 * parse per request): the parsed body and the headers in, Apollo's status, headers and body out.
 */
export function apolloHandler<C extends BaseContext>(apollo: ApolloServer<C>, context: (args: { req: Request; res: Response }) => Promise<C>): RequestHandler {
  apollo.assertStarted("apolloHandler()");
  return (req, res, next) => {
    const headers = new HeaderMap();
    for (const key in req.headers) {
      const value = req.headers[key];
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    const query = req.url.indexOf("?");
    apollo
      .executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method.toUpperCase(), headers, search: query < 0 ? "" : req.url.slice(query), body: req.body },
        context: () => context({ req, res }),
      })
      .then(async (response) => {
        for (const [key, value] of response.headers) res.setHeader(key, value);
        res.statusCode = response.status ?? 200;
        if (response.body.kind === "complete") {
          res.send(response.body.string);
          return;
        }
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      })
      .catch(next);
  };
}

/** Runs Express-style handlers in order, as a router would for one matched route; an error goes to `fail`. */
export function runHandlers(handlers: readonly RequestHandler[], req: Request, res: Response, fail: (error: unknown) => void, last?: () => void): void {
  let index = 0;
  const next: NextFunction = (error?: unknown) => {
    if (error !== undefined && error !== null && error !== "route" && error !== "router") return fail(error);
    const handler = handlers[index++];
    if (!handler) return last?.();
    try {
      const result = handler(req, res, next) as unknown;
      if (result instanceof Promise) result.catch(fail);
    } catch (thrown) {
      fail(thrown);
    }
  };
  next();
}

/** A request and response as Express's own init middleware leaves them (its prototypes, locals), without the router. */
export function asExpress(app: { request: object; response: object }, rawReq: IncomingMessage, rawRes: ServerResponse): { req: Request; res: Response } {
  Object.setPrototypeOf(rawReq, app.request);
  Object.setPrototypeOf(rawRes, app.response);
  const req = rawReq as Request;
  const res = rawRes as Response;
  (req as { res?: Response }).res = res;
  (res as { req?: Request }).req = req;
  res.locals = Object.create(null) as Response["locals"];
  return { req, res };
}
