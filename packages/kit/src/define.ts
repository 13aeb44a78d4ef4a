import type { Express, Request, RequestHandler, Response } from "express";
import type { GraphQLError, GraphQLSchema } from "graphql";
import type { Redis } from "ioredis";
import type { z } from "zod";
import { AmqpConnection } from "./amqp";
import { remoteJwks, requiredPermissionsOf, type KeyResolver } from "./auth";
import { EventConsumer, type EventHandlers } from "./consumer";
import { parseEnv } from "./env";
import { Lifecycle } from "./lifecycle";
import { createLogger, type Logger, type LogLevel } from "./logger";
import { ensureKitTables } from "./outbox-tables";
import { emitEvent, OutboxRelay, type SqlClient } from "./outbox";
import { permissionDeniedEvent } from "./events";
import { isUniqueViolation, prismaReady, sqlClientOf, sqlPool, type SqlPool } from "./prisma";
import { limitsFromEnv, type LimitsEnv } from "./limits";
import { createRedis, mirroredRevocations } from "./revocation";
import { buildFederatedSchema, subgraphSdl, type FederatedSchemaOptions } from "./schema";
import type { ReadinessChecks } from "./server";
import type { RequestContext } from "./context";
import { authenticateBehindDoor, requireGatewayProof, startSubgraphServer, type PermissionDenial, type RunningServer } from "./subgraph-server";

/** The environment fields every subgraph has (see `baseEnv`). */
export interface SubgraphEnv extends LimitsEnv {
  NODE_ENV: "development" | "test" | "production";
  LOG_LEVEL: LogLevel;
  HOST: string;
  PORT: number;
  DATABASE_URL: string;
  RABBITMQ_URL: string;
  EVENTS_EXCHANGE: string;
  OUTBOX_RELAY_ENABLED: boolean;
  AUTH_URL: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  SERVICE_TOKEN: string;
  METRICS_TOKEN?: string;
  METRICS_OPERATIONS?: string[];
  REDIS_URL: string;
  REDIS_KEY_PREFIX: string;
}

export interface PrismaLike extends SqlClient {
  $disconnect(): Promise<void>;
}

/** The interactive-transaction client of a Prisma client type. */
export type TxOf<P> = P extends { $transaction<R>(fn: (tx: infer T) => Promise<R>, options?: infer _O): Promise<R> } ? T : never;

export interface TransactionOptions {
  /** The error a unique-constraint violation becomes (typically `conflict(field, message)`); undefined keeps the original. */
  onUniqueViolation?: (error: unknown) => GraphQLError | undefined;
  /** Prisma's interactive-transaction limits (ms), for a transaction that waits on something slow. */
  maxWait?: number;
  timeout?: number;
}
/** Runs fn in one transaction; after commit the outbox relay is kicked so its events go out at once. */
export type Transact<Tx> = <R>(fn: (tx: Tx) => Promise<R>, options?: TransactionOptions) => Promise<R>;

/** What a service's code gets from the kit when it is wired. */
export interface SubgraphDeps<E, P> {
  name: string;
  env: E;
  prisma: P;
  logger: Logger;
  transaction: Transact<TxOf<P>>;
  /** One Redis connection for the service (made on first use; in /ready; closed at shutdown). */
  redis(): Redis;
  /**
   * A plain pg pool on the service's database (made on first use; closed at shutdown), for the few
   * hot read paths where Prisma's per-query cost dominates a request (measured on the targets page:
   * findMany + count 3.9 ms of CPU, one SQL query through pg 0.47 ms). Writes stay in Prisma.
   */
  sql(): SqlPool;
  /** Extra shutdown work, run after the server closes and before AMQP and the database pool. */
  onShutdown(name: string, hook: () => unknown): void;
}

/**
 * Everything about one subgraph, declared once: kit derives `main()`, the seed entry, the SDL for
 * composition and the in-process test server from it.
 */
