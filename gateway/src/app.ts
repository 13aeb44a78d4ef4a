import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import {
  apolloDefaults,
  apolloHandler,
  authenticate,
  createLogger,
  createRedis,
  createServiceApp,
  currentRequestId,
  ISSUED_TOKEN_HEADER,
  Lifecycle,
  limitsFromEnv,
  limitsGate,
  listen,
  queryLimitOptions,
  remoteJwks,
  requestIdFrom,
  mirroredRevocations,
  type KeyResolver,
  type ReadinessChecks,
  type RequestContext,
  verifyAccessToken,
  withRequestId,
} from "@opsconductor/kit/gateway";
import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, type GraphQLSchema } from "graphql";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dedupeInFlight } from "./dedupe";
import { forwardedHeaders } from "./forward";
import { subgraphFetcher } from "./subgraph-fetch";
import { subgraphUrls, type Env } from "./env";
import { explorerRouter } from "./explorer";
import { streamProxy } from "./export";
import { LiveHub } from "./live/hub";
import { LiveLayer, type LiveExecutor } from "./live/layer";
import { attachLiveServer } from "./live/server";
import { sessionCookies } from "./session-cookie";

export const SUPERGRAPH_FILE = path.join(__dirname, "..", "supergraph.graphql");

type DataSource = RemoteGraphQLDataSource<GatewayContext>;

/**
 * Forwards the caller's token, request id and client identity to every subgraph, with the gateway
 * proof (see kit's proof.ts) that subgraphs require. `x-forwarded-for` is set to the one client
 * address the gateway determined (never the client's own header), and subgraphs believe it only
 * because the proof comes with it.
 */
export class AuthForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    config: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0],
    private readonly serviceToken: string,
  ) {
    super(config);
  }

  override willSendRequest({ request, context }: Parameters<NonNullable<DataSource["willSendRequest"]>>[0]) {
    const headers = request.http?.headers;
    if (!headers || !context?.requestId) return;
    for (const [name, value] of Object.entries(forwardedHeaders(context as GatewayContext, this.serviceToken))) headers.set(name, value);
  }

  /** A session started by this operation (login, refresh) is used for its remaining fetches when the caller sent no token. */
  override didReceiveResponse({ response, context }: Parameters<NonNullable<DataSource["didReceiveResponse"]>>[0]) {
    const issued = response.http?.headers.get(ISSUED_TOKEN_HEADER);
    if (issued && context && !context.token) context.issuedToken = issued;
    return response;
  }

  /**
   * A subgraph refusing the token (HTTP 401: recalled between the gateway's check and the subgraph's,
   * or any other reason) reaches the client as UNAUTHENTICATED with the subgraph's own message,
   * instead of Apollo's generic "401: Unauthorized".
   */
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource["errorFromResponse"]>[0]) {
    const error = await super.errorFromResponse(response);
    if (response.status !== 401) return error;
    const body = (error.extensions?.response as { body?: { errors?: Array<{ message?: unknown; extensions?: { code?: unknown } }> } } | undefined)?.body;
    const first = body?.errors?.[0];
    const message = first?.extensions?.code === "UNAUTHENTICATED" && typeof first.message === "string" ? first.message : "Authentication required";
    return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED" } });
  }
}

export type GatewayContext = RequestContext;

/** A subscription sent over HTTP gets a clear answer instead of the query planner's internal error. */
export const subscriptionsOverWebSocketOnly: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation === "subscription") {
          throw new GraphQLError("Subscriptions are served over WebSocket (graphql-ws, subprotocol graphql-transport-ws) on this same /graphql path", {
            extensions: { code: "BAD_REQUEST", http: { status: 400 } },
          });
        }
      },
    };
  },
};

export interface GatewayOptions {
  keys?: KeyResolver;
  handleSignals?: boolean;
}

