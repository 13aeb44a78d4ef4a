import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import express, { type Express, type Request, type RequestHandler, type Response } from "express";
import { createHash, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { REQUEST_ID_HEADER, requestIdFrom } from "./context";
import { createErrorFormatter } from "./errors";
import { asExpress, GRAPHQL_BODY_LIMIT_BYTES, isPlainJsonPost, readJsonBody, runHandlers } from "./graphql-http";
import { DEFAULT_INPUT_LIMITS, inputGuardPlugin, type InputLimits } from "./input-guard";
import { jsonErrorHandler, jsonNotFound, requireJsonBody, sendJsonError } from "./http-errors";
import { currentRequestId, type Logger, withRequestId } from "./logger";
import { createMetrics, type Metrics } from "./metrics";

export type ReadinessChecks = Record<string, () => Promise<unknown>>;

/** Runs each check with a timeout; returns per-dependency status. */
export async function runChecks(checks: ReadinessChecks, timeoutMs = 2_000) {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => setTimeout(() => reject(new Error("timed out")), timeoutMs).unref()),
        ]);
        return [name, { ok: true }] as const;
      } catch (error) {
        return [name, { ok: false, error: (error as Error).message }] as const;
      }
    }),
  );
  return { ok: entries.every(([, status]) => status.ok), checks: Object.fromEntries(entries) };
}

function metricsPlugin(metrics: Metrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operationName, errors }) {
          metrics.graphqlOperations.inc({ operation: metrics.operationLabel(operationName), outcome: errors?.length ? "error" : "ok" });
        },
      };
    },
  };
}

export interface ServiceApp {
  app: Express;
  httpServer: http.Server;
  metrics: Metrics;
  /** Adds the JSON 404 and the JSON error handler; call once, after the last route is mounted. */
  finishRoutes(): void;
  /**
   * Mounts POST `path` (GraphQL): `beforeBody` handlers, the JSON body (415/413/400 as JSON errors), then
   * `afterBody` handlers, the last of which answers. A plain JSON POST to exactly `path` skips Express's
   * router and body parser (the same handlers run, on Express's request and response objects); any other
   * request to `path` (GET, another content type or encoding, another spelling of the path) takes the
   * Express route with the same handlers, so both answer alike.
   */
  graphqlRoute(path: string, route: { beforeBody?: RequestHandler[]; afterBody: RequestHandler[] }): void;
}

export interface ServiceAppOptions {
  /** Server errors (5xx) outside GraphQL are logged here in full. */
  logger?: Logger;
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /** Operation names labelled as themselves in graphql_operations_total; any other name counts as `other`. */
  knownOperations?: Iterable<string>;
  /**
   * Proxy hops (IPs or CIDRs) whose `x-forwarded-for` is believed when working out `req.ip`; none by
   * default, so `req.ip` is the socket address and a client cannot choose the address it is recorded as.
   */
  trustProxy?: readonly string[];
}

/** The JSON body parser for /graphql: 415 for other content types, 413 past `limit` (as JSON errors). */
export const graphqlBody = (limit: string | number = GRAPHQL_BODY_LIMIT_BYTES) => [requireJsonBody, express.json({ limit })];

/** Bearer-token check in constant time (digests of equal length, so neither content nor length leaks). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(header ?? ""), digest(`Bearer ${token}`));
}

/**
 * A bounded route label: the route pattern under its mount point, lower-cased (Express matches paths
 * case-insensitively, so `/GraphQL` and `/graphql` are one route) without a trailing slash.
 */
function routeLabel(req: Request): string {
  const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : req.baseUrl;
  if (!route) return "unmatched";
  return route.toLowerCase().replace(/(.)\/+$/, "$1");
}

/**
 * The HTTP side every process shares (subgraphs and the gateway): request ids carried into the
 * logs, request metrics labelled by route, /health, /ready (runs the readiness checks), /metrics,
 * and (after `finishRoutes()`) JSON for every HTTP error, 404 included.
 */