export interface SubgraphDefinition<E extends SubgraphEnv = SubgraphEnv, P extends PrismaLike = PrismaLike, S extends object = object> {
  /** The registry name (its folder under subgraphs/). */
  name: string;
  /** The zod schema of the service's environment (`z.object({ ...baseEnv, ... })`). */
  env: z.ZodType<E>;
  /** The service's own generated Prisma client on adapter-pg. */
  prisma(databaseUrl: string, poolSize: number): P;
  schema: FederatedSchemaOptions;
  /** Builds the service objects resolvers and handlers use (thin resolvers call these). */
  services(deps: SubgraphDeps<E, P>): S | Promise<S>;
  /** Per-request context (fresh DataLoaders here); defaults to the base context plus the services. */
  context?(base: RequestContext, services: S, req: Request): RequestContext | Promise<RequestContext>;
  /** Consumed events, by type; the queue is `<exchange>.<name>`. */
  handlers?(services: S, deps: SubgraphDeps<E, P>): EventHandlers;
  /**
   * Where the consumer's per-event transaction runs: `prisma` (default; handlers may use the Prisma
   * client they get as tx) or `sql`, a plain pg transaction on deps.sql(), for handlers that use raw SQL
   * only (tx offers $queryRawUnsafe / $executeRawUnsafe): no Prisma interactive transaction per event.
   */
  eventsOn?: "prisma" | "sql";
  /** Routing keys the queue is bound to; defaults to the handled types (the audit trail binds `#`). */
  eventBindings?: string[];
  /** Extra HTTP routes (internal contracts, JWKS, user-facing streams), mounted before /graphql. */
  routes?(app: Express, services: S, deps: SubgraphDeps<E, P>, http: RouteAuth): void;
  /** Token keys; defaults to the auth service's JWKS. */
  keys?(services: S, deps: SubgraphDeps<E, P>): KeyResolver;
  readiness?(services: S, deps: SubgraphDeps<E, P>): ReadinessChecks;
  /** Idempotent demo/bootstrap data for `npm start`; returns the line to print. */
  seed?(deps: SubgraphDeps<E, P>): Promise<string>;
  /**
   * Background workers (queue processors, reapers). They never run inside `serve`: `subgraph work
   * <service-dir>` runs them in a process of their own, so they scale to N replicas apart from the API.
   */
  workers?(services: S, deps: SubgraphDeps<E, P>): WorkerHandle | Promise<WorkerHandle>;
}

/**
 * For a user-facing HTTP route behind the gateway (e.g. a streamed export): the same door and token
 * checks as /graphql. Mount `gatewayOnly` first; `authenticate` then verifies the bearer token
 * (signature, expiry, recall) and reads the client address the gateway forwarded.
 */
export interface RouteAuth {
  gatewayOnly: RequestHandler;
  authenticate(req: Request, res: Response): Promise<RequestContext>;
  /**
   * Records a FORBIDDEN answer of the route as `<service>.permission.denied` (as /graphql does for its
   * refused fields), with the permissions the error says were missing; anything else is ignored.
   * Never throws: a failure to record is logged.
   */
  recordDenial(error: unknown, context: RequestContext, route: string): Promise<void>;
}

/** What a service's `workers` hook returns: stopped once at shutdown (finish or hand back the jobs in hand). */
export interface WorkerHandle {
  stop(): Promise<void>;
}

/** Identity with types: `export default defineSubgraph({ ... })` in `src/subgraph.ts`. */
export function defineSubgraph<E extends SubgraphEnv, P extends PrismaLike, S extends object>(
  definition: SubgraphDefinition<E, P, S>,
): SubgraphDefinition<E, P, S> {
  return definition;
}

/**
 * A service's durable queue, named after the exchange it is bound to, so two stacks on one broker
 * (a dev stack and the end-to-end tests, each with its own exchange) never share a queue.
 */
export const eventQueueName = (exchange: string, service: string) => `${exchange}.${service}`;

/** Waits for work at most `ms`; calls onTimeout when it gives up. */
function within(ms: number, work: Promise<unknown>, onTimeout: () => void): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

interface Wiring<E, P> {
  deps: SubgraphDeps<E, P>;
  lifecycle: Lifecycle;
  readiness: ReadinessChecks;
  /** Set once the relay exists; transactions kick it after commit. */
  relay: { current?: OutboxRelay };
}