export async function start(env: Env, options: GatewayOptions = {}) {
  const logger = createLogger("gateway", env.LOG_LEVEL);
  const lifecycle = new Lifecycle(logger);
  const supergraphSdl = fs.readFileSync(env.SUPERGRAPH_PATH ?? SUPERGRAPH_FILE, "utf8");
  const urls = subgraphUrls(env, supergraphSdl);
  // node:http on one keep-alive pool (see subgraph-fetch.ts); concurrent identical queries with the same
  // token share one subgraph request.
  const fetcher = dedupeInFlight(subgraphFetcher());
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) =>
      new AuthForwardingDataSource(
        {
          url: urls[name] ? `${urls[name]}/graphql` : url,
          fetcher,
        },
        env.SERVICE_TOKEN,
      ),
  });

  // Revocation (deactivation, password change, logout everywhere) is enforced here and again in
  // every subgraph (kit's serveSubgraph passes the same hook).
  const redis = createRedis(env.REDIS_URL, logger);
  // Every request is checked against the revocations, so they are mirrored in memory (kept in sync over
  // pub/sub; Redis is asked directly whenever the mirror is not in sync): no Redis round trip per request.
  const { revocations, close: closeRevocations } = mirroredRevocations(redis, env.REDIS_URL, env.REDIS_KEY_PREFIX, logger);
  const verify = {
    keys: options.keys ?? remoteJwks(`${urls.auth}/.well-known/jwks.json`),
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    notBefore: (userId: string, sid?: string) => revocations.notBefore(userId, sid),
  };

  const readiness: ReadinessChecks = { redis: () => redis.ping() };
  for (const [name, base] of Object.entries(urls)) {
    readiness[name] = async () => {
      const response = await fetch(`${base}/ready`, { signal: AbortSignal.timeout(2_000) });
      if (!response.ok) throw new Error(`${name} answered ${response.status}`);
    };
  }
  const service = createServiceApp("gateway", readiness, {
    logger,
    trustProxy: env.TRUSTED_PROXIES,
    metricsToken: env.METRICS_TOKEN,
    knownOperations: env.METRICS_OPERATIONS,
  });
  const { app, httpServer } = service;
  app.use(explorerRouter("/graphql"));
  // The audit trail as a streamed CSV/JSON/NDJSON download (the audit subgraph serves it; see its README).
  if (urls.audit) app.get("/export/audit", streamProxy({ target: `${urls.audit}/export/audit`, serviceToken: env.SERVICE_TOKEN, verify, logger }));

  // The API schema (Subscription included) for validating subscriptions, as the gateway loads it.
  let apiSchema: GraphQLSchema | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: loaded }) => {
    apiSchema = loaded;
  });

  const limits = limitsFromEnv(env);
  const defaults = apolloDefaults(logger, service);
  const apollo = new ApolloServer<GatewayContext>({
    ...defaults,
    plugins: [...defaults.plugins, subscriptionsOverWebSocketOnly],
    gateway,
    introspection: env.INTROSPECTION ?? env.NODE_ENV !== "production",
    allowBatchedHttpRequests: false,
    ...queryLimitOptions(limits),
  });
  await apollo.start();
  service.graphqlRoute("/graphql", {
    afterBody: [
      sessionCookies(env.REFRESH_COOKIE_MAX_AGE_SECONDS),
      limitsGate(limits),
      apolloHandler(apollo, ({ req }) => authenticate(req, currentRequestId() ?? requestIdFrom(req), verify)),
    ],
  });
  service.finishRoutes();

  // Subscriptions (ARCHITECTURE.md): graphql-ws on the same server and path; each event's payload is a
  // query run here, through Apollo's request pipeline and the gateway's executor, as the subscriber.
  const execute: LiveExecutor = async (query, variables, session) => {
    const requestId = randomUUID();
    const response = await withRequestId(requestId, () =>
      apollo.executeOperation(
        { query: query.text, operationName: query.operationName, variables },
        { contextValue: { requestId, token: session.token, user: session.user, actor: session.actor } },
      ),
    );
    if (response.body.kind !== "single") throw new Error("incremental delivery is not used by live queries");
    return response.body.singleResult;
  };
  const subscriber = createRedis(env.REDIS_URL, logger);
  const live = new LiveLayer({
    hub: new LiveHub(subscriber, logger),
    prefix: env.REDIS_KEY_PREFIX,
    execute,
    verify: (token) => verifyAccessToken(token, verify),
    logger,
    tokenCheckMs: env.SUBSCRIPTION_TOKEN_CHECK_SECONDS * 1000,
  });
  const liveServer = attachLiveServer({
    httpServer,
    path: "/graphql",
    layer: live,
    schema: () => apiSchema,
    limits,
    maxSubscriptionsPerConnection: env.MAX_SUBSCRIPTIONS_PER_CONNECTION,
    trustProxy: app.get("trust proxy fn") as (address: string, hop: number) => boolean,
  });

  const port = await listen(httpServer, env.HOST, env.PORT);
  const url = `http://${env.HOST}:${port}/graphql`;
  lifecycle.onShutdown("redis", () => redis.disconnect());
  lifecycle.onShutdown("revocation mirror", closeRevocations);
  lifecycle.onShutdown("redis subscriber", () => subscriber.disconnect());
  lifecycle.onShutdown("gateway", () => apollo.stop());
  // Runs first (hooks run in reverse): WebSocket clients are told 1001 before the HTTP server drains.
  lifecycle.onShutdown("subscriptions", () => liveServer.dispose());
  if (options.handleSignals ?? true) lifecycle.listen();
  logger.info("gateway listening", { url, explorer: `http://${env.HOST}:${port}/graphiql` });
  return { url, port, lifecycle, logger, live };
}