export function createServiceApp(name: string, readiness: ReadinessChecks, options: ServiceAppOptions = {}): ServiceApp {
  const app = express();
  app.disable("x-powered-by");
  // An ETag is a hash of every response body; no client here revalidates API answers with one.
  app.set("etag", false);
  app.set("trust proxy", options.trustProxy?.length ? [...options.trustProxy] : false);
  const metrics = createMetrics(name, { knownOperations: options.knownOperations });
  // The lean /graphql path (graphqlRoute) answers what it takes; Express answers everything else.
  let lean: ((req: http.IncomingMessage, res: http.ServerResponse) => boolean) | undefined;
  const httpServer = http.createServer((req, res) => {
    if (lean?.(req, res)) return;
    app(req, res);
  });

  /** Request id (header and logs) and the request's metrics, on both paths. */
  const track = (req: Request, res: Response, route: () => string, next: () => void) => {
    const requestId = requestIdFrom(req);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const end = metrics.httpDuration.startTimer({ method: req.method });
    res.on("finish", () => end({ route: route(), status: String(res.statusCode) }));
    withRequestId(requestId, next);
  };
  // Label by route pattern or mount point, never the raw path: scanners would create unbounded series.
  app.use((req, res, next) => track(req, res, () => routeLabel(req), () => next()));
  app.get("/health", (_req, res) => {
    res.json({ status: "ok", service: name });
  });
  app.get("/ready", async (_req, res) => {
    const result = await runChecks(readiness);
    res.status(result.ok ? 200 : 503).json({ status: result.ok ? "ready" : "not ready", service: name, ...result });
  });
  app.get("/metrics", async (req, res) => {
    if (options.metricsToken && !bearerMatches(req.headers.authorization, options.metricsToken)) {
      res.setHeader("www-authenticate", "Bearer");
      sendJsonError(res, 401);
      return;
    }
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  let finished = false;
  const onError = jsonErrorHandler(options.logger);
  const finishRoutes = () => {
    if (finished) return;
    finished = true;
    app.use(jsonNotFound);
    app.use(onError);
  };
  const graphqlRoute: ServiceApp["graphqlRoute"] = (path, { beforeBody = [], afterBody }) => {
    app.use(path, ...beforeBody, ...graphqlBody(), ...afterBody);
    const label = path.toLowerCase();
    lean = (rawReq, rawRes) => {
      if (rawReq.url !== path || !isPlainJsonPost(rawReq)) return false;
      const { req, res } = asExpress(app, rawReq, rawRes);
      const fail = (error: unknown) => onError(error, req, res, () => res.destroy());
      track(req, res, () => label, () =>
        runHandlers(beforeBody, req, res, fail, () =>
          readJsonBody(req, GRAPHQL_BODY_LIMIT_BYTES, (error, body) => {
            if (error) return fail(error);
            req.body = body;
            runHandlers(afterBody, req, res, fail, () => sendJsonError(res, 404));
          }),
        ),
      );
      return true;
    };
  };
  return { app, httpServer, metrics, finishRoutes, graphqlRoute };
}

/**
 * Apollo Server settings every process shares: masked errors, CSRF prevention, JSON logs, drain,
 * metrics, and the input guard (no NUL, unpaired surrogate, huge string or list in any argument).
 */
export function apolloDefaults(logger: Logger, { httpServer, metrics }: ServiceApp, inputLimits: InputLimits = DEFAULT_INPUT_LIMITS) {
  return {
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    // Lifecycle owns SIGTERM/SIGINT; Apollo re-raising the signal would turn one into two.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter(logger, currentRequestId),
    // Apollo's own messages go through the JSON logger instead of console.
    logger: {
      debug: (message: unknown) => logger.debug(String(message)),
      info: (message: unknown) => logger.info(String(message)),
      warn: (message: unknown) => logger.warn(String(message)),
      error: (message: unknown) => logger.error(String(message)),
    },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Apollo installs cache-control hints by default, which wraps every field resolver of every request;
      // nothing here sets or reads them (no CDN or response cache).
      ApolloServerPluginCacheControlDisabled(),
      metricsPlugin(metrics),
      inputGuardPlugin(inputLimits),
    ],
  };
}

/** Listens and returns the port actually bound (port 0 picks a free one). */
export async function listen(httpServer: http.Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(port, host, () => resolve());
  });
  return (httpServer.address() as AddressInfo).port;
}