function wire<E extends SubgraphEnv, P extends PrismaLike>(
  definition: SubgraphDefinition<E, P, object>,
  env: E,
  options: { logger?: Logger; poolSize?: number },
): Wiring<E, P> {
  const logger = options.logger ?? createLogger(definition.name, env.LOG_LEVEL);
  const lifecycle = new Lifecycle(logger);
  const prisma = definition.prisma(env.DATABASE_URL, options.poolSize ?? 10);
  // Bounded: after a connection was killed mid-transaction, adapter-pg's pool never finishes ending
  // (measured: $disconnect() never resolves), and shutdown must not hang on it.
  lifecycle.onShutdown("prisma", () => within(3_000, prisma.$disconnect(), () => logger.warn("database pool did not close in time")));
  const readiness: ReadinessChecks = { postgres: prismaReady(prisma) };
  const relay: { current?: OutboxRelay } = {};
  let redis: Redis | undefined;
  let sql: SqlPool | undefined;
  const transaction = (async (fn: (tx: unknown) => Promise<unknown>, transactionOptions: TransactionOptions = {}) => {
    const { onUniqueViolation, ...limits } = transactionOptions;
    let result: unknown;
    try {
      result = await (prisma as unknown as { $transaction(fn: (tx: unknown) => Promise<unknown>, limits: object): Promise<unknown> }).$transaction(fn, limits);
    } catch (error) {
      if (onUniqueViolation && isUniqueViolation(error)) throw onUniqueViolation(error) ?? error;
      throw error;
    }
    relay.current?.kick();
    return result;
  }) as Transact<TxOf<P>>;
  const deps: SubgraphDeps<E, P> = {
    name: definition.name,
    env,
    prisma,
    logger,
    transaction,
    redis() {
      if (!redis) {
        const client = createRedis(env.REDIS_URL, logger);
        redis = client;
        readiness.redis = () => client.ping();
        lifecycle.onShutdown("redis", () => client.disconnect());
      }
      return redis;
    },
    sql() {
      if (!sql) {
        const pool = sqlPool(env.DATABASE_URL, Math.max(2, Math.ceil((options.poolSize ?? 10) / 2)));
        sql = pool;
        lifecycle.onShutdown("sql pool", () => within(3_000, pool.end(), () => logger.warn("sql pool did not close in time")));
      }
      return sql;
    },
    onShutdown: (name, hook) => lifecycle.onShutdown(name, hook),
  };
  return { deps, lifecycle, readiness, relay };
}

export interface ServeOptions {
  logger?: Logger;
  /** Replaces the token keys (tests pass a createTestSigner's); a service's own keys are still tried first. */
  keys?: KeyResolver;
  /** Consume the service's events (default true). Tests on a shared broker pass false and call handlers directly. */
  consumeEvents?: boolean;
  /** Install SIGTERM/SIGINT handlers (default true; in-process tests and the all-in-one runner pass false). */
  handleSignals?: boolean;
}

export interface RunningSubgraph<E = SubgraphEnv, P = PrismaLike, S = object> {
  name: string;
  env: E;
  url: string;
  port: number;
  server: RunningServer;
  services: S;
  prisma: P;
  logger: Logger;
  lifecycle: Lifecycle;
  relay?: OutboxRelay;
  consumer?: EventConsumer;
  amqp: AmqpConnection;
  schema: GraphQLSchema;
  /** The SDL composition sees. */
  sdl: string;
  stop(): Promise<void>;
}

