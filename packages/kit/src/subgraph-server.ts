import { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import express, { type Express, type Request } from "express";
import type { GraphQLSchema } from "graphql";
import type { VerifyOptions } from "./auth";
import { authenticate, requestIdFrom, type RequestContext } from "./context";
import { currentRequestId, type Logger } from "./logger";
import type { Metrics } from "./metrics";
import { apolloDefaults, createServiceApp, listen, type ReadinessChecks } from "./server";

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
}

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
  const service = createServiceApp(options.name, options.readiness);
  const { app, httpServer, metrics } = service;
  options.routes?.(app);

  const apollo = new ApolloServer<C>({
    ...apolloDefaults(logger, service),
    schema: options.schema,
    introspection: options.introspection ?? true,
  });
  await apollo.start();
  app.use(
    "/graphql",
    express.json({ limit: "1mb" }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const base = await authenticate(req, currentRequestId() ?? requestIdFrom(req), options.verify);
        return options.context ? options.context(base, req) : (base as C);
      },
    }),
  );

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
