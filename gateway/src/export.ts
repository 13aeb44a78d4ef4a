import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { RequestHandler } from "express";
import {
  authenticate,
  currentRequestId,
  requestIdFrom,
  sendJsonError,
  type Logger,
  type VerifyOptions,
} from "@opsconductor/kit/gateway";
import { forwardedHeaders } from "./forward";

/** Response headers of the subgraph's stream that reach the client. */
const PASSED_HEADERS = ["content-type", "content-disposition", "cache-control"];

export interface StreamProxyOptions {
  /** The subgraph's base URL and the path it serves the stream on. */
  target: string;
  serviceToken: string;
  verify: VerifyOptions;
  logger: Logger;
}

/**
 * A streamed HTTP download that a subgraph serves (the audit export), through the front door: the
 * caller's bearer token is verified here (signature, expiry, recall; none or a bad one is 401 JSON)
 * and forwarded with the headers of every subgraph call (forward.ts); the
 * subgraph checks the permission and the query string itself. The body is piped as it arrives
 * (undici's stream into the socket, so a slow client slows the subgraph's reads), and a client that
 * goes away aborts the upstream request.
 */
export function streamProxy(options: StreamProxyOptions): RequestHandler {
  const { logger } = options;
  return async (req, res) => {
    const requestId = currentRequestId() ?? requestIdFrom(req);
    let context;
    try {
      context = await authenticate(req, requestId, options.verify);
    } catch (error) {
      return sendJsonError(res, 401, (error as Error).message);
    }
    if (!context.user || !context.token) return sendJsonError(res, 401);
    const query = req.originalUrl.includes("?") ? req.originalUrl.slice(req.originalUrl.indexOf("?")) : "";
    const abort = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) abort.abort();
    });
    let upstream: Response;
    try {
      upstream = await fetch(`${options.target}${query}`, {
        signal: abort.signal,
        redirect: "manual",
        headers: forwardedHeaders(context, options.serviceToken),
      });
    } catch (error) {
      if (abort.signal.aborted) return;
      logger.error("stream upstream unreachable", { error, requestId, target: options.target });
      return sendJsonError(res, 502, "The service is unavailable");
    }
    res.status(upstream.status);
    for (const name of PASSED_HEADERS) {
      const value = upstream.headers.get(name);
      if (value) res.setHeader(name, value);
    }
    if (!upstream.body) return void res.end();
    try {
      await pipeline(Readable.fromWeb(upstream.body as WebReadableStream<Uint8Array>), res);
    } catch (error) {
      // The client left (nothing to tell) or the subgraph cut the stream (the client's connection is cut too).
      if (!abort.signal.aborted) logger.warn("stream proxy stopped", { error: (error as Error).message, requestId });
      res.destroy();
    }
  };
}