/** The whole `main()` of a subgraph: schema, server with health/ready/metrics, outbox relay, consumer, shutdown. */
export async function serveSubgraph<E extends SubgraphEnv, P extends PrismaLike, S extends object>(
  definition: SubgraphDefinition<E, P, S>,
  env: E,
  options: ServeOptions = {},
): Promise<RunningSubgraph<E, P, S>> {
  const { deps, lifecycle, readiness, relay: relayRef } = wire(definition as SubgraphDefinition<E, P, object>, env, options);
  const { logger, prisma } = deps;
  const amqp = new AmqpConnection(env.RABBITMQ_URL, logger, definition.name);
  lifecycle.onShutdown("amqp", () => amqp.close());
  readiness.rabbitmq = () => amqp.check();

  try {
    await ensureKitTables(prisma);
    const services = await definition.services(deps);
    const relay = env.OUTBOX_RELAY_ENABLED ? new OutboxRelay({ db: prisma, amqp, exchange: env.EVENTS_EXCHANGE, logger }) : undefined;
    if (relay) lifecycle.onShutdown("outbox relay", () => relay.stop());
    relayRef.current = relay;
    const handlers = options.consumeEvents === false ? undefined : definition.handlers?.(services, deps);
    const consumer = handlers
      ? new EventConsumer({ db: definition.eventsOn === "sql" ? sqlClientOf(deps.sql()) : prisma, amqp, exchange: env.EVENTS_EXCHANGE, queue: eventQueueName(env.EVENTS_EXCHANGE, definition.name), handlers, logger, bindings: definition.eventBindings })
      : undefined;
    if (consumer) lifecycle.onShutdown("event consumer", () => consumer.stop());

    const own = definition.keys?.(services, deps);
    const extra = options.keys;
    const keys: KeyResolver = own && extra ? async (kid) => (await own(kid)) ?? extra(kid) : (extra ?? own ?? remoteJwks(`${env.AUTH_URL}/.well-known/jwks.json`));
    const { schema, sdl } = await buildFederatedSchema(definition.schema);
    // Every subgraph refuses recalled tokens itself (deactivation, password change, logout): being
    // behind the gateway is not enough, a sibling or a leaked proof reaches it directly.
    // Mirrored in memory (revocation.ts): a check costs no Redis round trip.
    const { revocations, close: closeRevocations } = mirroredRevocations(deps.redis(), env.REDIS_URL, env.REDIS_KEY_PREFIX, logger);
    lifecycle.onShutdown("revocation mirror", closeRevocations);
    const verify = { keys, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE, notBefore: (userId: string, sessionId?: string) => revocations.notBefore(userId, sessionId) };
    const recordDenial = denialRecorder(definition.name, prisma, relayRef);
    const routeAuth: RouteAuth = {
      gatewayOnly: requireGatewayProof(env.SERVICE_TOKEN),
      authenticate: (req, res) => authenticateBehindDoor(req, res, verify, env.SERVICE_TOKEN),
      async recordDenial(error, context, route) {
        if ((error as GraphQLError | undefined)?.extensions?.code !== "FORBIDDEN" || !recordDenial) return;
        const denial: PermissionDenial = {
          operationName: null,
          operationType: "http",
          field: route,
          path: [],
          requiredPermissions: requiredPermissionsOf(error),
          requestId: context.requestId ?? null,
        };
        try {
          await recordDenial(denial, context);
        } catch (failure) {
          logger.error("could not record a permission denial", { error: failure, field: route });
        }
      },
    };
    const server = await startSubgraphServer<RequestContext>({
      name: definition.name,
      host: env.HOST,
      port: env.PORT,
      logger,
      schema,
      serviceToken: env.SERVICE_TOKEN,
      limits: limitsFromEnv(env),
      verify,
      context: (base, req) => (definition.context ? definition.context(base, services, req) : { ...base, ...services }),
      readiness: { ...readiness, ...definition.readiness?.(services, deps) },
      routes: (app) => definition.routes?.(app, services, deps, routeAuth),
      introspection: env.NODE_ENV !== "production",
      metricsToken: env.METRICS_TOKEN,
      knownOperations: env.METRICS_OPERATIONS,
      onForbidden: recordDenial,
    });
    lifecycle.onShutdown("http server", () => server.stop());
    relay?.start();
    await consumer?.start();
    if (options.handleSignals ?? true) lifecycle.listen();
    if (!env.OUTBOX_RELAY_ENABLED) logger.warn("outbox relay disabled: events stay in the outbox until it runs");
    return {
      name: definition.name,
      env,
      url: server.url,
      port: server.port,
      server,
      services,
      prisma,
      logger,
      lifecycle,
      relay,
      consumer,
      amqp,
      schema,
      sdl,
      stop: () => lifecycle.shutdown(),
    };
  } catch (error) {
    // Close what is already open (database pool, AMQP, Redis) so a failed start leaks nothing.
    await lifecycle.shutdown();
    throw error;
  }
}

