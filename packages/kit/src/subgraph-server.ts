import { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import type { Express, Request } from "express";
import type { GraphQLSchema } from "graphql";
import type { VerifyOptions } from "./auth";
import { authenticate, requestIdFrom, type RequestContext } from "./context";
import { limitsEnv, z } from "./env";
import { limitsFromEnv, limitsGate, queryLimitOptions, type QueryLimits } from "./limits";
import { currentRequestId, type Logger } from "./logger";
import type { Metrics } from "./metrics";
import { apolloDefaults, createServiceApp, graphqlBody, listen, type ReadinessChecks } from "./server";

export interface SubgraphServerOptions<C extends RequestContext> {
  name: string;
  host: string;
  port: number;
  logger: Logger;
  schema: GraphQLSchema;
  verify: VerifyOptions;
  /** Adds per-request state (DataLoaders, services) to the base context. */
  context?: (base: RequestContext, req: Request) => C | Promise<C>;
  readiness: ReadinessChecks;
  /** Extra HTTP routes (internal endpoints, JWKS) mounted before /graphql. */
  routes?: (app: Express) => void;
  introspection?: boolean;
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /** Operation names labelled as themselves in the metrics (others count as `other`). */
  knownOperations?: Iterable<string>;
  /** Query limits, as at the gateway (defaults: limitsEnv's). */
  limits?: QueryLimits;
}

/** The gateway's limits with their default settings. */
export const DEFAULT_QUERY_LIMITS: QueryLimits = limitsFromEnv(z.object(limitsEnv).parse({}));

export interface RunningServer {
  app: Express;
  url: string;
  port: number;
  metrics: Metrics;
  stop(): Promise<void>;
}

/** Express + Apollo subgraph with request ids, auth context, /health, /ready and /metrics. */
export async function startSubgraphServer<C extends RequestContext>(options: SubgraphServerOptions<C>): Promise<RunningServer> {
  const { logger } = options;
  const service = createServiceApp(options.name, options.readiness, {
    logger,
    metricsToken: options.metricsToken,
    knownOperations: options.knownOperations,
  });
  const { app, httpServer, metrics } = service;
  options.routes?.(app);

  const limits = options.limits ?? DEFAULT_QUERY_LIMITS;
  const apollo = new ApolloServer<C>({
    ...apolloDefaults(logger, service),
    schema: options.schema,
    introspection: options.introspection ?? true,
    // The same linear limits as the gateway (defence in depth: a sibling or a misconfigured gateway).
    ...queryLimitOptions(limits),
  });
  await apollo.start();
  app.use(
    "/graphql",
    ...graphqlBody(),
    limitsGate(limits),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const base = await authenticate(req, currentRequestId() ?? requestIdFrom(req), options.verify);
        return options.context ? options.context(base, req) : (base as C);
      },
    }),
  );
  service.finishRoutes();

  const port = await listen(httpServer, options.host, options.port);
  const url = `http://${options.host}:${port}/graphql`;
  logger.info("subgraph listening", { url });

  return {
    app,
    url,
    port,
    metrics,
    async stop() {
      await apollo.stop();
    },
  };
}
