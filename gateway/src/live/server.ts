import { bearerToken, ErrorCode, type QueryLimits } from "@opsconductor/kit/gateway";
import { GraphQLError, type ExecutionArgs, type GraphQLSchema } from "graphql";
import type { Context } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import type http from "node:http";
import { WebSocketServer, type WebSocket } from "ws";
import { CLOSE_UNAUTHORIZED, type LiveConnection, type LiveLayer } from "./layer";
import { prepareSubscription, type PreparedSubscription, type SubscribePayload } from "./operation";

type Extra = { socket: WebSocket; request: http.IncomingMessage };

export interface LiveServerOptions {
  httpServer: http.Server;
  /** The HTTP path of GraphQL; WebSocket upgrades to it speak graphql-transport-ws. */
  path: string;
  layer: LiveLayer;
  /** The supergraph's API schema (undefined until the gateway has loaded it). */
  schema(): GraphQLSchema | undefined;
  limits: QueryLimits;
  /** Largest message accepted from a client (bytes), like the HTTP body limit. */
  maxPayload?: number;
  maxSubscriptionsPerConnection?: number;
  /** Express's compiled `trust proxy` function, so the client address is worked out as on HTTP. */
  trustProxy?: (address: string, hop: number) => boolean;
}

/** The client address: the socket's, or through trusted proxy hops the one they forwarded (as Express's req.ip). */
export function clientAddress(request: http.IncomingMessage, trust?: (address: string, hop: number) => boolean): string | null {
  const socketAddress = request.socket.remoteAddress ?? null;
  if (!trust || !socketAddress) return socketAddress;
  const header = request.headers["x-forwarded-for"];
  const forwarded = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .reverse();
  const chain = [socketAddress, ...forwarded];
  let hop = 0;
  while (hop < chain.length - 1 && trust(chain[hop], hop)) hop += 1;
  return chain[hop];
}

/** The `authorization` entry of connectionParams, whatever its case (GraphiQL sends its Headers tab as is). */
export function authorizationParam(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (!params) return undefined;
  for (const [key, value] of Object.entries(params)) {
    if (key.toLowerCase() === "authorization" && typeof value === "string") return value;
  }
  return undefined;
}


/**
 * graphql-ws on the gateway's HTTP server, same path as POST /graphql. A connection must bring a token
 * in connectionParams (`{ authorization: "Bearer <jwt>" }`), verified as on HTTP; without one, or with
 * one refused, the socket closes with 4401 and the reason. Only subscriptions are served; each is
 * validated like a query over HTTP and then served by the live layer.
 */
export function attachLiveServer(options: LiveServerOptions) {
  const { layer } = options;
  const maxSubscriptions = options.maxSubscriptionsPerConnection ?? 100;
  const wss = new WebSocketServer({ server: options.httpServer, path: options.path, maxPayload: options.maxPayload ?? 1024 * 1024 });
  const connections = new WeakMap<Context<Record<string, unknown>, Extra>, LiveConnection>();
  const prepared = new WeakMap<ExecutionArgs, PreparedSubscription>();

  const server = useServer<Record<string, unknown>, Extra>(
    {
      async onConnect(ctx) {
        const { socket, request } = ctx.extra;
        const header = authorizationParam(ctx.connectionParams);
        const refuse = (reason: string) => {
          socket.close(CLOSE_UNAUTHORIZED, reason.slice(0, 120));
          return false;
        };
        if (!header) return refuse('Unauthorized: send connectionParams { authorization: "Bearer <token>" }');
        try {
          const token = bearerToken(header);
          if (!token) return refuse("Unauthorized: empty token");
          const actor = { ip: clientAddress(request, options.trustProxy), userAgent: request.headers["user-agent"] ?? null };
          const connection = await layer.connect(token, actor, (code, reason) => socket.close(code, reason.slice(0, 120)));
          if (socket.readyState !== socket.OPEN) {
            layer.disconnect(connection);
            return false;
          }
          connections.set(ctx, connection);
          return true;
        } catch (error) {
          return refuse(`Unauthorized: ${error instanceof GraphQLError ? error.message : "cannot verify the token"}`);
        }
      },
      onSubscribe(ctx, _id, payload) {
        const connection = connections.get(ctx);
        if (!connection) return [new GraphQLError("Not connected", { extensions: { code: ErrorCode.UNAUTHENTICATED } })];
        if (connection.subscriptions.size >= maxSubscriptions) return [new GraphQLError(`At most ${maxSubscriptions} subscriptions per connection`, { extensions: { code: ErrorCode.TOO_MANY_REQUESTS } })];
        const schema = options.schema();
        if (!schema) return [new GraphQLError("The gateway is starting; try again", { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } })];
        const result = prepareSubscription(schema, payload as SubscribePayload, options.limits);
        if (Array.isArray(result)) return result;
        const args: ExecutionArgs = { schema, document: result.document, operationName: result.operationName, variableValues: payload.variables, contextValue: connection };
        prepared.set(args, result);
        return args;
      },
      subscribe(args) {
        return layer.subscribe(args.contextValue as LiveConnection, prepared.get(args)!);
      },
      // Not reached: onSubscribe refuses every other operation.
      execute: () => ({ errors: [new GraphQLError("Only subscriptions are served over WebSocket")] }),
      onClose(ctx) {
        const connection = connections.get(ctx);
        if (connection) layer.disconnect(connection);
      },
    },
    wss,
  );

  return {
    wss,
    /** Closes every connection (1001) and the WebSocket server. */
    async dispose() {
      layer.stop();
      await server.dispose();
    },
  };
}