/**
 * Records a refused operation as `<service>.permission.denied` in the service's outbox, in a
 * transaction of its own after the request (the refused work wrote nothing), then kicks the relay.
 */
function denialRecorder(service: string, db: SqlClient, relay: { current?: OutboxRelay }) {
  const type = permissionDeniedEvent(service);
  if (!type) return undefined;
  return async (denial: PermissionDenial, context: RequestContext) => {
    await emitEvent(db, type, {
      actor: context.actor,
      subject: { type: "Operation", id: denial.field ?? denial.operationName ?? "unknown" },
      data: denial,
    });
    relay.current?.kick();
  };
}

export interface RunningWorkers<E = SubgraphEnv, P = PrismaLike, S = object> {
  name: string;
  env: E;
  services: S;
  prisma: P;
  logger: Logger;
  lifecycle: Lifecycle;
  stop(): Promise<void>;
}

/**
 * The `main()` of a service's worker process: the same services and outbox relay as `serve` (events
 * written by workers go out from here), no HTTP API, then the definition's `workers` hook.
 */
export async function runWorkers<E extends SubgraphEnv, P extends PrismaLike, S extends object>(
  definition: SubgraphDefinition<E, P, S>,
  env: E,
  options: Pick<ServeOptions, "logger" | "handleSignals"> = {},
): Promise<RunningWorkers<E, P, S>> {
  if (!definition.workers) throw new Error(`${definition.name} declares no workers`);
  const logger = options.logger ?? createLogger(`${definition.name}-worker`, env.LOG_LEVEL);
  const { deps, lifecycle, relay: relayRef } = wire(definition as SubgraphDefinition<E, P, object>, env, { logger });
  const { prisma } = deps;
  const amqp = new AmqpConnection(env.RABBITMQ_URL, logger, `${definition.name}-worker`);
  lifecycle.onShutdown("amqp", () => amqp.close());
  try {
    await ensureKitTables(prisma);
    const services = await definition.services(deps);
    const relay = env.OUTBOX_RELAY_ENABLED ? new OutboxRelay({ db: prisma, amqp, exchange: env.EVENTS_EXCHANGE, logger }) : undefined;
    if (relay) lifecycle.onShutdown("outbox relay", () => relay.stop());
    relayRef.current = relay;
    const workers = await definition.workers(services, deps);
    lifecycle.onShutdown("workers", () => workers.stop());
    relay?.start();
    if (options.handleSignals ?? true) lifecycle.listen();
    logger.info("workers started");
    return { name: definition.name, env, services, prisma, logger, lifecycle, stop: () => lifecycle.shutdown() };
  } catch (error) {
    await lifecycle.shutdown();
    throw error;
  }
}

/** Runs the service's seed once against its database; returns the line it reports. */
export async function seedSubgraph<E extends SubgraphEnv, P extends PrismaLike, S extends object>(
  definition: SubgraphDefinition<E, P, S>,
  env: E,
  options: { logger?: Logger } = {},
): Promise<string> {
  const { deps, lifecycle } = wire(definition as SubgraphDefinition<E, P, object>, env, { ...options, poolSize: 2 });
  try {
    await ensureKitTables(deps.prisma);
    return definition.seed ? await definition.seed(deps) : `${definition.name}: nothing to seed`;
  } finally {
    await lifecycle.shutdown();
  }
}

/** The SDL composition reads; no server, no database. */
export const definitionSdl = (definition: Pick<SubgraphDefinition, "schema">) => subgraphSdl(definition.schema);

/** Parses a service's environment from a source (process.env, or a per-service map in the all-in-one runner). */
export function loadDefinitionEnv<E extends SubgraphEnv>(definition: Pick<SubgraphDefinition<E>, "env">, source: NodeJS.ProcessEnv, exit = true): E {
  return parseEnv(definition.env, source, exit) as E;
}

/** The running form of a definition: `RunningOf<typeof authSubgraph>`. */
export type RunningOf<D> =
  D extends SubgraphDefinition<infer E extends SubgraphEnv, infer P extends PrismaLike, infer S extends object> ? RunningSubgraph<E, P, S> : never;
