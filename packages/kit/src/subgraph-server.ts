import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import type { Express, Request, RequestHandler, Response } from "express";
import type { GraphQLSchema } from "graphql";
import { requiredPermissionsOf, type VerifyOptions } from "./auth";
import { authenticate, REQUEST_ID_HEADER, requestIdFrom, type RequestContext } from "./context";
import { limitsEnv, z } from "./env";
import { sendJsonError } from "./http-errors";
import { limitsFromEnv, limitsGate, queryLimitOptions, type QueryLimits } from "./limits";
import { currentRequestId, type Logger } from "./logger";
import type { Metrics } from "./metrics";
import { FLOOR_CHECKED_HEADER, GATEWAY_PROOF_HEADER, ISSUED_TOKEN_HEADER, verifyFloorChecked, verifyGatewayProof } from "./proof";
import { apolloHandler } from "./graphql-http";
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
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /** Operation names labelled as themselves in the metrics (others count as `other`). */
  knownOperations?: Iterable<string>;
  /** The shared service token: /graphql answers only requests with a gateway proof made with it (see proof.ts). */
  serviceToken: string;
  /** Query limits, as at the gateway (defaults: limitsEnv's). */
  limits?: QueryLimits;
  /** Called once per FORBIDDEN error of a request, after execution (the refused work is not part of it). */
  onForbidden?: (denial: PermissionDenial, context: C) => Promise<void> | void;
}

/** One refused field of a request, as the denial hook receives it. */
export interface PermissionDenial {
  operationName: string | null;
  operationType: string | null;
  field: string | null;
  path: Array<string | number>;
  requiredPermissions: string[];
  requestId: string | null;
}

/** Reports every FORBIDDEN error of a request to `onForbidden` (failures are logged, never change the response). */
function denialPlugin<C extends RequestContext>(onForbidden: NonNullable<SubgraphServerOptions<C>["onForbidden"]>, logger: Logger): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName, operation }) {
          for (const error of errors) {
            if (error.extensions?.code !== "FORBIDDEN") continue;
            const path = [...(error.path ?? [])];
            const denial: PermissionDenial = {
              operationName: operationName ?? null,
              operationType: operation?.operation ?? null,
              field: typeof path[0] === "string" ? path.filter((part) => typeof part === "string").join(".") : null,
              path,
              requiredPermissions: requiredPermissionsOf(error),
              requestId: contextValue.requestId ?? null,
            };
            try {
              await onForbidden(denial, contextValue);
            } catch (failure) {
              logger.error("could not record a permission denial", { error: failure, field: denial.field });
            }
          }
        },
      };
    },
  };
}

/** The gateway's limits with their default settings. */
export const DEFAULT_QUERY_LIMITS: QueryLimits = limitsFromEnv(z.object(limitsEnv).parse({}));

/**
 * The door of /graphql: without a valid gateway proof for this request id the request is refused
 * (401, JSON, masked) before its body is read, so outsiders get no data, introspection, SDL
 * (`_service`), entities or traces. `res.locals.viaGateway` tells the context the sender is trusted.
 */
export function requireGatewayProof(serviceToken: string): RequestHandler {
  return (req, res, next) => {
    // The id the proof is bound to must be the one this request runs under (an invalid id was replaced).
    const requestId = req.header(REQUEST_ID_HEADER);
    if (!requestId || requestId !== res.getHeader(REQUEST_ID_HEADER) || !verifyGatewayProof(req.header(GATEWAY_PROOF_HEADER), serviceToken, requestId)) {
      sendJsonError(res, 401);
      return;
    }
    res.locals.viaGateway = true;
    next();
  };
}

/**
 * The caller of a request that passed the door (requireGatewayProof), for /graphql and a service's own
 * routes alike: its `x-forwarded-for` and its attestation that the gateway already checked the token's
 * revocation floor for this request (FLOOR_CHECKED_HEADER) count only with a valid gateway proof.
 */
export function authenticateBehindDoor(req: Request, res: Response, verify: VerifyOptions, serviceToken: string): Promise<RequestContext> {
  const viaGateway = res.locals.viaGateway === true;
  const requestId = currentRequestId() ?? requestIdFrom(req);
  return authenticate(req, requestId, verify, {
    trustForwarded: viaGateway,
    floorCheckedBySender: (token) => viaGateway && verifyFloorChecked(req.header(FLOOR_CHECKED_HEADER), serviceToken, requestId, token),
  });
}

/** Hands an access token issued during the request (login, refresh) back to the gateway in a header. */
const issuedTokenPlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ contextValue, response }) {
        if (contextValue.issuedToken) response.http.headers.set(ISSUED_TOKEN_HEADER, contextValue.issuedToken);
      },
    };
  },
};

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
  const defaults = apolloDefaults(logger, service);
  const apollo = new ApolloServer<C>({
    ...defaults,
    plugins: [
      ...defaults.plugins,
      // No Apollo Studio here: federated tracing (ftv1) would only cost a check per request.
      ApolloServerPluginInlineTraceDisabled(),
      issuedTokenPlugin as ApolloServerPlugin<C>,
      ...(options.onForbidden ? [denialPlugin(options.onForbidden, logger)] : []),
    ],
    schema: options.schema,
    introspection: options.introspection ?? true,
    // The same linear limits as the gateway (defence in depth: a sibling or a misconfigured gateway).
    ...queryLimitOptions(limits),
  });
  await apollo.start();
  service.graphqlRoute("/graphql", {
    beforeBody: [requireGatewayProof(options.serviceToken)],
    afterBody: [
      limitsGate(limits),
      apolloHandler(apollo, async ({ req, res }) => {
        const base = await authenticateBehindDoor(req, res, options.verify, options.serviceToken);
        return options.context ? options.context(base, req) : (base as C);
      }),
    ],
  });
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
